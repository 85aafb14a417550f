"""A note's sentence vector is computed once per process and reused by every suggestion.

Encoding is most of a CFIR suggestion's time, so asking about the same note again (the coding
page, its re-render, the API) or after "Suggest themes" grouped its board must not encode it
again. Runs on the real sentence model (skipped where the package is not installed).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from peerassist.semantic import embeddings
from peerassist.semantic.embeddings import VectorCache, encode_cached
from tests.counting_model import Counting, counting_model

NOTES = [
    (1, "Only one nurse prescriber, the clinic closes when she is on leave"),
    (2, "Bank nurses don't know the prescribing protocol"),
    (3, "Clinic sessions cancelled whenever the team is short"),
    (4, "Referral form is four pages long"),
    (5, "Weekend referrals sit until Monday"),
    (6, "GPs don't know they can refer directly"),
]


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counting]:
    counting = counting_model(monkeypatch)
    yield counting


def test_a_text_is_encoded_once_and_gives_the_same_vector(model: Counting) -> None:
    first = encode_cached(["Weekend referrals sit until Monday", "Referral form is too long"])
    again = encode_cached(["Referral form is too long", "Weekend referrals sit until Monday"])
    assert model.encoded == ["Weekend referrals sit until Monday", "Referral form is too long"]
    assert np.allclose(first[::-1], again)
    assert np.allclose(
        first,
        model.encode(["Weekend referrals sit until Monday", "Referral form is too long"]),
        atol=1e-5,
    )


def test_grouping_a_board_means_coding_its_notes_encodes_nothing(model: Counting) -> None:
    from peerassist.analysis.cfir_ranker import engine_build
    from peerassist.semantic.clustering import suggest_groups

    suggest_groups(NOTES)
    assert sorted(model.encoded) == sorted(text for _, text in NOTES)
    engine = engine_build(model)
    model.encoded.clear()
    first = engine.suggest(NOTES[3][1])
    again = engine.suggest(NOTES[3][1])
    assert model.encoded == []
    assert [r.candidate.code for r in first.constructs] == [
        r.candidate.code for r in again.constructs
    ]
    engine.suggest("A note nobody has asked about yet")
    assert model.encoded == ["A note nobody has asked about yet"]


def test_the_cache_forgets_the_least_recently_used_text() -> None:
    cache = VectorCache(size=2)
    keys = [VectorCache.key("m", text) for text in ("a", "b", "c")]
    cache.put(keys[0], np.zeros(2))
    cache.put(keys[1], np.ones(2))
    assert cache.get(keys[0]) is not None  # "a" is now the most recent
    cache.put(keys[2], np.ones(2))
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) is not None and cache.get(keys[2]) is not None


def test_tfidf_vectors_are_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """TF-IDF vectors depend on the texts fitted together: a cached one would be wrong."""
    monkeypatch.setattr(embeddings, "vector_cache", VectorCache())
    tfidf = embeddings.TfidfBackend()
    pair = encode_cached(["rota gaps at night", "night rota gaps"], tfidf)
    assert pair.shape[0] == 2
    assert len(embeddings.vector_cache._rows) == 0
