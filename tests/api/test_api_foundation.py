"""The API's shape: session auth for users and guests, one error shape, tenancy, OpenAPI."""

from __future__ import annotations

import json

import pytest

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.accounts.services import guest_invite
from tests.conftest import ApiClient
from tests.factories import ProjectFactory


@pytest.mark.django_db
def test_openapi_document_is_published(api: ApiClient) -> None:
    """Integrators can read the OpenAPI description without signing in."""
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Peer Assist API"


@pytest.mark.django_db
def test_openapi_document_has_no_key_twice(api: ApiClient) -> None:
    """Strict parsers (Swagger UI's) refuse a document with a repeated key, such as two "400"s."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in items]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(api.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert repeated == []


@pytest.mark.django_db
def test_anonymous_callers_get_401_in_the_error_shape(api: ApiClient) -> None:
    """Without a session the API answers 401 with detail and code."""
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Sign in, or open your invitation link, to use this.",
        "code": "not_authenticated",
    }


def test_me_describes_the_signed_in_user(api: ApiClient, member: User, org: Organisation) -> None:
    """/me lists the user's memberships with their roles."""
    body = api.login(member).get("/api/v1/me").json()
    assert body["kind"] == "user"
    assert body["memberships"] == [
        {"organisation_id": org.pk, "organisation": org.name, "role": "member"}
    ]


def test_me_describes_a_guest_without_memberships(api: ApiClient, org: Organisation) -> None:
    """A guest is recognised by the API but belongs to no organisation."""
    guest: Guest = guest_invite(
        organisation=org,
        name="Gita Guest",
        email="g@x.example",
        scope_kind="peer_assist",
        scope_id=1,
    )
    body = api.as_guest(guest).get("/api/v1/me").json()
    assert body == {
        "kind": "guest",
        "name": "Gita Guest",
        "email": "g@x.example",
        "memberships": [],
    }


def test_guests_cannot_list_projects(api: ApiClient, org: Organisation) -> None:
    """Project routes are for people with accounts; a guest gets 401."""
    guest = guest_invite(
        organisation=org, name="G", email="g@x.example", scope_kind="peer_assist", scope_id=1
    )
    assert api.as_guest(guest).get("/api/v1/projects").status_code == 401


def test_projects_list_is_scoped_to_the_callers_organisations(
    api: ApiClient, member: User, org: Organisation, other_org: Organisation
) -> None:
    """Only the caller's organisations' projects are listed; search narrows them."""
    ProjectFactory(organisation=org, title="Falls prevention")
    ProjectFactory(organisation=org, title="Discharge to assess")
    ProjectFactory(organisation=other_org, title="Falls elsewhere")
    api.login(member)
    titles = [p["title"] for p in api.get("/api/v1/projects").json()["items"]]
    assert sorted(titles) == ["Discharge to assess", "Falls prevention"]
    found = api.get("/api/v1/projects", q="falls").json()["items"]
    assert [p["title"] for p in found] == ["Falls prevention"]


def test_projects_list_query_count_does_not_grow(
    api: ApiClient, member: User, org: Organisation, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """Listing 30 projects costs the same few queries as listing 3."""
    ProjectFactory.create_batch(30, organisation=org)
    api.login(member)
    api.get("/api/v1/me")
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/projects", limit=50).json()["count"] == 30


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/projects/999999", 404, "not_found"),
        (f"/api/v1/projects/{2**70}", 404, "not_found"),
        ("/api/v1/projects/not-a-number", 400, "invalid"),
        ("/api/v1/no-such-route", 404, "not_found"),
    ],
)
def test_bad_ids_get_a_clear_4xx(
    api: ApiClient, member: User, path: str, status: int, code: str
) -> None:
    """Unknown, out-of-range and malformed ids are 4xx with the one error shape."""
    response = api.login(member).get(path)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_another_organisations_project_is_404_not_403(
    api: ApiClient, member: User, other_org: Organisation
) -> None:
    """Ids of other organisations' records do not leak: they look missing."""
    theirs = ProjectFactory(organisation=other_org)
    response = api.login(member).get(f"/api/v1/projects/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_writes_without_the_csrf_token_are_refused(api: ApiClient, member: User) -> None:
    """A signed-in browser session cannot be used for writes from another site (CSRF)."""
    api.login(member)
    response = api.post("/api/v1/projects", {"title": "Forged"}, csrf=False)
    assert response.status_code in {401, 403}
    assert response.json()["code"]


@pytest.mark.django_db
def test_the_csrf_route_sets_the_cookie_for_api_clients(api: ApiClient) -> None:
    """Clients get the CSRF token from /api/v1/csrf, with or without a session."""
    response = api.get("/api/v1/csrf")
    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert "csrftoken" in api.client.cookies
