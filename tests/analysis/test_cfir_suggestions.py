"""The CFIR suggestion contract: ordering, ties, own constructs, learning, valence, no leaks.

Through the API and the coding page, on the TF-IDF engine (read from its shipped artifact
once per test process; the sentence model's accuracy is measured by ``make bench``).
"""

from __future__ import annotations

import numpy as np
import pytest

from peerassist.accounts.models import Organisation
from peerassist.analysis.cfir_ranker import CfirEngine, Trained
from peerassist.analysis.models import CfirConstruct, Determinant
from tests.analysis.conftest import Analysis, make_analysis
from tests.conftest import ApiClient
from tests.factories import NoteFactory

CODED = "Locum doctors kept changing so the clinic never had consistent staff to run it"
ALIKE = "Locum doctors keep changing, so the clinic has no consistent staff to run it"


pytestmark = pytest.mark.usefixtures("tfidf")


def _suggest(api: ApiClient, an: Analysis, text: str) -> dict:
    response = api.get(an.path("/construct-suggestions"), text=text)
    assert response.status_code == 200, response.content
    return response.json()


def test_suggestions_come_best_first_with_valence_and_backend(api: ApiClient, an: Analysis) -> None:
    """Scores never rise down the list; the valence and the engine in use are named."""
    api.login(an.host)
    body = _suggest(
        api, an, "We could not afford it: the grant ran out and commissioners cut the funding"
    )
    scores = [c["score"] for c in body["constructs"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)
    assert body["constructs"][0]["domain"] in {"Outer Setting", "Inner Setting"}
    assert body["valence"]["value"] == "barrier" and body["valence"]["choice"] == "-1"
    assert body["backend"] == "tfidf" and "TF-IDF" in body["backend_label"]


def test_subconstructs_carry_their_parents_name(api: ApiClient, an: Analysis) -> None:
    """The three subconstructs called "Innovation Recipients" are told apart by their parents."""
    api.login(an.host)
    body = _suggest(
        api, an, "We never asked the patients and families what they needed from the service"
    )
    names = {c["code"]: c["full_name"] for c in body["constructs"]}
    subs = [name for code, name in names.items() if code.count(".") and code[-1].isdigit()]
    assert subs and all(" — " in name for name in subs)


def test_equal_scores_keep_the_cfir_order() -> None:
    """With nothing to tell constructs apart, the list is the CFIR order, not a random one."""

    class Flat:
        name, label = "flat", "flat"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 4), dtype=np.float32) / 2

    from peerassist.analysis.cfir_data import construct_texts
    from peerassist.analysis.cfir_ranker import LinearModel

    count = len(construct_texts())
    flat = LinearModel(np.zeros((count, 4)), np.zeros(count), np.arange(count))
    valence = LinearModel(np.zeros((3, 4)), np.zeros(3), np.arange(3))
    engine = CfirEngine(Flat(), Trained(np.ones((count, 4)), np.zeros(4), flat, valence))
    ranked = engine.rank("anything at all", top=count)
    assert [r.candidate.code for r in ranked] == [c.code for c in construct_texts()]
    assert engine.rank("   ") == []


def test_the_organisations_own_construct_is_suggested_and_no_other_organisations(
    api: ApiClient, an: Analysis, org: Organisation, other_org: Organisation
) -> None:
    """An organisation's own construct joins its suggestions, never another organisation's."""
    for owner, code in ((org, "OWN.1"), (other_org, "OWN.2")):
        CfirConstruct.objects.create(
            organisation=owner,
            code=code,
            domain="Inner Setting",
            name="Interpreter and translation services",
            definition="Interpreters for patients who speak little English and translated leaflets",
            order=999,
        )
    api.login(an.host)
    body = _suggest(api, an, "No interpreters booked, so patients with little English missed out")
    codes = [c["code"] for c in body["constructs"]]
    assert "OWN.1" in codes and "OWN.2" not in codes
    assert next(c for c in body["constructs"] if c["code"] == "OWN.1")["own"] is True


def _code(api: ApiClient, an: Analysis, text: str, construct: str) -> None:
    note = NoteFactory(assist=an.assist, author=an.people["visitor"], text=text)
    pk = CfirConstruct.objects.get(code=construct, organisation__isnull=True).pk
    response = api.post(
        an.path("/determinants"), {"valence": "-1", "construct_ids": [pk], "note_id": note.pk}
    )
    assert response.status_code == 201, response.content


def test_a_confirmed_code_teaches_its_organisation_and_only_its_organisation(
    api: ApiClient, an: Analysis, org: Organisation, other_org: Organisation
) -> None:
    """Coding a note as Innovation Source makes it the first suggestion for a similar note, with
    the reason, in that organisation; the other organisation sees neither."""
    theirs = make_analysis(other_org, org)
    api.login(theirs.host)
    before = _suggest(api, theirs, ALIKE)

    api.login(an.host)
    assert "I.A" not in [c["code"] for c in _suggest(api, an, ALIKE)["constructs"]][:1]
    _code(api, an, CODED, "I.A")
    learned = _suggest(api, an, ALIKE)
    first = learned["constructs"][0]
    assert first["code"] == "I.A"
    assert first["because"]["text"] == CODED

    api.login(theirs.host)
    after = _suggest(api, theirs, ALIKE)
    assert after == before
    assert CODED not in str(after)
    assert all(c["because"] is None for c in after["constructs"])


def test_the_other_organisations_codes_do_not_teach_this_one(
    api: ApiClient, an: Analysis, org: Organisation, other_org: Organisation
) -> None:
    """The same in reverse: a code confirmed elsewhere changes nothing here."""
    theirs = make_analysis(other_org, org)
    api.login(an.host)
    before = _suggest(api, an, ALIKE)

    api.login(theirs.host)
    _code(api, theirs, CODED, "I.A")

    api.login(an.host)
    assert _suggest(api, an, ALIKE) == before
    assert Determinant.objects.filter(project__organisation=other_org).count() == 1


def test_coding_page_shows_the_reason_and_preselects_the_valence(
    client, api: ApiClient, an: Analysis
) -> None:
    """The page names the earlier code beside the suggestion and pre-selects the valence,
    which the person can change: their choice is what is saved."""
    api.login(an.host)
    _code(api, an, CODED, "I.A")
    note = NoteFactory(assist=an.assist, author=an.people["visitor"], text=ALIKE)
    client.force_login(an.host)
    url = f"/analysis/assists/{an.assist.pk}/analysis/code/?note={note.pk}"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Because you coded a similar note as" in html and "Innovation Source" in html
    assert 'value="-1" checked' in html and "Suggested: barrier" in html
    assert "keyword matching (TF-IDF)" in html
    pk = CfirConstruct.objects.get(code="I.A", organisation__isnull=True).pk
    saved = client.post(url, {"note": note.pk, "valence": "mixed", "constructs": [pk]})
    assert saved.status_code == 302
    assert Determinant.objects.get(note=note).valence == "mixed"


def test_the_shipped_artifact_matches_the_data_files() -> None:
    """When the descriptions or labelled statements change, `make cfir-vectors` must be run and
    its artifact committed; otherwise every process would retrain on first use."""
    from peerassist.analysis.cfir_ranker import VECTORS, vectors_read

    assert VECTORS.exists()
    assert vectors_read() is not None, "run `make cfir-vectors` and commit the artifact"


def test_the_tfidf_fallback_is_shipped_and_ranks_as_if_fitted_now() -> None:
    """The fallback reads its vocabulary and classifiers instead of fitting them (5–15 s) on the
    first suggestion, and answers exactly as a freshly fitted one would."""
    from peerassist.analysis.cfir_ranker import TFIDF_VECTORS, engine_build, tfidf_read
    from peerassist.semantic.embeddings import TfidfBackend

    assert TFIDF_VECTORS.exists()
    assert tfidf_read() is not None, "run `make cfir-vectors` and commit the artifact"
    shipped = engine_build(TfidfBackend())
    fitted = engine_build(TfidfBackend(), shipped=False)
    for text in (CODED, "Families were never asked what they wanted from the service"):
        assert [r.candidate.code for r in shipped.rank(text)] == [
            r.candidate.code for r in fitted.rank(text)
        ]
        shipped_valence, fitted_valence = shipped.valence(text), fitted.valence(text)
        assert shipped_valence is not None and fitted_valence is not None
        assert shipped_valence.valence == fitted_valence.valence


def test_the_organisations_examples_follow_its_edits(api: ApiClient, an: Analysis) -> None:
    """Examples are kept per process between suggestions, yet an edited coded note teaches its
    new words and a removed code teaches nothing any more."""
    api.login(an.host)
    _code(api, an, CODED, "I.A")
    assert _suggest(api, an, ALIKE)["constructs"][0]["because"]["text"] == CODED
    determinant = Determinant.objects.get(note__text=CODED)
    note = determinant.note
    assert note is not None
    note.text = f"{CODED}, every week"
    note.save()
    assert _suggest(api, an, ALIKE)["constructs"][0]["because"]["text"] == note.text
    removed = api.delete(an.path(f"/determinants/{determinant.pk}"))
    assert removed.status_code == 200, removed.content
    assert all(c["because"] is None for c in _suggest(api, an, ALIKE)["constructs"])
