"""The administrators' single sign-on page: validation in words, the secret never shown
back, every change audited, and only administrators of that organisation get in."""

from __future__ import annotations

import pytest
from django.test import Client

from peerassist.accounts.models import Membership, Organisation, OrganisationSso, User
from peerassist.audit.models import AuditEntry
from tests.accounts.sso_provider import Provider
from tests.factories import UserFactory
from tests.servers import free_port

URL = "/accounts/sso/settings/"
SECRET = "a-long-client-secret-9f3c"


@pytest.fixture
def admin(org: Organisation) -> User:
    user = UserFactory(email="admin@trust.example")
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.ADMIN)
    return user


def form(issuer: str = "https://login.example/tenant/v2.0", **changes: str) -> dict[str, str]:
    return {
        "enabled": "",
        "provider_name": "NHSmail",
        "issuer": issuer,
        "client_id": "client-123",
        "client_secret": SECRET,
        "allowed_domains": "trust.example\nnhs.net",
        **changes,
    }


def test_an_admin_switches_sign_on_on_against_a_real_provider(
    client: Client, admin: User, org: Organisation, oidc_provider: Provider
) -> None:
    """Saved, switched on, the secret shown only by its last four characters, audited
    without the secret."""
    client.force_login(admin)
    response = client.post(f"{URL}?org={org.pk}", form(oidc_provider.issuer, enabled="1"))
    assert response.status_code == 302
    config = OrganisationSso.objects.get(organisation=org)
    assert config.enabled and config.allowed_domains == ["trust.example", "nhs.net"]
    page = client.get(response["Location"]).content.decode()
    assert SECRET not in page
    assert "ending in …9f3c" in page
    assert "http://testserver/accounts/sso/callback/" in page
    entry = AuditEntry.objects.get(kind="sso.updated")
    assert entry.organisation_id == org.pk
    assert entry.changes["client_secret"] == ["(hidden)", "(changed)"]
    assert SECRET not in str(entry.changes)


def test_a_blank_secret_keeps_the_saved_one(client: Client, admin: User, org: Organisation) -> None:
    client.force_login(admin)
    client.post(URL, form("https://login.example/tenant/v2.0"))
    client.post(URL, form("https://login.example/tenant/v2.0", client_secret=""))
    assert OrganisationSso.objects.get(organisation=org).client_secret == SECRET


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"issuer": "http://login.example/tenant"}, "must start with https://"),
        ({"issuer": "login.example"}, "full address"),
        ({"issuer": "https://login.example/?x=1"}, "without anything after ?"),
        ({"client_id": ""}, "Enter the client id"),
        ({"client_id": "two words"}, "no spaces"),
        ({"allowed_domains": "nhs net\n@ok.example"}, "“nhs net” is not a domain"),
        ({"allowed_domains": "bad_domain, also bad"}, "are not domains"),
        ({"allowed_domains": " \n "}, "Enter at least one e-mail domain"),
        ({"enabled": "1", "client_secret": ""}, "Enter the client secret to switch"),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(
    client: Client, admin: User, org: Organisation, changes: dict[str, str], words: str
) -> None:
    client.force_login(admin)
    response = client.post(URL, form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and words in page
    assert not OrganisationSso.objects.exists()


def test_switching_on_needs_the_provider_to_answer(
    client: Client, admin: User, org: Organisation
) -> None:
    client.force_login(admin)
    issuer = f"http://127.0.0.1:{free_port()}/o"
    response = client.post(URL, form(issuer, enabled="1"))
    assert response.status_code == 400
    assert "could not be reached" in response.content.decode()
    assert not OrganisationSso.objects.exists()
    assert client.post(URL, form(issuer)).status_code == 302  # saved, switched off


def test_a_provider_naming_another_issuer_is_refused(
    client: Client, admin: User, org: Organisation, oidc_provider: Provider
) -> None:
    """Discovery answers, but for a different issuer (a trailing slash): say which it is."""
    client.force_login(admin)
    response = client.post(URL, form(oidc_provider.issuer + "/", enabled="1"))
    assert response.status_code == 400
    assert f"calls itself “{oidc_provider.issuer}”" in response.content.decode()


def test_only_the_organisations_administrators_get_in(
    client: Client, member: User, org: Organisation, other_org: Organisation
) -> None:
    client.force_login(member)
    assert client.get(URL).status_code == 403
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=other_org, role="admin")
    client.force_login(other_admin)
    assert client.get(f"{URL}?org={org.pk}").status_code == 404
    assert client.get(f"{URL}?org=nonsense").status_code == 404
    assert client.post(f"{URL}?org={org.pk}", form("https://x.example/o")).status_code == 404
    assert not OrganisationSso.objects.exists()
