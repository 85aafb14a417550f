"""The real sentence model, counting what it is asked to encode: for the tests that check a
text is encoded once per process (semantic's vector cache, the analysis page's warming)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from peerassist.semantic import embeddings
from peerassist.semantic.embeddings import SentenceModelBackend, VectorCache


@dataclass
class Counting(SentenceModelBackend):
    """The real model, counting the texts it is asked to encode."""

    encoded: list[str] = field(default_factory=list)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return super().encode(texts)


def counting_model(monkeypatch: pytest.MonkeyPatch) -> Counting:
    """Put a counting model and an empty vector cache in place for this test."""
    if embeddings.embedding_backend_name() != "sentence-model":
        pytest.skip("the sentence model package is not installed here")
    monkeypatch.delenv("PEERASSIST_EMBEDDINGS", raising=False)
    real = embeddings.embedding_backend()
    assert isinstance(real, SentenceModelBackend)
    counting = Counting(model=real.model)
    monkeypatch.setattr(embeddings, "_backend", counting)
    monkeypatch.setattr(embeddings, "vector_cache", VectorCache())
    return counting
