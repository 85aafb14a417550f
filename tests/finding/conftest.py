"""Shared setup for the finding tests: a lesson world across two organisations."""

from __future__ import annotations

import pytest

from peerassist.semantic import embeddings


@pytest.fixture
def sentence_model() -> None:
    if embeddings.model_path() is None:
        pytest.skip("the sentence model package is not installed")
    if embeddings.embedding_backend().name != embeddings.SentenceModelBackend.name:
        pytest.skip("the sentence model failed to load")
