"""Who reaches each governance page: the organisation's administrators; colleagues in other
roles get 403 with the reason; other organisations' administrators see nothing of ours (404
for our objects, their own organisation on organisation-wide pages); guests and people not
signed in are sent to sign in. The menu entry shows to administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import Membership, User
from peerassist.governance.models import RetentionPolicy, SubjectAccessExport
from tests.conftest import ApiClient
from tests.governance.conftest import World, signed_in

pytestmark = pytest.mark.django_db

# (method, path, data); {e} is an export of our organisation, {only_ours} a colleague
# administrator who appears nowhere else.
PAGES = [
    ("GET", "/governance/", None),
    ("GET", "/governance/exports/", None),
    ("GET", "/governance/exports/?q=sam", None),
    ("POST", "/governance/exports/", {"person": "user:{only_ours}"}),
    ("GET", "/governance/exports/{e}/", None),
    ("GET", "/governance/exports/{e}/status.json", None),
    ("POST", "/governance/exports/{e}/download/", {}),
    ("GET", "/governance/retention/", None),
    ("POST", "/governance/retention/", {"note_days": "30", "guest_days": "30", "audit_days": "60"}),
    ("GET", "/governance/retention/preview/", None),
]
ORG_WIDE = {
    "/governance/",
    "/governance/exports/",
    "/governance/exports/?q=sam",
    "/governance/retention/",
    "/governance/retention/preview/",
}


@pytest.fixture
def export(world: World) -> SubjectAccessExport:
    """A ready-to-build export asked for by our administrator (the worker has not run)."""
    signed_in(world.admin).post("/governance/exports/", {"person": f"user:{world.person.pk}"})
    return SubjectAccessExport.objects.get()


def _send(client: Client, method: str, path: str, data: Any, world: World, export: Any) -> Any:
    url = path.format(e=export.pk)
    if method == "GET":
        return client.get(url)
    body = {k: v.format(only_ours=world.second_admin.pk) for k, v in (data or {}).items()}
    return client.post(url, body)


@pytest.mark.parametrize(("method", "path", "data"), PAGES)
def test_the_organisations_admin_reaches_every_page(
    world: World, export: SubjectAccessExport, method: str, path: str, data: Any
) -> None:
    answer = _send(signed_in(world.admin), method, path, data, world, export)
    # The download before the worker ran is a clear 409 "still being built".
    assert answer.status_code in ({409} if "download" in path else {200, 302}), answer.content[:300]


@pytest.mark.parametrize(("method", "path", "data"), PAGES)
@pytest.mark.parametrize("who", ["member", "knowledge_manager"])
def test_colleagues_who_are_not_admins_are_refused_with_a_reason(
    world: World,
    export: SubjectAccessExport,
    method: str,
    path: str,
    data: Any,
    who: str,
    request: pytest.FixtureRequest,
) -> None:
    user: User = request.getfixturevalue(who)
    answer = _send(signed_in(user), method, path, data, world, export)
    assert answer.status_code == 403
    assert "administrators" in answer.content.decode()
    assert SubjectAccessExport.objects.count() == 1
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize(("method", "path", "data"), PAGES)
def test_another_organisations_admin_sees_nothing_of_ours(
    world: World, export: SubjectAccessExport, method: str, path: str, data: Any
) -> None:
    client = signed_in(world.other_admin)
    answer = _send(client, method, path, data, world, export)
    bare = path.split("?")[0]
    if path in ORG_WIDE or (bare in ORG_WIDE and method == "POST"):
        # Their own organisation's page: nothing of ours on it, and our member is unknown.
        assert answer.status_code in {200, 302, 400}
        assert b"Sam Second" not in answer.content
        assert world.org.name.encode() not in answer.content
        if method == "GET":
            named = client.get(bare, {"org": world.org.pk})
            assert named.status_code == 404
    else:
        assert answer.status_code == 404
    assert SubjectAccessExport.objects.filter(organisation=world.other_org).count() == 0
    assert not RetentionPolicy.objects.filter(organisation=world.org).exists()


@pytest.mark.parametrize(("method", "path", "data"), PAGES)
def test_guests_and_people_not_signed_in_are_sent_to_sign_in(
    world: World, export: SubjectAccessExport, method: str, path: str, data: Any
) -> None:
    for client in (Client(), ApiClient().as_guest(world.guest).client):
        answer = _send(client, method, path, data, world, export)
        if answer.status_code == 403:  # the guest's client checks CSRF: refused before that
            assert method == "POST" and b"CSRF" in answer.content
            continue
        assert answer.status_code == 302
        assert "/accounts/sign-in/" in answer["Location"]
    assert SubjectAccessExport.objects.count() == 1


def test_the_menu_shows_governance_to_admins_only(
    world: World, knowledge_manager: User, member: User
) -> None:
    assert b'href="/governance/"' in signed_in(world.admin).get("/").content
    for user in (member, knowledge_manager, world.other_admin):
        home = signed_in(user).get("/").content
        assert (b'href="/governance/"' in home) == (user == world.other_admin)
    hub = signed_in(world.admin).get("/governance/").content.decode()
    for link in (
        "/accounts/audit/",
        "/accounts/erase/",
        "/governance/exports/",
        "/governance/retention/",
        "/accounts/sso/settings/",
    ):
        assert link in hub


def test_an_admin_of_two_organisations_chooses_which_one(world: World) -> None:
    """``?org=`` (or the form's hidden field) picks the organisation; the rules saved are
    that organisation's only."""
    Membership.objects.create(
        user=world.admin, organisation=world.other_org, role=Membership.Role.ADMIN
    )
    client = signed_in(world.admin)
    hub = client.get("/governance/", {"org": world.other_org.pk}).content.decode()
    assert "Elsewhere Council" in hub and f'href="?org={world.org.pk}"' in hub
    answer = client.post(
        "/governance/retention/",
        {"org": world.other_org.pk, "note_days": "10", "guest_days": "20", "audit_days": "40"},
    )
    assert answer.status_code == 302 and answer["Location"].endswith(f"?org={world.other_org.pk}")
    assert RetentionPolicy.objects.get().organisation == world.other_org
    assert client.get("/governance/", {"org": "abc"}).status_code == 404


@pytest.mark.parametrize("number", ["0", "99999999999999999999", "9223372036854775808"])
def test_ids_out_of_range_are_not_found_not_a_server_error(world: World, number: str) -> None:
    client = signed_in(world.admin)
    for path in (f"/governance/exports/{number}/", f"/governance/exports/{number}/status.json"):
        assert client.get(path).status_code == 404
    assert client.post(f"/governance/exports/{number}/download/").status_code == 404
    assert client.get("/governance/retention/", {"org": number}).status_code == 404
