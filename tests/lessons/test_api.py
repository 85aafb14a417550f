"""The lessons API: same services as the pages, same visibility rule, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest

from peerassist.accounts.models import Organisation, User
from peerassist.analysis.models import Action, AfterActionReview, CfirConstruct, Determinant
from peerassist.lessons.models import Lesson, LessonsLogEntry, Retrospect
from tests.conftest import ApiClient
from tests.factories import (
    GuestFactory,
    LessonFactory,
    PeerAssistFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_user(user: User) -> ApiClient:
    """An API client signed in as ``user``, holding a CSRF cookie (fetched while signed out)."""
    client = ApiClient()
    client._csrf()
    return client.login(user)


@pytest.fixture
def project(org: Organisation, member: User) -> Any:
    project = ProjectFactory(organisation=org)
    ProjectMemberFactory(project=project, user=member)
    return project


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Protect time",
        "lesson": "Move other tasks first.",
        "valence": "barrier",
        "visibility": "shared",
    }
    data.update(overrides)
    return data


def test_create_submit_and_approve_through_the_api(
    api: ApiClient, member: User, knowledge_manager: User, project: Any, outsider: User
) -> None:
    """A draft made by the API is hidden from others until a KM approves it."""
    construct = CfirConstruct.objects.get(code="II.F")
    api = as_user(member)
    response = api.post(
        "/api/v1/lessons",
        body(project_id=project.pk, construct_ids=[construct.pk], citations=["10.1136/bmj.n71"]),
    )
    assert response.status_code == 201, response.content
    lesson = response.json()
    assert lesson["status"] == "draft"
    assert [c["code"] for c in lesson["constructs"]] == ["II.F"]
    assert lesson["citations"] == ["10.1136/bmj.n71"]

    other = as_user(outsider)
    assert other.get(f"/api/v1/lessons/{lesson['id']}").status_code == 404

    assert api.post(f"/api/v1/lessons/{lesson['id']}/submit").json()["status"] == "submitted"
    # Retried submit changes nothing.
    assert api.post(f"/api/v1/lessons/{lesson['id']}/submit").json()["status"] == "submitted"
    denied = api.post(f"/api/v1/lessons/{lesson['id']}/review", {"decision": "approve"})
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_reviewer"

    km = as_user(knowledge_manager)
    queue = km.get("/api/v1/lessons/review-queue").json()
    assert [item["id"] for item in queue] == [lesson["id"]]
    approved = km.post(f"/api/v1/lessons/{lesson['id']}/review", {"decision": "approve"})
    assert approved.json()["status"] == "approved"
    assert other.get(f"/api/v1/lessons/{lesson['id']}").status_code == 200
    history = api.get(f"/api/v1/lessons/{lesson['id']}/reviews").json()
    assert [h["decision"] for h in history] == ["submitted", "approved"]
    assert other.get(f"/api/v1/lessons/{lesson['id']}/reviews").status_code == 404


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (body(title="", lesson=""), "title"),
        (body(lesson="   "), "lesson"),
        (body(citations=["doi:not-a-doi"]), "citations"),
        (body(citations=["javascript:alert(1)"]), "citations"),
        (body(evidence_level="research"), "citations"),
        (body(valence="sideways"), "valence"),
        (body(visibility="everyone"), "visibility"),
        (body(title="x" * 201), "title"),
        (body(construct_ids=[999999]), "constructs"),
    ],
)
def test_bad_input_is_a_400_with_a_reason(
    api: ApiClient, member: User, project: Any, payload: dict[str, Any], code: str
) -> None:
    """Bad values never save anything and say what to fix."""
    response = as_user(member).post("/api/v1/lessons", {**payload, "project_id": project.pk})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert Lesson.objects.count() == 0


def test_wrong_types_are_rejected_by_the_schema(api: ApiClient, member: User, project: Any) -> None:
    """A number where text belongs is a 4xx, never a 500."""
    response = as_user(member).post("/api/v1/lessons", {"title": 5, "lesson": ["x"]})
    assert 400 <= response.status_code < 500


def test_another_organisations_project_is_not_found(
    api: ApiClient, outsider: User, project: Any
) -> None:
    """Writing a lesson for another organisation's project is a 404."""
    response = as_user(outsider).post("/api/v1/lessons", body(project_id=project.pk))
    assert response.status_code == 404


def test_list_follows_the_visibility_rule(
    api: ApiClient, member: User, outsider: User, project: Any, org: Organisation
) -> None:
    """The API list shows each person exactly the lessons the rule allows."""
    LessonFactory(project=project, title="org", visibility="organisation")
    LessonFactory(project=project, title="shared", visibility="shared")
    LessonFactory(project=project, title="team", visibility="project")
    LessonFactory(project=project, title="draft", status="draft", visibility="shared")
    colleague = UserFactory(organisation=org)

    def titles(user: User) -> set[str]:
        items = as_user(user).get("/api/v1/lessons").json()["items"]
        return {item["title"] for item in items}

    assert titles(member) == {"org", "shared", "team", "draft"}
    assert titles(colleague) == {"org", "shared"}
    assert titles(outsider) == {"shared"}


def test_guests_cannot_use_the_lessons_api(org: Organisation, project: Any) -> None:
    """Guests (invited to one peer assist) have no access to lessons."""
    LessonFactory(project=project, visibility="shared")
    guest_api = ApiClient().as_guest(GuestFactory(organisation=org))
    assert guest_api.get("/api/v1/lessons").status_code in (401, 403)


def test_patch_is_refused_once_submitted_and_allowed_when_returned(
    api: ApiClient, member: User, knowledge_manager: User, project: Any
) -> None:
    """Authors change drafts and returned lessons, not lessons under review."""
    lesson = LessonFactory(project=project, status="submitted", author=member)
    api = as_user(member)
    assert api.patch(f"/api/v1/lessons/{lesson.pk}", {"title": "New"}).status_code == 403
    km = as_user(knowledge_manager)
    returned = km.post(
        f"/api/v1/lessons/{lesson.pk}/review", {"decision": "return", "comment": "Shorter."}
    )
    assert returned.json()["status"] == "returned"
    changed = api.patch(f"/api/v1/lessons/{lesson.pk}", {"title": "New"})
    assert changed.status_code == 200
    assert changed.json()["title"] == "New"
    assert changed.json()["review_comment"] == "Shorter."


def test_unknown_and_malformed_ids_are_not_found(api: ApiClient, member: User) -> None:
    """Unknown ids are 404s."""
    api = as_user(member)
    assert api.get("/api/v1/lessons/999999").status_code == 404
    assert api.post("/api/v1/lessons/999999/submit").status_code == 404


def test_publish_from_a_determinant_prefills_codes_and_provenance(
    api: ApiClient, member: User, project: Any, outsider: User
) -> None:
    """A lesson published from a coded barrier keeps its constructs, valence and source."""
    assist = PeerAssistFactory(project=project)
    determinant = Determinant.objects.create(
        project=project, assist=assist, valence="-2", description="No protected time"
    )
    determinant.constructs.set(CfirConstruct.objects.filter(code="III.A3"))
    response = as_user(member).post(
        "/api/v1/lessons",
        {
            "title": "Protected time",
            "lesson": "Agree it first.",
            "source_kind": "determinant",
            "source_id": determinant.pk,
            "valence": "barrier",
            "construct_ids": [c.pk for c in determinant.constructs.all()],
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["source_kind"], data["source_id"], data["assist_id"]) == (
        "determinant",
        determinant.pk,
        assist.pk,
    )
    # Someone from another organisation cannot publish from it.
    other = as_user(outsider).post(
        "/api/v1/lessons",
        {"title": "x", "lesson": "y", "source_kind": "determinant", "source_id": determinant.pk},
    )
    assert other.status_code == 404


def test_publish_form_is_prefilled_from_an_after_action_review(member: User, project: Any) -> None:
    """The lesson form opened from an AAR carries its answers."""
    from django.test import Client

    aar = AfterActionReview.objects.create(
        project=project,
        supposed_to_happen="Weekly sessions",
        actually_happened="Fortnightly",
        why_different="Staff shortage",
        what_we_learn="Reallocate tasks first",
    )
    client = Client()
    client.force_login(member)
    page = client.get(f"/lessons/new/?source=aar&id={aar.pk}").content.decode()
    assert "Reallocate tasks first" in page
    assert "Staff shortage" in page
    assert client.get("/lessons/new/?source=aar&id=999999").status_code == 404
    assert client.get("/lessons/new/?source=nonsense&id=1").status_code == 404


def test_log_retrospect_and_draft_lessons(
    api: ApiClient, member: User, project: Any, outsider: User
) -> None:
    """The host team logs entries and runs a retrospect that drafts one lesson per line,
    once; another organisation reaches none of it."""
    api = as_user(member)
    entry = api.post(
        f"/api/v1/projects/{project.pk}/lessons-log",
        {"text": "Diary time vanished", "kind": "could_improve"},
    )
    assert entry.status_code == 201
    assert api.post(f"/api/v1/projects/{project.pk}/lessons-log", {"text": " "}).status_code == 400
    assert api.get(f"/api/v1/projects/{project.pk}/lessons-log").json()["count"] == 1
    retro = api.post(
        f"/api/v1/projects/{project.pk}/retrospects",
        {
            "objectives": "Weekly sessions",
            "do_differently": "Move tasks first\n- Book rooms early\n",
        },
    ).json()
    made = api.post(f"/api/v1/retrospects/{retro['id']}/draft-lessons")
    assert made.status_code == 201
    assert [m["title"] for m in made.json()] == ["Move tasks first", "Book rooms early"]
    assert {m["status"] for m in made.json()} == {"draft"}
    again = api.post(f"/api/v1/retrospects/{retro['id']}/draft-lessons")
    assert again.json() == []

    other = as_user(outsider)
    assert other.get(f"/api/v1/projects/{project.pk}/lessons-log").status_code == 404
    assert other.get(f"/api/v1/retrospects/{retro['id']}").status_code == 404
    assert other.post(f"/api/v1/retrospects/{retro['id']}/draft-lessons").status_code == 404
    assert other.delete(f"/api/v1/lessons-log/{entry.json()['id']}").status_code == 404


def test_another_organisations_log_entry_or_retrospect_looks_missing_by_its_own_name(
    member: User, project: Any, outsider: User
) -> None:
    """Outside the organisation a log entry or retrospect answers exactly as a missing one
    does (404, "No such log entry."), never "No such project.", so ids do not leak."""
    entry = LessonsLogEntry.objects.create(project=project, text="x", author=member)
    retro = Retrospect.objects.create(project=project, objectives="o", do_differently="d")
    other = as_user(outsider)
    missing = max(entry.pk, retro.pk) + 1000
    cases = [
        ("delete", f"/api/v1/lessons-log/{entry.pk}", "No such log entry."),
        ("delete", f"/api/v1/lessons-log/{missing}", "No such log entry."),
        ("get", f"/api/v1/retrospects/{retro.pk}", "No such retrospect."),
        ("post", f"/api/v1/retrospects/{retro.pk}/draft-lessons", "No such retrospect."),
        ("get", f"/api/v1/retrospects/{missing}", "No such retrospect."),
    ]
    for method, path, detail in cases:
        response = getattr(other, method)(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": detail, "code": "not_found"}, path
    assert LessonsLogEntry.objects.filter(pk=entry.pk).exists()
    assert as_user(member).get(f"/api/v1/retrospects/{retro.pk}").status_code == 200


def test_colleague_outside_the_host_team_cannot_write_the_log(
    api: ApiClient, org: Organisation, project: Any
) -> None:
    """Reading the log is open to the organisation; writing is for the host team."""
    colleague = UserFactory(organisation=org)
    api = as_user(colleague)
    assert api.get(f"/api/v1/projects/{project.pk}/lessons-log").status_code == 200
    assert api.post(f"/api/v1/projects/{project.pk}/lessons-log", {"text": "x"}).status_code == 403


def test_insights_count_only_visible_approved_lessons(
    api: ApiClient, member: User, outsider: User, project: Any, org: Organisation
) -> None:
    """Insights count approved lessons the person may see, by domain and construct, and list
    actions that followed a barrier only inside their own organisation."""
    financing = CfirConstruct.objects.get(code="II.F")
    work = CfirConstruct.objects.get(code="III.A3")
    LessonFactory(project=project, valence="enabler", visibility="shared").constructs.add(financing)
    LessonFactory(
        project=project, valence="barrier", visibility="organisation", recommendation="Move tasks"
    ).constructs.add(work)
    LessonFactory(project=project, valence="barrier", visibility="project").constructs.add(work)
    LessonFactory(project=project, valence="barrier", status="draft").constructs.add(work)
    determinant = Determinant.objects.create(project=project, valence="-1")
    determinant.constructs.add(work)
    Action.objects.create(project=project, determinant=determinant, text="Reallocate admin")

    mine = as_user(member).get("/api/v1/lessons/insights").json()
    assert mine["lesson_count"] == 3
    assert mine["determinant_count"] == 1  # the coded barrier counts beside the two lessons
    outer = next(r for r in mine["domains"] if r["label"] == "Outer Setting")
    inner = next(r for r in mine["domains"] if r["label"] == "Inner Setting")
    assert (outer["enabler"], inner["barrier"]) == (1, 3)
    barrier = mine["barriers"][0]
    assert barrier["code"] == "III.A3"
    assert barrier["actions"] == [{"text": "Reallocate admin", "status": "Proposed"}]
    assert barrier["recommendations"][0]["recommendation"] == "Move tasks"

    other = as_user(outsider)
    theirs = other.get("/api/v1/lessons/insights", scope="shared").json()
    assert theirs["lesson_count"] == 1
    assert theirs["determinant_count"] == 0  # another organisation's codes never count here
    assert theirs["barriers"] == []
    assert other.get("/api/v1/lessons/insights", organisation_id=org.pk).status_code == 404
    colleague = UserFactory(organisation=org)
    assert as_user(colleague).get("/api/v1/lessons/insights").json()["lesson_count"] == 2


def test_api_list_query_count_does_not_grow(member: User, project: Any) -> None:
    """Listing 3 or 20 lessons through the API costs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    construct = CfirConstruct.objects.get(code="III.A3")
    colleague = UserFactory(organisation=project.organisation)
    for _ in range(3):
        LessonFactory(project=project, author=colleague).constructs.add(construct)
    api = as_user(member)
    api.get("/api/v1/lessons")
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/lessons").json()["items"]) == 3
    for _ in range(17):
        LessonFactory(project=project, author=colleague).constructs.add(construct)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/lessons").json()["items"]) == 20
    assert len(many) == len(few)


def test_publish_from_a_theme_and_from_a_log_entry(member: User, project: Any) -> None:
    """The lesson form opened from a theme or a log entry carries its words; saving it keeps
    the provenance."""
    from django.test import Client

    from peerassist.analysis.models import Theme
    from peerassist.lessons.models import LessonsLogEntry

    assist = PeerAssistFactory(project=project)
    theme = Theme.objects.create(assist=assist, title="Cover before diaries", summary="Agree cover")
    entry = LessonsLogEntry.objects.create(
        project=project, text="Rooms booked late", kind="could_improve"
    )
    client = Client()
    client.force_login(member)
    page = client.get(f"/lessons/new/?source=theme&id={theme.pk}").content.decode()
    assert 'value="Cover before diaries"' in page
    response = client.post(
        "/lessons/new/",
        {
            "source": "theme",
            "source_id": theme.pk,
            "title": "Cover before diaries",
            "lesson": "Agree cover",
            "valence": "enabler",
            "evidence_level": "experience",
            "visibility": "organisation",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.source_kind, lesson.source_id, lesson.assist_id, lesson.project_id) == (
        "theme",
        theme.pk,
        assist.pk,
        project.pk,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Source: Theme" in detail
    log_page = client.get(f"/lessons/new/?source=log&id={entry.pk}").content.decode()
    assert "Rooms booked late" in log_page


def test_huge_text_is_refused_not_truncated(member: User, project: Any) -> None:
    """Text over the limit is a 400 naming the field."""
    response = as_user(member).post(
        "/api/v1/lessons", body(project_id=project.pk, lesson="x" * 10001)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "lesson"
