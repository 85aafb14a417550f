"""The projects API as a client sees it: shapes, status codes and error messages."""

from __future__ import annotations

from typing import Any

import pytest

from peerassist.accounts.models import User
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from tests.conftest import ApiClient
from tests.factories import NoteFactory, PeerAssistFactory, ProjectFactory
from tests.projects.conftest import api_as


@pytest.fixture
def as_host(host: User) -> ApiClient:
    return api_as(host)


def test_create_then_edit_a_project(member: User) -> None:
    """POST makes a project led by the caller; PATCH changes only what is sent."""
    api = api_as(member)
    response = api.post(
        "/api/v1/projects",
        {"title": "Recovery cafés", "care_setting": "Community", "start_date": "2027-01-04"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Recovery cafés" and body["start_date"] == "2027-01-04"
    members = api.get(f"/api/v1/projects/{body['id']}/members").json()
    assert [(m["name"], m["role"]) for m in members] == [("Mina Member", "lead")]
    patched = api.patch(f"/api/v1/projects/{body['id']}", {"stage": "implementing"}).json()
    assert patched["stage"] == "implementing" and patched["care_setting"] == "Community"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"title": ""}, "Enter title"),
        ({"title": "x" * 10_000}, "200 characters or fewer"),
        ({"title": "Ok", "stage": "finished"}, "Stage must be one of"),
        ({"title": "Ok", "start_date": "yesterday"}, "start_date"),
        ({"title": "Ok", "start_date": "1850-01-01"}, "Start date must be between"),
        ({"aim": "no title"}, "title"),
        ("not json", "Cannot parse request body"),
    ],
)
def test_bad_project_input_gets_a_clear_400(member: User, body: Any, fragment: str) -> None:
    """Bad input is a 400 with a message a person can act on, and no project is made."""
    api = api_as(member)
    response = api.post("/api/v1/projects", body)
    assert response.status_code == 400, response.content
    assert fragment in response.json()["detail"]
    assert not Project.objects.exists()


def test_script_in_a_title_comes_back_as_text(member: User) -> None:
    """A script tag is stored as typed and returned as JSON text (pages escape it)."""
    api = api_as(member)
    body = api.post("/api/v1/projects", {"title": "<script>alert(1)</script>"}).json()
    assert body["title"] == "<script>alert(1)</script>"


def test_search_finds_by_words_in_title_aim_and_setting(
    as_host: ApiClient, project: Project
) -> None:
    ProjectFactory(organisation=project.organisation, title="Falls clinic", aim="Fewer falls")
    titles = [p["title"] for p in as_host.get("/api/v1/projects", q="falls").json()["items"]]
    assert titles == ["Falls clinic"]


def test_unknown_host_member_id_is_a_400(as_host: ApiClient, project: Project) -> None:
    response = as_host.post(f"/api/v1/projects/{project.pk}/members", {"user_id": 987654})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Choose a person from your organisation.",
        "code": "unknown_person",
    }


def test_bar_draft_save_keeps_other_fields_and_rejects_too_long(
    as_host: ApiClient, project: Project, bar: BeforeActionReview
) -> None:
    """A one-field PATCH saves that field; an over-long answer is a 400 that saves nothing."""
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}"
    body = as_host.patch(url, {"previous_learning": "Diaries fill up."}).json()
    assert body["previous_learning"] == "Diaries fill up."
    assert body["intended_results"] == "Weekly sessions for every nurse."
    response = as_host.patch(url, {"previous_learning": "z" * 10_001, "success_factors": "Time"})
    assert response.status_code == 400
    assert "10,000 characters or fewer" in response.json()["detail"]
    again = as_host.get(url).json()
    assert again["previous_learning"] == "Diaries fill up." and again["success_factors"] == ""


def test_learning_needs_through_the_api(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """Add, edit, move and delete learning needs; the BAR lists them in order."""
    base = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/needs"
    new = as_host.post(base, {"question": "Who paid?", "priority": "high"})
    assert new.status_code == 201
    need_id = new.json()["id"]
    assert as_host.patch(f"{base}/{need_id}", {"priority": "low"}).json()["priority"] == "low"
    moved = as_host.post(f"{base}/{need_id}/move", {"direction": "up"}).json()
    assert [n["id"] for n in moved] == [needs[0].pk, need_id, needs[1].pk]
    assert as_host.post(f"{base}/{need_id}/move", {"direction": "left"}).status_code == 400
    assert as_host.delete(f"{base}/{need_id}").status_code == 204
    assert as_host.delete(f"{base}/{need_id}").status_code == 404
    bar_body = as_host.get(f"/api/v1/projects/{project.pk}/bars/{bar.pk}").json()
    assert [n["id"] for n in bar_body["learning_needs"]] == [needs[0].pk, needs[1].pk]
    assert as_host.post(base, {"question": "   "}).status_code == 400


def test_whole_bar_form_submit_saves_answers_edits_and_one_change_together(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """The BAR page's submit through the API: answers, need edits and a new need in one go."""
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/submit"
    body = {
        "intended_results": "Fewer missed appointments.",
        "complete": True,
        "learning_needs": [{"id": needs[0].pk, "priority": "low"}],
        "add_need": {"question": "Who chaired the steering group?", "priority": "high"},
    }
    response = as_host.post(url, body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["message"] == "Learning need added."
    assert answer["status"] == "complete"
    assert answer["intended_results"] == "Fewer missed appointments."
    questions = [n["question"] for n in answer["learning_needs"]]
    assert questions[-1] == "Who chaired the steering group?"
    assert answer["learning_needs"][0]["priority"] == "low"


def test_bar_form_submit_with_an_empty_need_saves_nothing(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """A need emptied by mistake is named in a 400, and none of the other answers are saved."""
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/submit"
    body = {
        "intended_results": "Changed",
        "learning_needs": [{"id": needs[1].pk, "question": "   "}],
        "delete": needs[0].pk,
    }
    response = as_host.post(url, body)
    assert response.status_code == 400
    assert "learning needs" in response.json()["detail"]
    assert str(needs[1].pk) in response.json()["learning_needs"]
    after = as_host.get(f"/api/v1/projects/{project.pk}/bars/{bar.pk}").json()
    assert after["intended_results"] == "Weekly sessions for every nurse."
    assert len(after["learning_needs"]) == len(needs)
    gone = as_host.post(url, {"delete": 10**9})
    assert gone.status_code == 400
    assert "no longer on the list" in gone.json()["detail"]


def test_a_need_of_another_bar_is_not_found(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """Ids only work under their own project and BAR."""
    other = BeforeActionReview.objects.create(project=project)
    url = f"/api/v1/projects/{project.pk}/bars/{other.pk}/needs/{needs[0].pk}"
    assert as_host.patch(url, {"priority": "low"}).status_code == 404


def test_related_panel_finds_past_peer_assists_and_notes_with_reasons(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """Past peer assists and notes of the organisation that share words are shown with why;
    another organisation's are never shown."""
    elsewhere = ProjectFactory(organisation=project.organisation, title="District nursing")
    assist = PeerAssistFactory(project=elsewhere, title="Protecting nurses' diaries")
    NoteFactory(assist=assist, text="Block the time and hand other tasks to admin staff.")
    NoteFactory(assist=assist, text="Pharmacy came round once they saw the outcomes.")
    foreign = PeerAssistFactory(title="Protecting pharmacy time elsewhere")
    NoteFactory(assist=foreign, text="Pharmacy secret from another organisation.")
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/needs/{needs[1].pk}/related"
    items = as_host.get(url).json()
    assert items, "expected the pharmacy note"
    assert all("another organisation" not in i["excerpt"] for i in items)
    pharmacy = next(i for i in items if "Pharmacy came round" in i["excerpt"])
    assert pharmacy["kind"] == "Note from a peer assist"
    assert "“pharmacy”" in pharmacy["reason"]
    assert pharmacy["url"] == f"/assists/{assist.pk}/"


def test_enablers_through_the_api(as_host: ApiClient, project: Project, host: User) -> None:
    """Record, add a suggestion, update, turn into a need, delete."""
    base = f"/api/v1/projects/{project.pk}/enablers"
    created = as_host.post(
        base, {"category": "resources", "description": "Funding", "owner_id": host.pk}
    )
    assert created.status_code == 201 and created.json()["status"] == "missing"
    key = as_host.get("/api/v1/projects/enablers/suggested").json()[0]["key"]
    assert as_host.post(f"{base}/suggested", {"key": key}).status_code == 201
    assert as_host.post(f"{base}/suggested", {"key": "nope"}).status_code == 400
    enabler_id = created.json()["id"]
    assert as_host.patch(f"{base}/{enabler_id}", {"status": "gone"}).status_code == 400
    assert as_host.patch(f"{base}/{enabler_id}", {"status": "planned"}).json()["status"] == (
        "planned"
    )
    need = as_host.post(f"{base}/{enabler_id}/learning-need", {})
    assert need.status_code == 201 and "Funding" in need.json()["question"]
    assert len(as_host.get(base).json()) == 2
    assert as_host.delete(f"{base}/{enabler_id}").status_code == 204
    assert Enabler.objects.filter(project=project).count() == 1


def test_challenges_from_an_enabler_of_another_project_are_not_found(
    as_host: ApiClient, project: Project, bar: BeforeActionReview, host: User
) -> None:
    other = ProjectFactory(organisation=project.organisation)
    foreign = Enabler.objects.create(project=other, category="resources", description="X")
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/challenges"
    assert as_host.post(url, {"enabler_id": foreign.pk}).status_code == 404


def test_tools_catalogue_has_the_handbook_ratings(as_host: ApiClient) -> None:
    """Five tools; the peer assist is rated 4, 4, 4 and 5 from the Learning Handbook."""
    tools = {t["slug"]: t for t in as_host.get("/api/v1/projects/tools").json()}
    assert set(tools) == {
        "peer-assist",
        "before-action-review",
        "after-action-review",
        "retrospect",
        "lessons-learned-log",
    }
    peer = tools["peer-assist"]
    assert [(r["name"], r["score"]) for r in peer["ratings"]] == [
        ("Time", 4),
        ("Resources", 4),
        ("Physicality", 4),
        ("Interactivity", 5),
    ]
    assert peer["ratings_from_handbook"] is True
    assert tools["retrospect"]["ratings_from_handbook"] is False
    assert as_host.get("/api/v1/projects/tools/nothing").status_code == 404


def test_retried_create_of_the_same_need_is_applied_once(
    as_host: ApiClient, project: Project, bar: BeforeActionReview
) -> None:
    base = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/needs"
    first = as_host.post(base, {"question": "Same?"}).json()
    second = as_host.post(base, {"question": "Same?"}).json()
    assert first["id"] == second["id"]
