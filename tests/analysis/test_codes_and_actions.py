"""Enablers and barriers coded against CFIR 2.0, the organisation's own constructs, actions."""

from __future__ import annotations

import pytest

from peerassist.analysis.models import Action, CfirConstruct, Determinant
from tests.analysis.conftest import Analysis
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _construct(code: str) -> int:
    return CfirConstruct.objects.get(organisation=None, code=code).pk


def test_cfir_list_is_loaded_with_our_own_definitions() -> None:
    """67 standard constructs, subconstructs under their parents, plain-English definitions."""
    assert CfirConstruct.objects.filter(organisation=None).count() == 67
    funding = CfirConstruct.objects.get(organisation=None, code="III.J1")
    assert funding.parent.code == "III.J"
    assert funding.definition == "Money inside the organisation to set up and run the work"


def test_host_codes_a_theme_as_a_barrier(api: ApiClient, an: Analysis, events) -> None:
    """A theme coded -2 with two constructs keeps its notes as evidence."""
    api.login(an.host)
    theme = api.post(
        an.path("/themes"), {"title": "Time", "note_ids": [an.notes[0].pk, an.notes[1].pk]}
    ).json()["theme"]
    response = api.post(
        an.path("/determinants"),
        {
            "theme_id": theme["id"],
            "valence": "-2",
            "construct_ids": [_construct("III.A3"), _construct("III.J")],
            "description": "Nurses' time is eaten by other work",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()["determinant"]
    assert body["score"] == -2
    assert {c["code"] for c in body["constructs"]} == {"III.A3", "III.J"}
    determinant = Determinant.objects.get()
    assert set(determinant.evidence.values_list("pk", flat=True)) == {
        an.notes[0].pk,
        an.notes[1].pk,
    }
    assert determinant.project_id == an.assist.project_id
    assert events[-1]["type"] == "determinant.created"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"valence": "-3", "construct_ids": [1]}, "bad_valence"),
        ({"valence": "mixed", "construct_ids": []}, "no_constructs"),
        ({"valence": "mixed", "construct_ids": [987654]}, "unknown_construct"),
        ({"valence": "+1", "construct_ids": [1], "description": "x" * 2001}, "too_long"),
    ],
)
def test_bad_codes_are_refused(api: ApiClient, an: Analysis, body: dict, code: str) -> None:
    api.login(an.host)
    body = {**body, "note_id": an.notes[0].pk}
    response = api.post(an.path("/determinants"), body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not Determinant.objects.exists()


def test_code_needs_a_theme_or_note_and_visitors_cannot_code(api: ApiClient, an: Analysis) -> None:
    api.login(an.host)
    missing = api.post(an.path("/determinants"), {"valence": "+1", "construct_ids": [1]})
    assert missing.status_code == 400 and missing.json()["code"] == "no_source"
    visitor = ApiClient()
    visitor._csrf()
    visitor.as_guest(an.visitor)
    refused = visitor.post(
        an.path("/determinants"),
        {"valence": "+1", "construct_ids": [1], "note_id": an.notes[0].pk},
    )
    assert refused.status_code == 403


def test_other_organisations_constructs_cannot_be_used(
    api: ApiClient, an: Analysis, other_org
) -> None:
    theirs = CfirConstruct.objects.create(
        organisation=other_org, code="X.1", domain="Theirs", name="Their construct"
    )
    api.login(an.host)
    response = api.post(
        an.path("/determinants"),
        {"valence": "+1", "construct_ids": [theirs.pk], "note_id": an.notes[0].pk},
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_construct"


def test_knowledge_manager_adds_an_own_construct_others_cannot(
    api: ApiClient, an: Analysis, knowledge_manager
) -> None:
    """Only knowledge managers add constructs; duplicates of a code are refused."""
    api.login(an.host)
    body = {"code": "L.1", "name": "Local estates process", "domain": "Local"}
    refused = api.post(an.path("/constructs"), body)
    assert refused.status_code == 403 and refused.json()["code"] == "not_knowledge_manager"
    km = ApiClient()
    km._csrf()
    km.login(knowledge_manager)
    assert km.post(an.path("/constructs"), body).status_code == 201
    assert km.post(an.path("/constructs"), body).status_code == 409
    own = CfirConstruct.objects.get(code="L.1")
    assert own.organisation_id == an.assist.organisation_id
    coded = api.post(
        an.path("/determinants"),
        {"valence": "mixed", "construct_ids": [own.pk], "note_id": an.notes[0].pk},
    )
    assert coded.status_code == 201


def test_construct_suggestions_rank_definitions_like_the_text(
    api: ApiClient, an: Analysis, tfidf: None
) -> None:
    """Text about money suggests funding constructs first (TF-IDF keeps this test fast)."""
    api.login(an.host)
    response = api.get(
        an.path("/construct-suggestions"),
        text="No money from outside: commissioning, grants and national funding ran out",
    )
    codes = [c["code"] for c in response.json()["constructs"]]
    assert codes and codes[0] == "II.F"
    assert api.get(an.path("/construct-suggestions"), text="").json()["constructs"] == []


def test_host_turns_a_theme_into_an_action_with_provenance(
    api: ApiClient, an: Analysis, events
) -> None:
    """An action keeps the theme it came from, its words, owner, due date and status."""
    api.login(an.host)
    theme = api.post(an.path("/themes"), {"title": "Protected time"}).json()["theme"]
    response = api.post(
        an.path("/actions"),
        {
            "text": "Agree two protected afternoons with the service manager",
            "owner_id": an.host_member.pk,
            "due_date": "2030-01-31",
            "priority": "high",
            "theme_id": theme["id"],
        },
    )
    assert response.status_code == 201, response.content
    action = response.json()["action"]
    assert action["theme_id"] == theme["id"]
    assert action["source_text"] == "Protected time"
    assert action["status"] == "proposed"
    assert events[-1]["type"] == "action.created"
    done = api.patch(an.path(f"/actions/{action['id']}"), {"status": "done"})
    assert done.json()["action"]["completed_at"] is not None
    reopened = api.patch(an.path(f"/actions/{action['id']}"), {"status": "in_progress"})
    assert reopened.json()["action"]["completed_at"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "invalid"),
        ({"text": "Do it", "owner_id": "visitor"}, 400, "invalid"),
        ({"text": "Do it", "due_date": "31/01/2030"}, 400, "invalid"),
        ({"text": "Do it", "priority": "urgent"}, 400, "bad_priority"),
        ({"text": "Do it", "status": "finished"}, 400, "bad_status"),
        ({"text": "Do it", "theme_id": 424242}, 404, "not_found"),
    ],
)
def test_bad_actions_are_refused(
    api: ApiClient, an: Analysis, body: dict, status: int, code: str
) -> None:
    api.login(an.host)
    response = api.post(an.path("/actions"), body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Action.objects.exists()


def test_action_owner_must_be_on_the_host_team(api: ApiClient, an: Analysis) -> None:
    """A colleague outside the host team cannot be made an action's owner."""
    api.login(an.host)
    response = api.post(an.path("/actions"), {"text": "Do it", "owner_id": an.colleague.pk})
    assert response.status_code == 400 and response.json()["code"] == "owner_not_host"


def test_visitors_and_other_organisations_cannot_act(
    api: ApiClient, an: Analysis, outsider
) -> None:
    api.as_guest(an.visitor)
    assert api.post(an.path("/actions"), {"text": "Mine"}).status_code == 403
    other = ApiClient()
    other._csrf()
    other.login(outsider)
    assert other.post(an.path("/actions"), {"text": "Mine"}).status_code == 404
    assert not Action.objects.exists()


def test_action_text_drops_nul_like_notes_do(api: ApiClient, an: Analysis) -> None:
    """A NUL in an action is dropped on every database (PostgreSQL could not store it)."""
    api.login(an.host)
    response = api.post(an.path("/actions"), {"text": "Agree\x00 a rota"})
    assert response.status_code == 201, response.content
    assert response.json()["action"]["text"] == "Agree a rota"
