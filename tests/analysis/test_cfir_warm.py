"""Opening the analysis page gets the notes' sentence vectors ready for their suggestions.

The host team opens the analysis page, then codes a note or theme: the suggestion then answers
without encoding (the slow part). The page never loads the model itself, and never waits.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from peerassist.analysis import cfir_ranker
from peerassist.semantic import embeddings
from tests.analysis.conftest import Analysis
from tests.conftest import ApiClient
from tests.counting_model import Counting, counting_model


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counting]:
    counting = counting_model(monkeypatch)
    monkeypatch.setattr(cfir_ranker, "_engines", {})
    yield counting


def _wait_for_warming() -> None:
    thread = embeddings._warming
    if thread is not None:
        thread.join(timeout=120)
        assert not thread.is_alive()


def test_after_the_host_opens_the_page_coding_a_note_encodes_nothing(
    client, api: ApiClient, an: Analysis, model: Counting
) -> None:
    client.force_login(an.host)
    assert client.get(f"/analysis/assists/{an.assist.pk}/analysis/").status_code == 200
    _wait_for_warming()
    assert set(model.encoded) == {note.text for note in an.notes}
    model.encoded.clear()

    api.login(an.host)
    response = api.get(an.path("/construct-suggestions"), text=an.notes[2].text)
    assert response.status_code == 200 and response.json()["constructs"]
    page = client.get(f"/analysis/assists/{an.assist.pk}/analysis/code/?note={an.notes[2].pk}")
    assert page.status_code == 200 and "Suggested" in page.content.decode()
    assert model.encoded == []


def test_a_watcher_who_cannot_code_warms_nothing(client, an: Analysis, model: Counting) -> None:
    client.force_login(an.colleague)
    assert client.get(f"/analysis/assists/{an.assist.pk}/analysis/").status_code == 200
    _wait_for_warming()
    assert model.encoded == []


def test_the_page_never_loads_the_model(
    client, an: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "_backend", None)
    client.force_login(an.host)
    assert client.get(f"/analysis/assists/{an.assist.pk}/analysis/").status_code == 200
    assert embeddings._backend is None
