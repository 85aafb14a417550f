"""Single sign-on against a real OpenID provider started for the tests (tests/oidc_provider):
its own login and consent pages, its signed tokens, its JWKS. Nothing is mocked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from peerassist.accounts.models import Membership, Organisation, OrganisationSso, SsoIdentity, User
from peerassist.audit.models import AuditEntry
from tests.accounts.sso_provider import (
    CLIENTS,
    Provider,
    callback_path,
    through_provider,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def configure(
    organisation: Organisation, provider: Provider, client: str, domains: list[str]
) -> OrganisationSso:
    return OrganisationSso.objects.create(
        organisation=organisation,
        enabled=True,
        provider_name=f"{organisation.name} accounts",
        issuer=provider.issuer,
        client_id=CLIENTS[client].client_id,
        client_secret=CLIENTS[client].client_secret,
        allowed_domains=domains,
    )


def start(client: Client, email: str, **extra: object) -> str:
    """Ask to sign in with ``email``; the provider's authorisation address it sends us to."""
    response = client.post("/accounts/sso/", {"email": email, **extra})
    assert response.status_code == 302, response.content.decode()[:3000]
    return str(response["Location"])


def sign_in(client: Client, email: str, person: str, **extra: object) -> object:
    """The whole round: our page, the provider's login and consent, back to our callback."""
    location = through_provider(start(client, email, **extra), person)
    return client.get(callback_path(location))


def failures(organisation: Organisation) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            kind="sign_in.failed", organisation_id=organisation.pk
        ).values_list("object_label", flat=True)
    )


def signed_in_as(client: Client) -> str:
    response = client.get("/")
    return "" if response.status_code != 200 else str(response.context["user"].email)


@pytest.fixture
def trust_sso(org: Organisation, oidc_provider: Provider) -> OrganisationSso:
    return configure(org, oidc_provider, "trust", ["trust.example"])


@pytest.fixture
def council_sso(other_org: Organisation, oidc_provider: Provider) -> OrganisationSso:
    return configure(other_org, oidc_provider, "council", ["council.example"])


def test_a_person_signs_in_with_their_organisation_and_becomes_a_member(
    client: Client, org: Organisation, trust_sso: OrganisationSso, council_sso: OrganisationSso
) -> None:
    """A first sign-in makes the account and a member's place in that organisation only,
    with state, nonce and PKCE on the way out, and is audited as a sign-in via SSO."""
    authorize = start(client, "Alice@Trust.example")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == ["trust-app"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0]
    response = client.get(callback_path(through_provider(authorize, "alice")))
    assert response.status_code == 302
    assert response["Location"] == "/"
    alice = User.objects.get(email="alice@trust.example")
    assert alice.full_name == "Alice Ash"
    assert not alice.has_usable_password()
    assert list(alice.memberships.values_list("organisation_id", "role")) == [
        (org.pk, Membership.Role.MEMBER)
    ]
    assert SsoIdentity.objects.get(user=alice).issuer == trust_sso.issuer
    assert signed_in_as(client) == "alice@trust.example"
    entry = AuditEntry.objects.get(kind="sign_in.sso")
    assert (entry.actor_user_id, entry.organisation_id) == (alice.pk, org.pk)


def test_an_existing_account_is_linked_and_keeps_its_higher_role_and_password(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    """An administrator who signs in through the provider stays an administrator, and the
    next time the provider account alone finds them; the password still works too."""
    admin = UserFactory(email="alice@trust.example")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN)
    for _ in range(2):
        assert sign_in(client, "alice@trust.example", "alice").status_code == 302  # type: ignore[attr-defined]
        assert signed_in_as(client) == "alice@trust.example"
        client.logout()
    assert Membership.objects.get(user=admin).role == Membership.Role.ADMIN
    assert SsoIdentity.objects.filter(user=admin).count() == 1
    password = client.post(
        "/accounts/sign-in/", {"username": "alice@trust.example", "password": PASSWORD}
    )
    assert password.status_code == 302


def _refused(response: object, words: str) -> None:
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 403, page[:3000]  # type: ignore[attr-defined]
    assert "There is a problem" in page
    assert words in page
    assert "Sign in with your organisation" in page


@pytest.mark.parametrize(
    ("provider_client", "words", "reason"),
    [
        # The provider's token names another application.
        ("wrong-audience", "answered for another application", "wrong_audience"),
        # The provider's token expired before it arrived (beyond a minute's clock skew).
        ("expired", "had already expired", "token_expired"),
    ],
)
def test_a_token_for_another_audience_or_expired_is_refused(
    client: Client,
    org: Organisation,
    oidc_provider: Provider,
    provider_client: str,
    words: str,
    reason: str,
) -> None:
    """Refused on the sign-in page with the reason, no account made, audited."""
    configure(org, oidc_provider, provider_client, ["trust.example"])
    response = sign_in(client, "alice@trust.example", "alice")
    _refused(response, words)
    assert not User.objects.filter(email="alice@trust.example").exists()
    assert signed_in_as(client) == ""
    assert failures(org) == [f"Single sign-on refused: {reason}"]


def test_an_address_outside_the_allowed_domains_is_refused(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    """Typed a trust address, signed in at the provider as somebody elsewhere: refused,
    and the message says which address the provider gave."""
    response = sign_in(client, "alice@trust.example", "mallory")
    _refused(response, "as mallory@elsewhere.example")
    assert not User.objects.filter(email="mallory@elsewhere.example").exists()
    assert failures(org) == ["Single sign-on refused: domain_not_allowed"]


def test_one_organisations_provider_never_signs_anybody_into_another(
    client: Client,
    org: Organisation,
    other_org: Organisation,
    trust_sso: OrganisationSso,
    council_sso: OrganisationSso,
) -> None:
    """Each domain starts with its own organisation's client; a council person coming back
    through the trust's sign-in is judged by the trust's domains and joins nothing."""
    assert parse_qs(urlsplit(start(client, "bob@council.example")).query)["client_id"] == [
        "council-app"
    ]
    response = sign_in(client, "alice@trust.example", "bob")
    _refused(response, "does not accept that address")
    assert not Membership.objects.filter(user__email="bob@council.example").exists()
    assert failures(org) == ["Single sign-on refused: domain_not_allowed"]
    assert failures(other_org) == []
    assert sign_in(client, "bob@council.example", "bob").status_code == 302  # type: ignore[attr-defined]
    bob = User.objects.get(email="bob@council.example")
    assert list(bob.memberships.values_list("organisation_id", flat=True)) == [other_org.pk]


def test_a_shared_domain_asks_which_organisation(
    client: Client,
    org: Organisation,
    other_org: Organisation,
    trust_sso: OrganisationSso,
    council_sso: OrganisationSso,
) -> None:
    """Two organisations both take nhs-like shared addresses: the person picks, and only
    the picked organisation's client is used."""
    for config in (trust_sso, council_sso):
        config.allowed_domains = [*config.allowed_domains, "shared.example"]
        config.save()
    page = client.post("/accounts/sso/", {"email": "pat@shared.example"})
    assert page.status_code == 200
    html = page.content.decode()
    assert org.name in html and other_org.name in html
    unchosen = client.post("/accounts/sso/", {"email": "pat@shared.example", "organisation": ""})
    assert unchosen.status_code == 400
    assert "Choose your organisation" in unchosen.content.decode()
    authorize = start(client, "pat@shared.example", organisation=other_org.pk)
    assert parse_qs(urlsplit(authorize).query)["client_id"] == ["council-app"]


def test_a_replayed_or_foreign_callback_is_refused(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    """The way back works once, in the browser that set out; any other state is refused."""
    location = through_provider(start(client, "alice@trust.example"), "alice")
    stranger = Client()
    _refused(stranger.get(callback_path(location)), "started in another browser")
    assert client.get(callback_path(location)).status_code == 302
    client.logout()
    _refused(client.get(callback_path(location)), "already used")


def test_cancelling_at_the_provider_says_so(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    location = through_provider(start(client, "alice@trust.example"), "alice", allow=False)
    assert "error=access_denied" in location
    _refused(client.get(callback_path(location)), "was cancelled or refused")
    assert failures(org) == ["Single sign-on refused: provider_error:access_denied"]


def test_a_switched_off_account_is_refused(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    UserFactory(email="alice@trust.example", is_active=False)
    _refused(sign_in(client, "alice@trust.example", "alice"), "This account is switched off")
    assert signed_in_as(client) == ""


def test_a_provider_that_is_not_running_is_named_on_the_page(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    """The demo's case: the configured provider is down. The page says so (503), no 500."""
    from tests.servers import free_port

    trust_sso.issuer = f"http://127.0.0.1:{free_port()}/o"
    trust_sso.save()
    response = client.post("/accounts/sso/", {"email": "alice@trust.example"})
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()


@pytest.mark.parametrize(
    ("email", "words"),
    [
        ("", "Enter your work e-mail address"),
        ("not an address", "Enter an e-mail address like"),
        ("x@nowhere.example", "No organisation here signs in with @nowhere.example"),
    ],
)
def test_an_address_no_organisation_takes_is_explained(
    client: Client, trust_sso: OrganisationSso, email: str, words: str
) -> None:
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_switched_off_configuration_is_never_used(
    client: Client, trust_sso: OrganisationSso
) -> None:
    trust_sso.enabled = False
    trust_sso.save()
    response = client.post("/accounts/sso/", {"email": "alice@trust.example"})
    assert response.status_code == 400
    assert "No organisation here signs in with @trust.example" in response.content.decode()


def test_the_sign_in_pages_form_may_lead_to_a_provider(
    client: Client, trust_sso: OrganisationSso, oidc_provider: Provider
) -> None:
    """Browsers apply form-action to the redirect after "Continue", so this page (only)
    allows https origins and the local test provider's; scripts stay 'self' only."""
    csp = client.get("/accounts/sso/")["Content-Security-Policy"]
    assert f"form-action 'self' https: {oidc_provider.url}" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert (
        "form-action 'self';" in client.get("/accounts/sign-in/")["Content-Security-Policy"] + ";"
    )


def test_an_erased_person_who_signs_in_again_starts_afresh(
    client: Client, org: Organisation, trust_sso: OrganisationSso
) -> None:
    """Erasure drops the provider link with the name and address; the next sign-in through
    the provider makes a new account rather than reaching the anonymised one."""
    from peerassist.accounts.erasure import user_erase

    assert sign_in(client, "alice@trust.example", "alice").status_code == 302  # type: ignore[attr-defined]
    client.logout()
    first = User.objects.get(email="alice@trust.example")
    user_erase(user=first, organisation_id=org.pk, confirm_name="Alice Ash")
    assert not SsoIdentity.objects.filter(user=first).exists()
    assert sign_in(client, "alice@trust.example", "alice").status_code == 302  # type: ignore[attr-defined]
    again = User.objects.get(email="alice@trust.example")
    assert again.pk != first.pk
    assert signed_in_as(client) == "alice@trust.example"
