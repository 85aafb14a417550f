"""The SSO client secret at rest: sealed in the database (a copy of the database does not
give it away), opened for sign-in, surviving a change of SECRET_KEY kept as a fallback, and
asked for again, in words, when no key opens it; secrets saved before are sealed by the
migration."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from peerassist.accounts.models import Organisation, OrganisationSso, User
from peerassist.core.sealed import is_sealed
from tests.accounts.test_sso_settings import SECRET, URL, admin, form  # noqa: F401

pytestmark = pytest.mark.django_db

OLD_KEY = "an-old-secret-key-for-sealing-tests-" + "o" * 20
NEW_KEY = "a-new-secret-key-for-sealing-tests-" + "n" * 20


def stored(org: Organisation) -> str:
    value: str = OrganisationSso.objects.filter(organisation=org).values_list(
        "client_secret_sealed", flat=True
    )[0]
    return value


def saved_by_page(person: User, org: Organisation) -> None:
    client = Client()
    client.force_login(person)
    response = client.post(f"{URL}?org={org.pk}", form())
    assert response.status_code == 302


def test_the_secret_is_sealed_in_the_database_and_opened_for_use(
    admin: User,  # noqa: F811
    org: Organisation,
) -> None:
    saved_by_page(admin, org)
    raw = stored(org)
    assert is_sealed(raw) and SECRET not in raw and SECRET[-4:] not in raw
    config = OrganisationSso.objects.get(organisation=org)
    assert config.client_secret == SECRET
    assert config.secret_hint == "ending in …9f3c"
    # Sealed twice, the same secret reads differently: nothing to compare copies by.
    saved_by_page(admin, org)
    assert stored(org) != raw


def test_a_new_secret_key_opens_old_secrets_while_the_old_key_is_a_fallback(
    admin: User,  # noqa: F811
    org: Organisation,
    settings: Any,
) -> None:
    settings.SECRET_KEY = OLD_KEY
    saved_by_page(admin, org)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert OrganisationSso.objects.get(organisation=org).client_secret == SECRET
    # Saved again on the page with the secret left blank (kept), it is sealed under the new
    # key and needs the old one no more.
    client = Client()
    client.force_login(admin)
    kept = client.post(f"{URL}?org={org.pk}", form(client_secret=""))
    assert kept.status_code == 302
    settings.SECRET_KEY_FALLBACKS = []
    assert OrganisationSso.objects.get(organisation=org).client_secret == SECRET


def test_a_secret_no_key_opens_is_asked_for_again_not_used(
    admin: User,  # noqa: F811
    org: Organisation,
    settings: Any,
) -> None:
    """SECRET_KEY changed with no fallback: the page says no secret is saved, and switching
    sign-on on asks for it rather than signing people in with a broken one."""
    settings.SECRET_KEY = OLD_KEY
    saved_by_page(admin, org)
    settings.SECRET_KEY = NEW_KEY
    config = OrganisationSso.objects.get(organisation=org)
    assert config.client_secret == "" and config.secret_hint == ""
    client = Client()
    client.force_login(admin)
    page = client.get(f"{URL}?org={org.pk}").content.decode()
    assert "A secret is saved" not in page
    assert "It is never shown again in full" in page
    refused = client.post(f"{URL}?org={org.pk}", form(enabled="1", client_secret=""))
    assert refused.status_code == 400
    assert "Enter the client secret to switch sign-on on" in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_secrets_saved_before_and_reverses(org: Organisation) -> None:
    before, after = (
        [("accounts", "0003_organisation_sso")],
        [("accounts", "0004_sso_secret_sealed")],
    )
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldSso = old_apps.get_model("accounts", "OrganisationSso")
        OldSso.objects.create(
            organisation_id=org.pk,
            issuer="https://login.example",
            client_id="c",
            client_secret=SECRET,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert is_sealed(stored(org)) and SECRET not in stored(org)
        assert OrganisationSso.objects.get(organisation=org).client_secret == SECRET
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        back = executor.loader.project_state(before).apps.get_model("accounts", "OrganisationSso")
        assert back.objects.get(organisation_id=org.pk).client_secret == SECRET
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
