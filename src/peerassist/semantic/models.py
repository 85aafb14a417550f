"""Stored embeddings: one vector per (kind, object, backend), rebuilt when the text changes."""

from __future__ import annotations

from django.db import models


class SemanticVector(models.Model):
    """A unit-length float32 vector (as bytes) for one object's text under one backend.

    ``text_hash`` is the SHA-256 of the text that was encoded, so a save that does not change
    the text costs no re-encoding. Vectors of different backends are never compared.
    """

    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        ASSIST = "assist", "Peer assist"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    backend = models.CharField(max_length=40)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "backend"], name="one_vector_per_object_backend"
            )
        ]
        indexes = [models.Index(fields=["kind", "backend", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.backend})"


class VectorSetVersion(models.Model):
    """A token that changes with every write to one kind's stored vectors under one backend.

    ``semantic/index.py`` caches each kind's vectors as one matrix per process and reads this
    row (one lookup by a unique index) before each query to tell whether the cache is still
    current; counting the vectors instead costs tens of milliseconds at 50,000. The token is
    random, not a counter, so a rolled-back write or a flushed table can never bring back a
    value that an older cache was built under. Written only by ``semantic/index.py``, in the
    same transaction as the vectors.
    """

    kind = models.CharField(max_length=20, choices=SemanticVector.Kind.choices)
    backend = models.CharField(max_length=40)
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "backend"], name="one_version_per_kind_backend")
        ]

    def __str__(self) -> str:
        return f"{self.kind} vectors ({self.backend}): {self.token}"
