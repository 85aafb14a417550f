"""Personal API tokens: made on a page (shown once), stored hashed, read-only or read-write,
expiring, revocable, last use shown; Bearer on /api/v1/ without CSRF; every use audited."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.models import ApiToken, User
from peerassist.assists.models import Phase
from peerassist.audit.models import AuditEntry
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def make_token(user: User, access: str = "read", days: int = 30) -> str:
    client = Client()
    client.force_login(user)
    page = client.post(
        "/accounts/tokens/", {"name": "Monthly report", "access": access, "valid_days": days}
    )
    assert page.status_code == 200, page.content
    assert page["Cache-Control"] == "no-store"
    found = re.search(r'value="(pa_[^"]+)"', page.content.decode())
    assert found
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_shown_once_and_kept_only_as_a_hash(member: User) -> None:
    secret = make_token(member)
    stored = ApiToken.objects.get(user=member)
    assert secret not in (stored.key_hash, stored.prefix)
    # The random part may itself hold "_", so it is what follows the hex prefix's separator.
    random_part = secret.removeprefix("pa_").partition("_")[2]
    assert len(random_part) >= 40 and random_part not in stored.key_hash
    client = Client()
    client.force_login(member)
    listing = client.get("/accounts/tokens/").content.decode()
    assert "Monthly report" in listing and secret not in listing
    assert "Never" in listing


def test_a_token_reads_the_api_as_its_user_and_use_is_shown_and_audited(member: User) -> None:
    secret = make_token(member)
    answer = Client().get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 200
    assert answer.json()["email"] == member.email
    token = ApiToken.objects.get(user=member)
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    [used] = AuditEntry.objects.filter(kind="token.used")
    assert (used.actor_kind, used.actor_user_id, used.token_id) == ("token", member.pk, token.pk)
    assert used.changes["request"] == [None, "GET /api/v1/me"]
    client = Client()
    client.force_login(member)
    assert "from 127.0.0.1" in client.get("/accounts/tokens/").content.decode()


def test_a_read_write_token_writes_without_csrf_and_the_write_names_the_token(
    live: Live,
) -> None:
    live.set(phase=Phase.ASK)
    secret = make_token(live.host_lead, access="read_write")
    answer = Client(enforce_csrf_checks=True).post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "From a script.", "kind": "tip"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert answer.status_code == 201, answer.content
    [note] = AuditEntry.objects.filter(kind="note.created")
    assert note.actor_kind == "token" and note.token_id is not None
    assert note.actor_user_id == live.host_lead.pk


def test_a_read_only_token_cannot_write(live: Live) -> None:
    live.set(phase=Phase.ASK)
    secret = make_token(live.host_lead, access="read")
    answer = Client().post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "No.", "kind": "tip"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "token_read_only"


@pytest.mark.parametrize("state", ["revoked", "expired", "made up", "user deactivated"])
def test_tokens_that_do_not_work_get_401_with_the_reason(member: User, state: str) -> None:
    secret = make_token(member)
    token = ApiToken.objects.get(user=member)
    if state == "revoked":
        client = Client()
        client.force_login(member)
        assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    elif state == "made up":
        secret = secret[:-4] + "abcd"
    else:
        User.objects.filter(pk=member.pk).update(is_active=False)
    answer = Client().get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_invalid"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_nobody_else_can_revoke_your_token(member: User, outsider: User) -> None:
    make_token(member)
    token = ApiToken.objects.get(user=member)
    client = Client()
    client.force_login(outsider)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_pages_need_an_account(live: Live) -> None:
    assert Client().get("/accounts/tokens/").status_code == 302
    guest = ApiClient().as_guest(live.visitor).client
    assert guest.get("/accounts/tokens/").status_code == 302
    assert guest.post("/accounts/tokens/1/revoke/").status_code in {302, 403}  # CSRF first


def test_bad_token_forms_are_explained(member: User) -> None:
    client = Client()
    client.force_login(member)
    answer = client.post("/accounts/tokens/", {"name": "", "access": "root", "valid_days": 5})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "There is a problem" in page
    assert "Select a valid choice" in page
    assert not ApiToken.objects.exists()


def test_the_openapi_document_declares_bearer_tokens(api: ApiClient) -> None:
    document = api.get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    operation = document["paths"]["/api/v1/me"]["get"]
    assert any("TokenAuth" in requirement for requirement in operation["security"])
