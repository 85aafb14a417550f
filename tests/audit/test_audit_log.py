"""Every change to domain data leaves an append-only audit entry: who, when, from where,
what, and the fields before and after."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from peerassist.accounts import services as accounts
from peerassist.accounts.models import Membership, User
from peerassist.assists.models import Phase
from peerassist.audit.models import AuditEntry
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient, using_postgres
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def entries(kind: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=kind).order_by("id"))


def test_a_note_added_through_the_api_is_audited_with_who_and_where(live: Live) -> None:
    live.set(phase=Phase.ASK)
    api = ApiClient().login(live.host_lead)
    answer = api.post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "Protect the rota.", "kind": "tip"},
    )
    assert answer.status_code == 201, answer.content
    [entry] = entries("note.created")
    assert entry.actor_kind == "user" and entry.actor_user_id == live.host_lead.pk
    assert entry.channel == "api"
    assert entry.ip_address == "127.0.0.1"
    assert entry.organisation_id == live.assist.organisation_id
    assert entry.object_type == "assists.note"
    assert entry.object_id == str(answer.json()["note"]["id"])
    assert entry.changes["text"] == [None, "Protect the rota."]


def test_a_note_change_keeps_before_and_after(live: Live) -> None:
    live.set(phase=Phase.ASK)
    api = ApiClient().login(live.host_lead)
    note = api.post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "First words.", "kind": "tip"},
    ).json()["note"]
    api.patch(f"/api/v1/assists/{live.assist.pk}/notes/{note['id']}", {"text": "Better words."})
    [entry] = entries("note.updated")
    assert entry.changes["text"] == ["First words.", "Better words."]
    assert "updated_at" not in entry.changes


def test_a_phase_move_is_its_own_kind_of_entry(live: Live) -> None:
    api = ApiClient().login(live.facilitator)
    assert api.post(f"/api/v1/assists/{live.assist.pk}/phase", {"to": "tell"}).status_code == 200
    [entry] = entries("phase.changed")
    assert entry.changes["phase"] == ["welcome", "tell"]
    assert entry.actor_user_id == live.facilitator.pk


def test_a_refused_write_leaves_no_entry(live: Live) -> None:
    api = ApiClient().login(live.host_lead)
    assert api.post(f"/api/v1/assists/{live.assist.pk}/phase", {"to": "tell"}).status_code == 403
    assert not entries("phase.changed")


def test_a_guests_write_names_the_guest(live: Live) -> None:
    live.set(phase=Phase.ASK)
    api = ApiClient().as_guest(live.visitor)
    api.post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "From a visitor.", "kind": "tip"},
    )
    [entry] = entries("note.created")
    assert (entry.actor_kind, entry.actor_guest_id) == ("guest", live.visitor.pk)


def test_participant_removal_and_membership_changes_are_audited(live: Live) -> None:
    api = ApiClient().login(live.facilitator)
    pid = live.people["observer"].pk
    api.delete(f"/api/v1/assists/{live.assist.pk}/participants/{pid}")
    [removed] = entries("participant.deleted")
    assert removed.object_id == str(pid)
    assert removed.subject_guest_id == live.observer.pk
    assert entries("guest.updated")[0].changes["revoked_at"][0] is None
    membership = Membership.objects.get(user=live.colleague)
    membership.role = Membership.Role.ADMIN
    membership.save()
    [changed] = entries("membership.role_changed")
    assert changed.changes["role"] == ["member", "admin"]
    assert changed.subject_user_id == live.colleague.pk
    accounts.membership_end(membership=membership)
    assert entries("membership.deleted")[0].subject_user_id == live.colleague.pk


def test_personal_fields_are_marked_changed_without_their_values(live: Live) -> None:
    user = live.colleague
    user.full_name = "Somebody Else"
    user.save()
    [entry] = entries("user.updated")
    assert entry.changes == {"full_name": ["[changed]", "[changed]"]}


def test_sign_in_and_failed_sign_in_are_audited(member: User) -> None:
    client = Client()
    client.post("/accounts/sign-in/", {"username": member.email, "password": "wrong"})
    client.post("/accounts/sign-in/", {"username": "nobody@example.org", "password": "x"})
    client.post("/accounts/sign-in/", {"username": member.email, "password": PASSWORD})
    failed = entries("sign_in.failed")
    assert [e.subject_user_id for e in failed] == [member.pk, None]
    assert member.email not in str([(e.object_label, e.changes) for e in failed])
    [signed_in] = entries("sign_in")
    assert (signed_in.actor_user_id, signed_in.channel) == (member.pk, "web")


def test_exports_are_audited(live: Live) -> None:
    client = Client()
    client.force_login(live.host_lead)
    client.get(f"/reports/assists/{live.assist.pk}/notes.csv")
    client.get("/lessons/export.csv")
    kinds = [(e.object_type, e.changes.get("format")) for e in entries("export")]
    assert ("assists.peerassist", [None, "csv"]) in kinds
    assert ("file", None) in kinds


def test_the_log_is_append_only_on_postgresql(live: Live) -> None:
    """The database itself refuses to change or delete an entry."""
    if not using_postgres():
        pytest.skip("the trigger is PostgreSQL's; SQLite runs the same code without it")
    live.set(phase=Phase.ASK)
    entry = AuditEntry.objects.create(actor_kind="system", channel="command", kind="test")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(kind="changed"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).kind == "test"
