"""Who may reach every project page and API route: host team and KMs edit, colleagues read,
other organisations get 404, guests get nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import Organisation, User
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from tests.conftest import ApiClient
from tests.factories import GuestFactory
from tests.projects.conftest import api_as


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # formatted with p (project), b (bar), n (need), e (enabler), m (host member)
    body: Any = None
    writes: bool = False


PAGE_READS = [
    "/projects/",
    "/projects/new/",
    "/projects/tools/",
    "/projects/tools/peer-assist/",
    "/projects/{p}/",
    "/projects/{p}/team/",
    "/projects/{p}/bars/{b}/",
    "/projects/{p}/enablers/",
]
PAGE_EDITS = [
    ("GET", "/projects/{p}/edit/", None),
    ("POST", "/projects/{p}/edit/", {"title": "Renamed", "stage": "planning"}),
    ("POST", "/projects/{p}/team/", {"user_id": "{colleague}", "role": "member"}),
    ("POST", "/projects/{p}/team/{m}/remove/", {}),
    ("GET", "/projects/{p}/bars/new/", None),
    ("POST", "/projects/{p}/bars/new/", {}),
    ("POST", "/projects/{p}/bars/{b}/", {"action": "save", "intended_results": "x"}),
    (
        "POST",
        "/projects/{p}/enablers/",
        {"description": "Funding", "category": "resources", "status": "missing"},
    ),
    (
        "POST",
        "/projects/{p}/enablers/suggested/",
        {"key": "external-funding-secured-for-two-years"},
    ),
    ("GET", "/projects/{p}/enablers/{e}/edit/", None),
    (
        "POST",
        "/projects/{p}/enablers/{e}/edit/",
        {"description": "Quiet rooms", "category": "resources", "status": "planned"},
    ),
    ("POST", "/projects/{p}/enablers/{e}/learning-need/", {}),
    ("POST", "/projects/{p}/enablers/{e}/delete/", {}),
]

API_ROUTES = [
    Route("GET", "/api/v1/projects"),
    Route("POST", "/api/v1/projects", {"title": "Anyone may start one"}),
    Route("GET", "/api/v1/projects/tools"),
    Route("GET", "/api/v1/projects/tools/peer-assist"),
    Route("GET", "/api/v1/projects/enablers/suggested"),
    Route("GET", "/api/v1/projects/{p}"),
    Route("GET", "/api/v1/projects/{p}/members"),
    Route("GET", "/api/v1/projects/{p}/bars"),
    Route("GET", "/api/v1/projects/{p}/bars/{b}"),
    Route("GET", "/api/v1/projects/{p}/bars/{b}/needs/{n}/related"),
    Route("GET", "/api/v1/projects/{p}/enablers"),
    Route("PATCH", "/api/v1/projects/{p}", {"aim": "New aim"}, True),
    Route("POST", "/api/v1/projects/{p}/members", {"user_id": "{colleague}"}, True),
    Route("DELETE", "/api/v1/projects/{p}/members/{m}", None, True),
    Route("POST", "/api/v1/projects/{p}/bars", {}, True),
    Route("PATCH", "/api/v1/projects/{p}/bars/{b}", {"success_factors": "Time"}, True),
    Route("POST", "/api/v1/projects/{p}/bars/{b}/submit", {"success_factors": "Time"}, True),
    Route("POST", "/api/v1/projects/{p}/bars/{b}/challenges", {"enabler_id": "{e}"}, True),
    Route("POST", "/api/v1/projects/{p}/bars/{b}/needs", {"question": "Why?"}, True),
    Route("PATCH", "/api/v1/projects/{p}/bars/{b}/needs/{n}", {"priority": "high"}, True),
    Route("POST", "/api/v1/projects/{p}/bars/{b}/needs/{n}/move", {"direction": "down"}, True),
    Route("DELETE", "/api/v1/projects/{p}/bars/{b}/needs/{n}", None, True),
    Route(
        "POST",
        "/api/v1/projects/{p}/enablers",
        {"category": "resources", "description": "Funding"},
        True,
    ),
    Route(
        "POST",
        "/api/v1/projects/{p}/enablers/suggested",
        {"key": "external-funding-secured-for-two-years"},
        True,
    ),
    Route("PATCH", "/api/v1/projects/{p}/enablers/{e}", {"status": "planned"}, True),
    Route("DELETE", "/api/v1/projects/{p}/enablers/{e}", None, True),
    Route("POST", "/api/v1/projects/{p}/enablers/{e}/learning-need", {}, True),
]
ORG_WIDE = {
    "/projects/new/",
    "/api/v1/projects",
    "/api/v1/projects/tools",
    "/api/v1/projects/tools/peer-assist",
    "/api/v1/projects/enablers/suggested",
    "/projects/",
    "/projects/tools/",
    "/projects/tools/peer-assist/",
}


@pytest.fixture
def world(
    project: Project,
    bar: BeforeActionReview,
    needs: list[LearningNeed],
    enabler: Enabler,
    member: User,
    host: User,
) -> dict[str, Any]:
    from tests.factories import ProjectMemberFactory, UserFactory

    second = UserFactory(organisation=project.organisation)
    removable = ProjectMemberFactory(project=project, user=second, role="member")
    colleague = UserFactory(organisation=project.organisation)
    return {
        "p": project.pk,
        "b": bar.pk,
        "n": needs[0].pk,
        "e": enabler.pk,
        "m": removable.pk,
        "colleague": colleague.pk,
    }


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str):
        text = value.format(**world)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _who(name: str, request: pytest.FixtureRequest) -> User:
    return request.getfixturevalue(name)


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGE_READS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("host", 200), ("member", 200), ("knowledge_manager", 200), ("outsider", 404)],
)
def test_project_pages_read_by_the_organisation_and_hidden_from_others(
    path: str, who: str, expected: int, world: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    """Everyone in the organisation reads every project page; other organisations get 404
    (pages that list only your own organisation's things answer 200 with nothing of ours)."""
    client = Client()
    client.force_login(_who(who, request))
    response = client.get(_fill(path, world))
    if who == "outsider" and path in ORG_WIDE:
        assert response.status_code == 200
        assert b"Nurse-led recovery sessions" not in response.content
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("path", PAGE_READS)
def test_guests_and_anonymous_people_get_no_project_page(
    path: str, world: dict[str, Any], project: Project
) -> None:
    """A guest (invited visitor) or a signed-out person is sent to sign in, seeing nothing."""
    guest = GuestFactory(organisation=project.organisation)
    for client in (Client(), ApiClient().as_guest(guest).client):
        response = client.get(_fill(path, world))
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize(("method", "path", "data"), PAGE_EDITS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("host", {200, 302}),
        ("knowledge_manager", {200, 302}),
        ("member", {403}),
        ("outsider", {404}),
    ],
)
def test_only_host_team_and_knowledge_managers_use_project_edit_pages(
    method: str,
    path: str,
    data: Any,
    who: str,
    expected: set[int],
    world: dict[str, Any],
    request: pytest.FixtureRequest,
) -> None:
    """Edit pages and form posts: host team and KMs succeed; colleagues 403; others 404."""
    client = Client()
    client.force_login(_who(who, request))
    url = _fill(path, world)
    response = client.get(url) if method == "GET" else client.post(url, _fill(data, world))
    assert response.status_code in expected, response.content[:500]


# --- API --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("who", ["host", "knowledge_manager", "member", "outsider"])
def test_api_routes_follow_the_project_rules(
    route: Route, who: str, world: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    """Reads: whole organisation. Writes: host team and KMs only (403 for colleagues, with a
    reason). Other organisations: 404 for anything of ours."""
    api = api_as(_who(who, request))
    path = _fill(route.path, world)
    if route.method == "GET":
        response = api.get(path)
    else:
        response = api.send(route.method, path, _fill(route.body, world))
    org_wide = route.path in ORG_WIDE or route.path in {
        "/api/v1/projects",
    }
    if who == "outsider" and not org_wide:
        assert response.status_code == 404, response.content
        assert response.json()["code"] in {"not_found"}
    elif who == "member" and route.writes:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "not_host_team"
    else:
        assert response.status_code in {200, 201, 204}, response.content


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_guests_get_nothing_from_the_projects_api(
    route: Route, world: dict[str, Any], project: Project
) -> None:
    """A guest session is refused (401) on every projects route; nothing changes."""
    guest = GuestFactory(organisation=project.organisation)
    api = ApiClient().as_guest(guest)
    path = _fill(route.path, world)
    response = (
        api.get(path)
        if route.method == "GET"
        else api.send(route.method, path, _fill(route.body, world))
    )
    assert response.status_code == 401


def test_outsider_creating_in_another_organisation_is_refused(
    outsider: User, org: Organisation
) -> None:
    """Naming an organisation you do not belong to looks like a missing one (404)."""
    api = api_as(outsider)
    response = api.post("/api/v1/projects", {"title": "Sneaky", "organisation_id": org.pk})
    assert response.status_code == 404
    assert not Project.objects.filter(title="Sneaky").exists()
