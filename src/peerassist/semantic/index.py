"""The vector index: stored embeddings and brute-force nearest neighbours with numpy.

Vectors live in ``SemanticVector`` (384 float32 as bytes per object and backend). A query
loads the kind's matrix once per process and keeps it until the vectors change: every write
here also replaces the kind's ``VectorSetVersion`` token in the same transaction, and each
query reads that one row (an aggregate over the vectors cost 13–25 ms at 50,000). It then
ranks every object with one matrix-vector product — about 5 ms for 50,000 × 384 — and only
afterwards asks the database which of the best are allowed (visible to the actor, inside the
filters). No ANN library, no extra service.

Only the sentence model's vectors are stored: TF-IDF vectors from different fits are not
comparable, so with the fallback callers re-rank their candidates in one fit instead.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BigIntegerField, QuerySet
from django.db.models.expressions import RawSQL

from peerassist.semantic import embeddings
from peerassist.semantic.models import SemanticVector, VectorSetVersion

DIMENSIONS = 384


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stores_vectors() -> bool:
    """Whether the backend in use makes vectors worth storing (the sentence model does)."""
    return embeddings.embedding_backend_name() != embeddings.TfidfBackend.name


def vectors_upsert(kind: str, texts: dict[int, str], *, batch_size: int = 64) -> int:
    """Encode and store the texts whose hash changed; returns how many were encoded."""
    if not texts or not stores_vectors():
        return 0
    backend = embeddings.embedding_backend()
    hashes = {pk: text_hash(text) for pk, text in texts.items()}
    current = dict(
        SemanticVector.objects.filter(
            kind=kind, backend=backend.name, object_id__in=list(texts)
        ).values_list("object_id", "text_hash")
    )
    stale = [pk for pk, h in hashes.items() if current.get(pk) != h]
    for start in range(0, len(stale), batch_size):
        chunk = stale[start : start + batch_size]
        matrix = backend.encode([texts[pk] for pk in chunk])
        vectors_store(
            kind, backend.name, {pk: (hashes[pk], matrix[i]) for i, pk in enumerate(chunk)}
        )
    return len(stale)


@transaction.atomic
def vectors_store(kind: str, backend: str, rows: dict[int, tuple[str, np.ndarray]]) -> None:
    """Write vectors as given (``{object id: (text hash, vector)}``), replacing old ones."""
    _version_bump(kind, backend)
    SemanticVector.objects.filter(kind=kind, backend=backend, object_id__in=list(rows)).delete()
    SemanticVector.objects.bulk_create(
        [
            SemanticVector(
                kind=kind,
                object_id=pk,
                backend=backend,
                text_hash=digest,
                vector=np.asarray(vector, dtype=np.float32).tobytes(),
            )
            for pk, (digest, vector) in rows.items()
        ],
        batch_size=1000,
    )


@transaction.atomic
def vectors_delete(kind: str, object_ids: Iterable[int]) -> None:
    if SemanticVector.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()[0]:
        _version_bump(kind)


def _version_bump(kind: str, backend: str | None = None) -> None:
    """A new token for the kind's vectors (under one backend, or all): caches reload.

    Call inside the transaction that writes the vectors, so the token and the rows it
    stands for commit together.
    """
    token = uuid.uuid4().hex
    if backend is None:
        VectorSetVersion.objects.filter(kind=kind).update(token=token)
        return
    VectorSetVersion.objects.bulk_create(
        [VectorSetVersion(kind=kind, backend=backend, token=token)],
        update_conflicts=True,
        unique_fields=["kind", "backend"],
        update_fields=["token"],
    )


@dataclass
class _Matrix:
    stamp: str | None
    ids: np.ndarray
    matrix: np.ndarray


_lock = threading.Lock()
_matrices: dict[tuple[str, str], _Matrix] = {}


def _stamp(kind: str, backend: str) -> str | None:
    """The kind's current version token (None before its first vector is stored)."""
    return (
        VectorSetVersion.objects.filter(kind=kind, backend=backend)
        .values_list("token", flat=True)
        .first()
    )


def kind_matrix(kind: str, backend: str) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, matrix)`` of every stored vector of a kind, cached until its version changes."""
    stamp = _stamp(kind, backend)
    cached = _matrices.get((kind, backend))
    if cached is not None and cached.stamp == stamp:
        return cached.ids, cached.matrix
    with _lock:
        cached = _matrices.get((kind, backend))  # another thread may have just reloaded it
        if cached is not None and cached.stamp == stamp:
            return cached.ids, cached.matrix
        rows = SemanticVector.objects.filter(kind=kind, backend=backend).values_list(
            "object_id", "vector"
        )
        ids: list[int] = []
        blobs: list[bytes] = []
        for object_id, blob in rows.iterator(chunk_size=5000):
            data = bytes(blob)
            if len(data) == DIMENSIONS * 4:
                ids.append(object_id)
                blobs.append(data)
        matrix = (
            np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), DIMENSIONS)
            if blobs
            else np.zeros((0, DIMENSIONS), dtype=np.float32)
        )
        entry = _Matrix(stamp=stamp, ids=np.asarray(ids, dtype=np.int64), matrix=matrix)
        _matrices[(kind, backend)] = entry
    return entry.ids, entry.matrix


def nearest(
    kind: str,
    query_vector: np.ndarray,
    allowed: QuerySet | Callable[[list[int]], set[int]],
    *,
    limit: int = 200,
    min_score: float = 0.0,
) -> list[tuple[int, float]]:
    """``(object id, cosine)`` best first, among the objects ``allowed`` lets through.

    ``allowed`` is a queryset of the kind's model (filtered by id) or a function from ids to
    the subset allowed. Candidates are checked best-first in growing chunks, so a filter that
    lets few through costs a few more queries, never a full scan of the table in Python.
    """
    backend = embeddings.embedding_backend().name
    ids, matrix = kind_matrix(kind, backend)
    if not len(ids):
        return []
    scores = matrix @ np.asarray(query_vector, dtype=np.float32)
    keep = scores >= min_score
    ids, scores = ids[keep], scores[keep]
    # Most searches need only the best few hundred: partition first, sort just those, and
    # sort the rest only if the filters turn most of them away.
    first = min(len(scores), max(limit * 3, 300))
    if first < len(scores):
        top = np.argpartition(-scores, first - 1)[:first]
        order = top[np.argsort(-scores[top], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")

    def check(chunk_ids: list[int]) -> set[int]:
        if callable(allowed):
            return allowed(chunk_ids)
        return allowed_ids(allowed, chunk_ids)

    found: list[tuple[int, float]] = []
    seen: set[int] = set()  # ties at the partition's edge may come round twice
    start, chunk = 0, max(limit * 3, 300)
    while start < len(order) and len(found) < limit:
        positions = order[start : start + chunk]
        chunk_ids = [int(i) for i in ids[positions]]
        ok = check(chunk_ids)
        for position, object_id in zip(positions, chunk_ids, strict=True):
            if object_id in ok and object_id not in seen:
                seen.add(object_id)
                found.append((object_id, float(scores[position])))
                if len(found) >= limit:
                    break
        start += chunk
        chunk = min(chunk * 4, 40_000)
        if start >= len(order) and len(order) < len(scores) and len(found) < limit:
            order = np.argsort(-scores, kind="stable")  # the partition ran out: all of them
    return found


def allowed_ids(allowed: QuerySet, ids: list[int]) -> set[int]:
    """Which of ``ids`` the queryset holds, found through the primary key.

    ``allowed.filter(pk__in=ids)`` is slow with thousands of ids: SQLite prefers to scan
    the visible lessons through the visibility indexes, and PostgreSQL parses one literal
    per id (at 50,000 lessons: 5–6 ms for 600 ids, 60–110 ms for 9,600). Here the ids are
    one bound value, sorted. SQLite checks each against the queryset in a correlated EXISTS
    (3 ms and 13–16 ms); PostgreSQL filters the queryset with ``pk = ANY(array)``, an index
    condition on the primary key (1.5 ms and 22–26 ms; an EXISTS there let the planner loop
    over every candidate for every id when it misjudged how many the filters let through).
    The queryset's own conditions still decide every id.
    """
    if not ids:
        return set()
    given = sorted(set(ids))
    try:
        if connection.vendor == "sqlite":
            one = RawSQL("given.id", [], output_field=BigIntegerField())
            check_sql, check_params = (
                allowed.filter(pk=one).order_by().values("pk").query.sql_with_params()
            )
            given_ids = "(SELECT value AS id FROM json_each(%s)) AS given"
            sql = f"SELECT given.id FROM {given_ids} WHERE EXISTS ({check_sql})"  # noqa: S608
            params = [json.dumps(given), *check_params]
        elif connection.vendor == "postgresql":
            inner_sql, inner_params = allowed.order_by().values("pk").query.sql_with_params()
            sql = f"SELECT pk FROM ({inner_sql}) AS allowed WHERE pk = ANY(%s)"  # noqa: S608
            params = [*inner_params, given]
        else:
            return set(allowed.filter(pk__in=given).order_by().values_list("pk", flat=True))
    except EmptyResultSet:  # a queryset that can hold nothing
        return set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(row[0]) for row in cursor.fetchall()}
