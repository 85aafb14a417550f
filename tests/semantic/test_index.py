"""The vector index: nearest neighbours from a per-process cache that follows every write."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from django.db import transaction

from peerassist.semantic import embeddings
from peerassist.semantic.index import DIMENSIONS, nearest, vectors_delete, vectors_store

pytestmark = pytest.mark.django_db(transaction=False)

KIND = "lesson"


@dataclass
class _FixedBackend:
    """Stands in for the sentence model: the tests write the vectors themselves."""

    name: str = "test-backend"
    label: str = "test vectors"

    def encode(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("the index tests never encode")


@pytest.fixture(autouse=True)
def _backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_backend", _FixedBackend())


def unit(axis: int) -> np.ndarray:
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[axis] = 1.0
    return vector


def store(*object_ids: int) -> None:
    vectors_store(KIND, "test-backend", {pk: (f"hash-{pk}", unit(pk)) for pk in object_ids})


def found(axis: int) -> list[int]:
    every = lambda ids: set(ids)  # noqa: E731 — every object allowed
    return [pk for pk, _ in nearest(KIND, unit(axis), every, limit=5, min_score=0.5)]


def test_stored_replaced_and_deleted_vectors_show_in_the_next_query() -> None:
    """The cached matrix is current after every store and delete, without a restart."""
    assert found(1) == []
    store(1, 2)
    assert found(1) == [1] and found(2) == [2]
    store(3)
    assert found(3) == [3]
    vectors_store(KIND, "test-backend", {3: ("hash-3b", unit(4))})  # new text, new vector
    assert found(3) == [] and found(4) == [3]
    vectors_delete(KIND, [1])
    assert found(1) == [] and found(2) == [2]


def test_a_rolled_back_store_leaves_no_trace_in_the_cache() -> None:
    """A write that rolls back is seen neither by queries inside it after it, nor later."""
    store(1)
    assert found(1) == [1]

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        store(2)
        assert found(2) == [2]
        raise Undo
    assert found(2) == [] and found(1) == [1]


def test_only_allowed_objects_come_back() -> None:
    """`allowed` decides: the best vector is skipped when it is not allowed."""
    store(1, 2)
    query = unit(1) + 0.5 * unit(2)
    allowed = lambda ids: {pk for pk in ids if pk != 1}  # noqa: E731
    assert [pk for pk, _ in nearest(KIND, query, allowed, limit=5)] == [2]


def test_a_queryset_decides_which_objects_come_back() -> None:
    """With a queryset as `allowed`, only the objects in it are ranked; an empty one, none."""
    from peerassist.lessons.models import Lesson
    from tests.factories import LessonFactory

    shown, hidden = LessonFactory(), LessonFactory()
    best = unit(1)
    close = (unit(1) + 0.2 * unit(2)) / np.linalg.norm(unit(1) + 0.2 * unit(2))
    vectors_store(KIND, "test-backend", {hidden.pk: ("h", best), shown.pk: ("s", close)})
    everyone = Lesson.objects.all()
    assert [pk for pk, _ in nearest(KIND, best, everyone)] == [hidden.pk, shown.pk]
    only_shown = Lesson.objects.exclude(pk=hidden.pk)
    assert [pk for pk, _ in nearest(KIND, best, only_shown)] == [shown.pk]
    assert nearest(KIND, best, Lesson.objects.filter(pk__in=[])) == []
