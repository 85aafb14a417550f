"""Guests: a signed, expiring, revocable link admits one person to one resource."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Guest, Organisation
from peerassist.accounts.services import guest_invite, guest_renew, guest_revoke, guest_token
from peerassist.assists.access import access_peer_assist
from peerassist.core.errors import NotFound
from tests.factories import PeerAssistFactory


@pytest.fixture
def guest(org: Organisation) -> Guest:
    assist = PeerAssistFactory(project__organisation=org)
    return guest_invite(
        organisation=org,
        name="Vera Visitor",
        email="Vera@Elsewhere.example",
        scope_kind="peer_assist",
        scope_id=assist.pk,
    )


def test_the_link_admits_the_guest_to_their_resource(client: Client, guest: Guest) -> None:
    """Opening the link signs the browser in as that guest, and only that guest."""
    response = client.get(f"/accounts/guest/{guest_token(guest)}/")
    assert response.status_code == 302
    assert client.session[GUEST_SESSION_KEY] == guest.pk
    assert guest.email == "vera@elsewhere.example"


def test_a_guest_sees_only_the_peer_assist_they_were_invited_to(guest: Guest) -> None:
    """Access for a guest stops at the one resource the invitation names."""
    assert access_peer_assist(guest, guest.scope_id).pk == guest.scope_id
    other = PeerAssistFactory(project__organisation=guest.organisation)
    with pytest.raises(NotFound):
        access_peer_assist(guest, other.pk)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("tamper", "not valid"),
        ("expire", "expired"),
        ("revoke", "withdrawn"),
        ("renew", "replaced or withdrawn"),
    ],
)
def test_a_spoiled_link_is_refused_with_what_to_do_next(
    client: Client, guest: Guest, spoil: str, message: str
) -> None:
    """Tampered, expired, revoked and superseded links each say why and what to do."""
    token = guest_token(guest)
    if spoil == "tamper":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif spoil == "expire":
        Guest.objects.filter(pk=guest.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "revoke":
        guest_revoke(guest=guest)
    elif spoil == "renew":
        guest_renew(guest=guest)
    response = client.get(f"/accounts/guest/{token}/")
    assert response.status_code == 404
    assert message in response.content.decode()
    assert GUEST_SESSION_KEY not in client.session


def test_revoking_ends_a_guest_session_already_open(client: Client, guest: Guest) -> None:
    """A guest already inside loses access on their next request once revoked."""
    client.get(f"/accounts/guest/{guest_token(guest)}/")
    guest_revoke(guest=guest)
    response = client.get(f"/assists/{guest.scope_id}/")
    assert response.status_code in {302, 404}
    assert GUEST_SESSION_KEY not in client.session


def test_a_guest_signs_out_from_the_header_on_a_shared_computer(
    client: Client, guest: Guest
) -> None:
    """Every page a guest sees offers "Sign out"; it ends the guest session, so the next
    person at the computer is nobody, and the page says how to come back."""
    client.get(f"/accounts/guest/{guest_token(guest)}/")
    page = client.get(f"/assists/{guest.scope_id}/").content.decode()
    assert "Vera Visitor (guest)" in page
    assert 'action="/accounts/sign-out/"' in page and ">Sign out</button>" in page
    response = client.post("/accounts/sign-out/", follow=True)
    assert GUEST_SESSION_KEY not in client.session
    text = response.content.decode()
    assert "You have signed out" in text
    assert "link in your invitation" in text
    assert client.get(f"/assists/{guest.scope_id}/").status_code in {302, 404}
