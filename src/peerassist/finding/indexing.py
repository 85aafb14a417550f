"""Keeping the search indexes current: FTS rows on save, embeddings in a background task.

The FTS row is written in the same transaction as the lesson (cheap, and never out of step);
the embedding (tens of milliseconds, and the model may need loading) is a django-tasks task
enqueued after commit. ``search_index_build`` rebuilds both for every lesson and past peer
assist: ``peerassist build_search_index``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_tasks import task

from peerassist.assists.models import PeerAssist
from peerassist.finding.fts import fts_index_lesson, fts_rebuild, fts_remove_lesson
from peerassist.lessons.models import Lesson
from peerassist.semantic.index import vectors_delete, vectors_upsert
from peerassist.semantic.models import SemanticVector

MAX_EMBED_CHARS = 2000


def lesson_text(lesson: Lesson, construct_names: list[str] | None = None) -> str:
    """What the sentence model reads for a lesson: the lesson first, then its context."""
    if construct_names is None:
        construct_names = [c.name for c in lesson.constructs.all()] if lesson.pk else []
    parts = [
        lesson.title,
        lesson.lesson,
        lesson.recommendation,
        lesson.context,
        lesson.what_happened,
        lesson.care_setting,
        lesson.service,
        lesson.population,
        ", ".join(construct_names),
    ]
    return "\n".join(p for p in parts if p)[:MAX_EMBED_CHARS]


def assist_text(assist: PeerAssist) -> str:
    parts = [assist.title, assist.purpose, assist.open_decisions, assist.deliverables]
    return "\n".join(p for p in parts if p)[:MAX_EMBED_CHARS]


@task()
def lesson_embed_task(lesson_id: int) -> int:
    """Encode one lesson if its text changed since the stored vector."""
    lesson = Lesson.objects.filter(pk=lesson_id).prefetch_related("constructs").first()
    if lesson is None:
        vectors_delete(SemanticVector.Kind.LESSON, [lesson_id])
        return 0
    return vectors_upsert(SemanticVector.Kind.LESSON, {lesson.pk: lesson_text(lesson)})


def _enqueue_embedding(lesson_id: int) -> None:
    transaction.on_commit(lambda: lesson_embed_task.enqueue(lesson_id))


def _lesson_saved(sender: type, instance: Lesson, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    fts_index_lesson(instance)
    _enqueue_embedding(instance.pk)


def _lesson_deleted(sender: type, instance: Lesson, **kwargs: Any) -> None:
    fts_remove_lesson(instance.pk)
    vectors_delete(SemanticVector.Kind.LESSON, [instance.pk])


def _constructs_changed(sender: type, instance: object, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Lesson):
        _enqueue_embedding(instance.pk)


def connect_signals() -> None:
    post_save.connect(_lesson_saved, sender=Lesson, dispatch_uid="finding.lesson_saved")
    post_delete.connect(_lesson_deleted, sender=Lesson, dispatch_uid="finding.lesson_deleted")
    m2m_changed.connect(
        _constructs_changed,
        sender=Lesson.constructs.through,
        dispatch_uid="finding.lesson_constructs",
    )


def search_index_build(
    *, embeddings: bool = True, progress: Callable[[str], None] | None = None
) -> dict[str, float]:
    """Rebuild the full-text index and (re)encode changed lessons and peer assists."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    indexed = fts_rebuild()
    fts_seconds = time.perf_counter() - started
    say(f"Full-text index: {indexed} lessons in {fts_seconds:.1f} s")
    encoded = 0
    embed_started = time.perf_counter()
    if embeddings:
        lessons = Lesson.objects.prefetch_related("constructs").order_by("pk")
        batch: dict[int, str] = {}
        for lesson in lessons.iterator(chunk_size=1000):
            batch[lesson.pk] = lesson_text(lesson)
            if len(batch) >= 1000:
                encoded += vectors_upsert(SemanticVector.Kind.LESSON, batch)
                say(f"Embeddings: {encoded} encoded so far")
                batch = {}
        encoded += vectors_upsert(SemanticVector.Kind.LESSON, batch)
        assists = {a.pk: assist_text(a) for a in PeerAssist.objects.order_by("pk")}
        encoded += vectors_upsert(SemanticVector.Kind.ASSIST, assists)
    embed_seconds = time.perf_counter() - embed_started
    say(f"Embeddings: {encoded} encoded in {embed_seconds:.1f} s")
    return {
        "lessons": float(indexed),
        "fts_seconds": fts_seconds,
        "encoded": float(encoded),
        "embedding_seconds": embed_seconds,
    }
