"""The pages every visitor meets: home, statements, errors, and the security headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from peerassist.accounts.models import Organisation, User
from tests.factories import PeerAssistFactory, ProjectFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "peerassist" / "templates"


@pytest.mark.django_db
def test_home_sends_a_signed_out_visitor_to_sign_in(client: Client) -> None:
    """The home page needs an account; the visitor is sent to sign in and comes back."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/")


def test_home_shows_own_projects_and_upcoming_assists_only(
    client: Client, member: User, org: Organisation, other_org: Organisation
) -> None:
    """A member sees their organisation's projects and peer assists, never another's."""
    mine = ProjectFactory(organisation=org, title="Falls prevention in care homes")
    PeerAssistFactory(project=mine, title="Learning from the falls team")
    ProjectFactory(organisation=other_org, title="Secret council project")
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "Falls prevention in care homes" in page
    assert "Learning from the falls team" in page
    assert "Secret council project" not in page


def test_home_empty_sections_say_what_they_are_for(client: Client, member: User) -> None:
    """With nothing yet, each section explains itself and how to start."""
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "Start one to run a Before Action Review" in page
    assert "None is planned yet" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/privacy/", "/accessibility/", "/accounts/sign-in/", "/accounts/sso/"]
)
def test_public_pages_carry_a_strict_content_security_policy(client: Client, path: str) -> None:
    """Every page has a CSP without 'unsafe-inline' scripts, and the statements are public."""
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_no_template_has_inline_script_or_style() -> None:
    """Templates load scripts from files and style with classes, so the CSP can stay strict."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\sstyle\s*=", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: inline style or event handler")
    assert offenders == []


def test_another_organisations_project_is_not_found(
    client: Client, member: User, other_org: Organisation
) -> None:
    """A project of another organisation is a 404 page, so ids do not leak."""
    theirs = ProjectFactory(organisation=other_org)
    client.force_login(member)
    response = client.get(f"/projects/{theirs.pk}/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_a_huge_or_malformed_id_is_not_found_not_an_error(client: Client, member: User) -> None:
    """Ids beyond the database's range are simply not found."""
    client.force_login(member)
    assert client.get(f"/projects/{2**70}/").status_code == 404
    assert client.get("/projects/abc/").status_code == 404
