"""Retention: the settings page and its bad input, the preview's counts, the daily run
(command and task), what stays, the audit entry of each run, and the other organisation
left alone."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from peerassist.accounts.models import Guest
from peerassist.analysis.models import Action, Determinant, Theme
from peerassist.assists.models import BoardPhoto, Note, PeerAssist, Status, StatusChange
from peerassist.audit.models import ActorKind, AuditEntry, Channel
from peerassist.governance.models import RetentionPolicy
from peerassist.governance.retention import retention_apply_all_task
from peerassist.lessons.models import Lesson
from tests.factories import PeerAssistFactory
from tests.governance.conftest import World, signed_in

pytestmark = pytest.mark.django_db


def close(assist: PeerAssist, days_ago: int) -> None:
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.CLOSED)
    change = StatusChange.objects.create(
        assist=assist, from_status=Status.FOLLOW_UP, to_status=Status.CLOSED
    )
    StatusChange.objects.filter(pk=change.pk).update(at=timezone.now() - timedelta(days=days_ago))


def old_entry(organisation_id: int | None, days_ago: int, kind: str = "old.thing") -> AuditEntry:
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        organisation_id=organisation_id,
        actor_kind=ActorKind.SYSTEM,
        channel=Channel.COMMAND,
        kind=kind,
    )


@pytest.fixture
def aged(world: World) -> World:
    """Our peer assist closed 400 days ago (its guest's link long expired); the other
    organisation's closed just as long ago; audit entries of 800 and 10 days."""
    close(world.assist, 400)
    close(world.other_assist, 400)
    Guest.objects.filter(pk=world.guest.pk).update(
        expires_at=timezone.now() - timedelta(days=420), last_seen_at=None
    )
    old_entry(world.org.pk, 800)
    old_entry(world.org.pk, 10, kind="recent.thing")
    old_entry(world.other_org.pk, 800, kind="their.old.thing")
    return world


def test_the_settings_page_shows_the_defaults_and_saves_new_rules(world: World) -> None:
    admin = signed_in(world.admin)
    page = admin.get("/governance/retention/").content.decode()
    assert 'value="365"' in page and 'value="730"' in page and "default rules" in page
    answer = admin.post(
        "/governance/retention/", {"note_days": "90", "guest_days": "30", "audit_days": "400"}
    )
    assert answer.status_code == 302
    policy = RetentionPolicy.objects.get(organisation=world.org)
    assert (policy.note_days, policy.guest_days, policy.audit_days) == (90, 30, 400)
    entry = AuditEntry.objects.get(kind="retention.policy_changed")
    assert entry.changes["note_days"] == [None, 90] and entry.actor_user_id == world.admin.pk
    assert "Retention rules saved" in admin.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"note_days": "0"}, "note_days", "from 1 to 3650"),
        ({"note_days": "-5"}, "note_days", "from 1 to 3650"),
        ({"guest_days": "99999999999999999999"}, "guest_days", "from 1 to 3650"),
        ({"guest_days": "3651"}, "guest_days", "from 1 to 3650"),
        ({"audit_days": "29"}, "audit_days", "from 30 to 3650"),
        ({"audit_days": "a year"}, "audit_days", "whole number"),
        ({"note_days": ""}, "note_days", "Enter how many days"),
        ({"note_days": "1.5"}, "note_days", "whole number"),
    ],
)
def test_bad_retention_values_are_refused_with_a_clear_message(
    world: World, values: dict[str, str], field: str, message: str
) -> None:
    """Each bad value is named next to its field and in the error summary; nothing saved."""
    data = {"note_days": "365", "guest_days": "365", "audit_days": "730", **values}
    answer = signed_in(world.admin).post("/governance/retention/", data)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "There is a problem" in page and f'href="#id_{field}"' in page
    assert message in page
    assert f'id="id_{field}-error"' in page
    assert not RetentionPolicy.objects.exists()


def test_several_bad_values_are_all_named_at_once(world: World) -> None:
    answer = signed_in(world.admin).post(
        "/governance/retention/", {"note_days": "0", "guest_days": "-1", "audit_days": "1"}
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    for field in ("note_days", "guest_days", "audit_days"):
        assert f'href="#id_{field}"' in page


def test_the_preview_counts_what_the_next_run_removes(aged: World) -> None:
    page = signed_in(aged.admin).get("/governance/retention/preview/").content.decode()
    assert '<dd class="nhsuk-summary-list__value" id="count-notes">2</dd>' in page
    assert '<dd class="nhsuk-summary-list__value" id="count-guests">1</dd>' in page
    assert 'id="count-audit">1 (the oldest' in page
    assert "Recovery peer assist: 2 notes" in page and "Gil Guest" in page
    assert "Council" not in page  # the other organisation's are not ours to list
    assert Note.objects.count() == 3  # a preview removes nothing


def test_the_daily_run_removes_exactly_what_the_preview_listed(aged: World) -> None:
    """Raw notes go; themes, codes, actions and lessons stay; the guest is anonymised; old
    audit entries go and recent ones stay; one audit entry per run; the other organisation
    keeps its data under its own (default) rules."""
    RetentionPolicy.objects.create(
        organisation=aged.other_org, note_days=1000, guest_days=1000, audit_days=1000
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "removed 2 raw notes" in out.getvalue()
    assert list(Note.objects.values_list("text", flat=True)) == ["Council secret plan"]
    assert Theme.objects.filter(title="Rooms and time").exists()
    determinant = Determinant.objects.get()
    assert determinant.description == "Space is short" and determinant.note is None
    assert Action.objects.filter(text="Ask estates for a room").exists()
    assert Lesson.objects.filter(title="Rooms go fast").exists()
    guest = Guest.objects.get(pk=aged.guest.pk)
    assert guest.name.startswith("Former participant") and "gil@" not in guest.email
    kinds = set(AuditEntry.objects.values_list("kind", flat=True))
    assert "old.thing" not in kinds and "recent.thing" in kinds
    assert "their.old.thing" in kinds
    run = AuditEntry.objects.get(kind="retention.run", organisation_id=aged.org.pk)
    assert run.changes == {
        "notes": [None, 2],
        "photos": [None, 0],
        "guests": [None, 1],
        "audit_entries": [None, 1],
    }
    assert AuditEntry.objects.get(kind="retention.run", organisation_id=aged.other_org.pk).changes[
        "notes"
    ] == [None, 0]

    page = signed_in(aged.admin).get("/governance/retention/preview/").content.decode()
    assert "Nothing is due for removal" in page
    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert "removed 0 raw notes" in again.getvalue()


def test_open_peer_assists_and_their_guests_are_left_alone(world: World) -> None:
    """However old, notes of a peer assist not yet closed stay, and so do its guests."""
    Note.objects.update(created_at=timezone.now() - timedelta(days=3000))
    Guest.objects.filter(pk=world.guest.pk).update(expires_at=timezone.now() - timedelta(days=3000))
    retention_apply_all_task.enqueue()  # the immediate backend runs it here
    assert Note.objects.count() == 3
    assert Guest.objects.get(pk=world.guest.pk).name == "Gil Guest"
    run = AuditEntry.objects.get(kind="retention.run", organisation_id=world.org.pk)
    assert run.channel == Channel.TASK


def test_the_command_can_queue_the_run_for_the_worker(world: World) -> None:
    out = StringIO()
    call_command("apply_retention", "--enqueue", stdout=out)
    assert "Queued retention task" in out.getvalue()
    assert AuditEntry.objects.filter(kind="retention.run").count() == 2


def test_entries_of_no_organisation_go_after_the_longest_rule(world: World) -> None:
    """Sign-ins belong to no organisation: kept as long as the longest audit rule."""
    RetentionPolicy.objects.create(organisation=world.org, audit_days=100)
    RetentionPolicy.objects.create(organisation=world.other_org, audit_days=500)
    old_entry(None, 501, kind="sign_in.ancient")
    old_entry(None, 499, kind="sign_in.kept")
    old_entry(world.org.pk, 101, kind="ours.gone")
    call_command("apply_retention", stdout=StringIO())
    kinds = set(AuditEntry.objects.values_list("kind", flat=True))
    assert "sign_in.kept" in kinds
    assert "sign_in.ancient" not in kinds and "ours.gone" not in kinds


def test_expired_exports_are_removed_by_the_daily_run(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from peerassist.governance.exports import export_dir
    from peerassist.governance.models import SubjectAccessExport

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.admin).post("/governance/exports/", {"person": f"user:{world.person.pk}"})
    export = SubjectAccessExport.objects.get()
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "expired 1 exports" in out.getvalue()
    assert not (export_dir() / export.file_name).exists()
    assert SubjectAccessExport.objects.get().status == "expired"


def photo_on(assist: PeerAssist, name: str) -> BoardPhoto:
    photo = BoardPhoto(
        assist=assist,
        original_name=name,
        content_type="image/png",
        width=4,
        height=3,
        size=5,
        read_text="Mrs Example, bed 4",
        reading=BoardPhoto.Reading.DONE,
    )
    photo.file.save(name, ContentFile(b"\x89PNG!"), save=True)
    return photo


def test_photos_of_the_board_go_with_the_raw_notes(
    aged: World, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """A photo of paper notes is raw notes: previewed, deleted with its file and the text
    read from it after the notes' rule; a peer assist still open, or another organisation on
    a longer rule, keeps its photos and files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    RetentionPolicy.objects.create(organisation=aged.other_org, note_days=1000)
    due = photo_on(aged.assist, "flipchart.png")
    theirs = photo_on(aged.other_assist, "theirs.png")
    open_assist = PeerAssistFactory(project=aged.assist.project, title="Still running")
    running = photo_on(open_assist, "running.png")
    assert {p.name for p in tmp_path.rglob("*.png")} == {
        Path(p.file.name).name for p in (due, theirs, running)
    }

    page = signed_in(aged.admin).get("/governance/retention/preview/").content.decode()
    assert 'id="count-photos">1</dd>' in page
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("apply_retention", stdout=out)
    assert "1 board photos" in out.getvalue()
    assert set(BoardPhoto.objects.values_list("pk", flat=True)) == {theirs.pk, running.pk}
    assert {p.name for p in tmp_path.rglob("*.png")} == {
        Path(p.file.name).name for p in (theirs, running)
    }
    run = AuditEntry.objects.get(kind="retention.run", organisation_id=aged.org.pk)
    assert run.changes["photos"] == [None, 1]
