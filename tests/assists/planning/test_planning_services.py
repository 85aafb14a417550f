"""Planning services: templates, invitations queued and delivered once, removal, demo data."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F

from peerassist.accounts.guests import guest_landing_url
from peerassist.assists.models import Participant, PeerAssist, Status
from peerassist.assists.planning.agenda import (
    FIVE_STAGE,
    FOUR_PART,
    SHORT_90,
    agenda_apply_template,
)
from peerassist.assists.planning.invitations import (
    RETRY_AFTER,
    invitation_revoke,
    invitations_deliver,
    invitations_send,
)
from peerassist.assists.planning.logistics import logistics_checklist
from peerassist.assists.planning.services import participant_remove
from peerassist.core.errors import Conflict, Invalid
from tests.assists.planning.planning_fixtures import Cast, cast_fixture  # noqa: F401
from tests.factories import NoteFactory


def test_agenda_templates_follow_the_method() -> None:
    """Four-part and five-stage run half a day with every phase; the short form is 90 minutes;
    the five-stage form gives the visitors a block of their own to prepare feedback."""
    assert FOUR_PART.total_minutes >= 180
    assert SHORT_90.total_minutes == 90
    phases = [i.phase for i in FOUR_PART.items]
    assert phases == ["welcome", "tell", "ask", "analyse", "actions", "close"]
    assert any(i.lead == "visitors" and i.phase == "analyse" for i in FIVE_STAGE.items)
    for template in (FOUR_PART, FIVE_STAGE, SHORT_90):
        tell = sum(i.minutes for i in template.items if i.phase == "tell" and i.lead == "host")
        assert tell / template.total_minutes <= 0.25, template.key


def test_logistics_checklist_fits_the_mode() -> None:
    """In person needs a room and sticky notes; online needs the board link; hybrid both."""
    keys = {mode: [i.key for i in logistics_checklist(mode)] for mode in PeerAssist.Mode.values}
    assert "materials" in keys["in_person"] and "board_link" not in keys["in_person"]
    assert "board_link" in keys["online"] and "space" not in keys["online"]
    assert {"space", "materials", "board_link"} <= set(keys["hybrid"])
    for mode_keys in keys.values():
        assert {"facilitator", "note_taker"} <= set(mode_keys)


def test_a_refusing_mail_server_leaves_invitations_queued_for_the_retry(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The planner's request never waits on the mail server: when it refuses, everybody is
    still invited and the plan moves on, but nothing is marked e-mailed; the periodic retry
    sends each invitation once the server is back, and running it again sends nothing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(assist=cast.assist, by_user=cast.host)
    invited = Participant.objects.filter(assist=cast.assist)
    assert set(invited.values_list("rsvp", flat=True)) == {"pending"}
    assert set(invited.values_list("invitation_sent_at", flat=True)) == {None}
    cast.assist.refresh_from_db()
    assert cast.assist.status == Status.INVITED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders", "--now", stdout=StringIO())
    assert mail.outbox == []  # not retried while the first attempt may still be under way
    invited.update(invited_at=F("invited_at") - RETRY_AFTER)
    call_command("send_reminders", "--now", stdout=StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.facilitator.email, cast.guest.email]
    )
    call_command("send_reminders", "--now", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_an_invitation_is_e_mailed_once_however_often_its_delivery_runs(cast: Cast) -> None:
    """Two workers (or a retry) delivering the same invitation send one e-mail; a visitor
    whose invitation was withdrawn before it left gets none."""
    invitations_send(assist=cast.assist, by_user=cast.host)  # queued for a commit that never
    # comes in this test: the deliveries below are run by hand
    guest_participant = cast.guest.participant
    facilitator = Participant.objects.get(assist=cast.assist, user=cast.facilitator)
    invitation_revoke(assist=cast.assist, participant_id=guest_participant.pk)
    ids = [facilitator.pk, guest_participant.pk]
    assert invitations_deliver.call(ids) == 1
    assert invitations_deliver.call(ids) == 0
    assert [m.to for m in mail.outbox] == [[cast.facilitator.email]]


def test_invitations_need_a_date_and_a_session_not_yet_live(cast: Cast) -> None:
    PeerAssist.objects.filter(pk=cast.assist.pk).update(date=None)
    cast.assist.refresh_from_db()
    with pytest.raises(Invalid, match="Set the date"):
        invitations_send(assist=cast.assist, by_user=cast.host)
    assert mail.outbox == []


def test_removing_a_visitor_voids_their_link(cast: Cast) -> None:
    """A removed visitor's guest record is revoked, so their link stops working."""
    guest = cast.guest
    participant_remove(assist=cast.assist, participant_id=guest.participant.pk)
    guest.refresh_from_db()
    assert guest.revoked_at is not None
    assert not Participant.objects.filter(guest=guest).exists()


def test_someone_who_wrote_notes_cannot_be_removed(cast: Cast) -> None:
    """Removing a participant with notes is refused: their notes keep their author."""
    participant = cast.guest.participant
    NoteFactory(assist=cast.assist, author=participant)
    with pytest.raises(Conflict, match="Revoke their invitation instead"):
        participant_remove(assist=cast.assist, participant_id=participant.pk)


def test_guests_of_a_peer_assist_land_on_their_invitation(cast: Cast) -> None:
    assert guest_landing_url(cast.guest) == f"/assists/{cast.assist.pk}/invitation/"


def test_agenda_template_replaces_the_agenda(cast: Cast) -> None:
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    agenda_apply_template(assist=cast.assist, template_key="short_90")
    assert sum(cast.assist.agenda_items.values_list("minutes", flat=True)) == 90


@pytest.mark.django_db
def test_demo_data_plans_the_hat_peer_assist_once() -> None:
    """The demo has a planned, invited HAT peer assist with its people, agenda, logistics and
    a briefing paper; loading twice changes nothing."""
    from peerassist.accounts import demo as accounts_demo
    from peerassist.assists.planning import demo
    from peerassist.projects import demo as projects_demo

    accounts_demo.load()
    projects_demo.load()
    first = demo.load_planned_hat_assist()
    demo.load()
    assert first is not None
    first.refresh_from_db()
    assert PeerAssist.objects.filter(title=demo.PLANNED_TITLE).count() == 1
    assert first.status == Status.INVITED
    roles = {(p.user.email if p.user else "guest", p.role) for p in first.participants.all()}
    assert ("facilitator@northmoor.example", "facilitator") in roles
    assert ("host.lead@northmoor.example", "host_lead") in roles
    assert ("note.taker@northmoor.example", "note_taker") in roles
    visitors = first.participants.filter(role="visitor", guest__isnull=False)
    assert 4 <= visitors.count() <= 5
    assert {g.scope_id for g in [v.guest for v in visitors]} == {first.pk}
    assert first.agenda_items.count() == len(FOUR_PART.items)
    assert first.attachments.count() == 1
    assert first.logistics["ticks"]["facilitator"] is True
    assert first.bar is not None and first.bar.learning_needs.count() == 4
