"""Who reaches each single sign-on URL: the sign-in page and the way back are for anybody
(the way back refuses without a sign-in of this browser in progress), the settings page for
the organisation's administrators only. No combination answers 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Membership, Organisation, User
from tests.factories import GuestFactory, UserFactory

ACTORS = ["anonymous", "guest", "member", "knowledge_manager", "admin", "other_admin"]

# (method, path, body, expected status per actor)
MATRIX: list[tuple[str, str, dict[str, str] | None, dict[str, int]]] = [
    ("GET", "/accounts/sso/", None, dict.fromkeys(ACTORS, 200)),
    ("POST", "/accounts/sso/", {"email": "x@unknown.example"}, dict.fromkeys(ACTORS, 400)),
    ("GET", "/accounts/sso/callback/?state=forged&code=x", None, dict.fromkeys(ACTORS, 403)),
    (
        "GET",
        "/accounts/sso/settings/?org={org}",
        None,
        {
            "anonymous": 302,
            "guest": 302,
            "member": 403,
            "knowledge_manager": 403,
            "admin": 200,
            "other_admin": 404,
        },
    ),
    (
        "POST",
        "/accounts/sso/settings/?org={org}",
        {"issuer": "bad", "client_id": "c", "allowed_domains": "trust.example"},
        {
            "anonymous": 302,
            "guest": 302,
            "member": 403,
            "knowledge_manager": 403,
            "admin": 400,
            "other_admin": 404,
        },
    ),
]


def _client_as(actor: str, org: Organisation, other_org: Organisation) -> Client:
    client = Client()
    if actor == "anonymous":
        return client
    if actor == "guest":
        session = client.session
        session[GUEST_SESSION_KEY] = GuestFactory(organisation=org).pk
        session.save()
        return client
    user: User = UserFactory()
    home = other_org if actor == "other_admin" else org
    role = {"other_admin": "admin"}.get(actor, actor)
    Membership.objects.create(user=user, organisation=home, role=role)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_every_sso_url_answers_each_actor_as_the_matrix_says(
    actor: str, org: Organisation, other_org: Organisation
) -> None:
    client = _client_as(actor, org, other_org)
    for method, path, body, expected in MATRIX:
        url = path.format(org=org.pk)
        response = client.post(url, body) if method == "POST" else client.get(url)
        assert response.status_code == expected[actor], (method, url, response.status_code)
