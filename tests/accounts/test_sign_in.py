"""Signing in and out, lock-out after repeated failures, and password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from peerassist.accounts.models import User
from tests.factories import PASSWORD


def _sign_in(client: Client, email: str, password: str) -> object:
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def test_member_signs_in_by_email_in_any_case(client: Client, member: User) -> None:
    """The e-mail address is the username, whatever its case and surrounding spaces."""
    response = _sign_in(client, f"  {member.email.upper()} ", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client: Client, member: User) -> None:
    """A wrong password re-shows the form with the error summary; nothing says which was wrong."""
    response = _sign_in(client, member.email, "wrong-password")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "There is a problem" in page
    assert "Enter the e-mail address and password of your account" in page


def test_empty_form_names_each_missing_field(client: Client, db: None) -> None:
    """Submitting nothing says what to enter, per field."""
    page = _sign_in(client, "", "").content.decode()  # type: ignore[attr-defined]
    assert "Enter your e-mail address" in page
    assert "Enter your password" in page


def test_repeated_failures_lock_the_account_for_a_while(client: Client, member: User) -> None:
    """After 5 failed tries even the right password is refused, with what to do next."""
    for _ in range(5):
        _sign_in(client, member.email, "wrong-password")
    response = _sign_in(client, member.email, PASSWORD)
    assert response.status_code in {403, 429}  # type: ignore[attr-defined]
    assert b"Too many sign-in attempts" in response.content  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client: Client, member: User) -> None:
    """Signing out ends the session; a GET cannot sign anybody out."""
    client.force_login(member)
    assert client.get("/accounts/sign-out/").status_code == 405
    client.post("/accounts/sign-out/")
    assert client.get("/").status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client: Client, member: User) -> None:
    """The reset link arrives by e-mail and lets the person choose a new password."""
    client.post("/accounts/password-reset/", {"email": member.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-much-better-passphrase", "new_password2": "a-much-better-passphrase"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-much-better-passphrase")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client: Client) -> None:
    """Asking for a reset for an unknown address looks the same and sends nothing."""
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
