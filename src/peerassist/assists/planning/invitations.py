"""Invitations to a peer assist: e-mails with a signed link and an ``.ics`` calendar invite.

Guests get their own signed, expiring link (``/accounts/guest/<token>/``); colleagues with
accounts get a link to the peer assist's page. Sending marks people invited and moves the
plan from planning to "invitations sent"; the e-mails themselves go from the task worker
once that transaction commits (ADR 0008), so a slow or refusing mail server never holds up
the planner's request. ``Participant.invitation_sent_at`` records when the mail server took
the latest one; an invitation still waiting after a while (worker stopped, mail server
down) is queued again by ``peerassist send_reminders``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from icalendar import Calendar, Event, vCalAddress, vText

from peerassist.accounts.models import User
from peerassist.accounts.services import guest_renew, guest_revoke, guest_token
from peerassist.assists.access import assist_outsider
from peerassist.assists.lifecycle import assist_status_set
from peerassist.assists.models import Participant, PeerAssist, Status
from peerassist.assists.planning.services import participant_get
from peerassist.core.disconnect import disconnect_person_on_commit
from peerassist.core.errors import Conflict, Invalid
from peerassist.core.export_text import export_text

log = logging.getLogger(__name__)

INVITABLE_STATUSES = {Status.DRAFT, Status.PLANNING, Status.INVITED, Status.SCHEDULED}
# How long an invitation may wait for the worker before the periodic command queues it again.
RETRY_AFTER = timedelta(minutes=15)


def invitation_link(participant: Participant) -> str:
    """The link in the e-mail: a guest's signed entry link, or the page for a colleague."""
    if participant.guest is not None:
        path = reverse("accounts:guest_enter", args=[guest_token(participant.guest)])
    else:
        path = reverse("assists:detail", args=[participant.assist_id])
    return f"{settings.SITE_URL}{path}"


def participant_email(participant: Participant) -> str:
    if participant.guest is not None:
        return participant.guest.email
    assert participant.user is not None
    return participant.user.email


_PEER_ASSIST_PREFIX = re.compile(r"^\s*peer[\s-]*assist\s*(?:[:\-–—|]\s*|$)", re.IGNORECASE)


def assist_subject_title(assist: PeerAssist) -> str:
    """The title without a leading "Peer assist:", which the new-plan form suggests and the
    e-mail subject and calendar entry already say ("Peer assist: Peer assist: …")."""
    return _PEER_ASSIST_PREFIX.sub("", assist.title, count=1).strip()


def assist_ics(assist: PeerAssist, participant: Participant | None = None) -> bytes:
    """An iCalendar (RFC 5545) request for the session; times are local to the organisation."""
    calendar = Calendar()
    calendar.add("prodid", "-//Peer Assist//peerassist//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"peer-assist-{assist.pk}@{_host()}")
    name = assist_subject_title(assist)
    event.add("summary", export_text(f"Peer assist: {name}" if name else "Peer assist"))
    event.add("dtstamp", timezone.now())
    start, end = _span(assist)
    if start is not None and end is not None:
        event.add("dtstart", start)
        event.add("dtend", end)
    location = assist.venue or assist.video_link
    if location:
        event["location"] = vText(export_text(location))
    description = assist.purpose or ""
    if assist.video_link:
        # The venue stays the location (people in the room go there); the call is the URL.
        event.add("url", assist.video_link)
        description = (
            f"{description}\n\nVideo call for people taking part online: "
            f"{assist.video_link}".strip()
        )
    if participant is not None:
        description = f"{description}\n\nYour invitation: {invitation_link(participant)}".strip()
    event.add("description", export_text(description))
    event.add("sequence", assist.status_changes.count())
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText(assist.organisation.name)
    event["organizer"] = organizer
    if participant is not None:
        attendee = vCalAddress(f"mailto:{participant_email(participant)}")
        attendee.params["cn"] = vText(export_text(participant.display_name))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


def _span(assist: PeerAssist) -> tuple[datetime | None, datetime | None]:
    if assist.date is None:
        return None, None
    zone = timezone.get_default_timezone()
    if assist.starts_at is None:
        start = datetime.combine(assist.date, datetime.min.time().replace(hour=9), tzinfo=zone)
    else:
        start = datetime.combine(assist.date, assist.starts_at, tzinfo=zone)
    if assist.ends_at is not None:
        end = datetime.combine(assist.date, assist.ends_at, tzinfo=zone)
    else:
        minutes = sum(i.minutes for i in assist.agenda_items.all()) or 180
        end = start + timedelta(minutes=minutes)
    return start, end


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "peerassist.local"


def _from_address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.split("<", 1)[-1].rstrip(">").strip() if "<" in sender else sender


def _subject(assist: PeerAssist) -> str:
    name = assist_subject_title(assist)
    return (f"Invitation to a peer assist: {name}" if name else "Invitation to a peer assist")[:200]


def invitation_message(participant: Participant) -> EmailMultiAlternatives:
    assist = participant.assist
    context = {
        "assist": assist,
        "participant": participant,
        "link": invitation_link(participant),
        "is_guest": participant.guest is not None,
        "is_outsider": participant.user is not None and assist_outsider(participant.user, assist),
        "expires_at": participant.guest.expires_at if participant.guest else None,
        "agenda": list(assist.agenda_items.all()),
    }
    message = EmailMultiAlternatives(
        subject=_subject(assist),
        body=render_to_string("assists/email/invitation.txt", context),
        to=[participant_email(participant)],
    )
    message.attach(
        f"peer-assist-{assist.pk}.ics",
        assist_ics(assist, participant),
        "text/calendar; method=REQUEST; charset=utf-8",
    )
    return message


def invitation_not_yet_sent() -> Q:
    """Participants whose latest invitation has still to be e-mailed; withdrawn guests never."""
    return (
        Q(invited_at__isnull=False)
        & (Q(invitation_sent_at__isnull=True) | Q(invitation_sent_at__lt=F("invited_at")))
        & (Q(guest__isnull=True) | Q(guest__revoked_at__isnull=True))
        & Q(revoked_at__isnull=True)
    )


def _deliver_on_commit(participant_ids: list[int]) -> None:
    transaction.on_commit(lambda: invitations_deliver.enqueue(participant_ids))


@task()
def invitations_deliver(participant_ids: list[int]) -> int:
    """E-mail each participant whose latest invitation has not gone yet; returns how many went.

    Each e-mail is sent with its participant row locked and marked sent in the same
    transaction, so a second worker or a retry finds nothing left to send. A refused e-mail
    stays due for the next retry; the others still go.
    """
    sent = 0
    for participant_id in participant_ids:
        try:
            with transaction.atomic():
                participant = (
                    Participant.objects.select_for_update(of=("self",))
                    .select_related("user", "guest", "assist__organisation")
                    .filter(invitation_not_yet_sent(), pk=participant_id)
                    .first()
                )
                if participant is None:
                    continue
                invitation_message(participant).send()
                participant.invitation_sent_at = timezone.now()
                participant.save(update_fields=["invitation_sent_at"])
        except OSError:  # smtplib's errors included
            log.warning(
                "Invitation e-mail for participant %s not sent; it stays queued for a retry.",
                participant_id,
                exc_info=True,
            )
            continue
        sent += 1
    return sent


def invitations_waiting(*, older_than: timedelta = RETRY_AFTER) -> list[int]:
    """Participants of peer assists still ahead whose invitation has waited too long for the
    worker: the periodic command queues them again."""
    return list(
        Participant.objects.filter(
            invitation_not_yet_sent(),
            invited_at__lt=timezone.now() - older_than,
            assist__status__in=INVITABLE_STATUSES,
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def invitations_send(*, assist: PeerAssist, by_user: User) -> list[Participant]:
    """Invite everyone not yet invited, move the plan to "invitations sent", and queue the
    e-mails for the worker (sent after commit)."""
    assist = PeerAssist.objects.select_for_update().select_related("organisation").get(pk=assist.pk)
    if assist.status not in INVITABLE_STATUSES:
        raise Conflict(
            "Invitations can be sent only before the session starts.", code="too_late_to_invite"
        )
    if assist.date is None:
        raise Invalid("Set the date before sending invitations.", code="date_required")
    pending = list(
        assist.participants.select_related("user", "guest").filter(
            rsvp=Participant.Rsvp.NOT_INVITED
        )
    )
    if not pending:
        raise Invalid(
            "Everybody on the list has been invited already. Add people, or resend one "
            "person's invitation.",
            code="nobody_to_invite",
        )
    now = timezone.now()
    for participant in pending:
        participant.rsvp = Participant.Rsvp.PENDING
        participant.invited_at = now
        participant.save(update_fields=["rsvp", "invited_at", "updated_at"])
    if assist.status == Status.DRAFT:
        assist = assist_status_set(
            assist=assist, to_status=Status.PLANNING, by_user=by_user, reason="Invitations sent"
        )
    if assist.status == Status.PLANNING:
        assist_status_set(
            assist=assist, to_status=Status.INVITED, by_user=by_user, reason="Invitations sent"
        )
    _deliver_on_commit([p.pk for p in pending])
    return pending


@transaction.atomic
def invitation_resend(*, assist: PeerAssist, participant_id: int) -> Participant:
    """Queue the invitation again (sent after commit); for a guest, a fresh link that voids
    the old one."""
    # Locked, so an earlier e-mail being delivered right now is stamped sent before this one
    # is stamped invited: the new link then goes out too.
    participant = participant_get(assist=assist, participant_id=participant_id, lock=True)
    if participant.guest is not None:
        participant.guest = guest_renew(guest=participant.guest)
    if participant.revoked_at is not None and participant.user is not None:
        # Invited again as herself: every record of hers here opens again, like a new link.
        Participant.objects.filter(assist=assist, user=participant.user).update(
            revoked_at=None, updated_at=timezone.now()
        )
        participant.revoked_at = None
    participant.invited_at = timezone.now()
    if participant.rsvp == Participant.Rsvp.NOT_INVITED:
        participant.rsvp = Participant.Rsvp.PENDING
    participant.save(update_fields=["invited_at", "rsvp", "updated_at"])
    _deliver_on_commit([participant.pk])
    return participant


@transaction.atomic
def invitation_revoke(*, assist: PeerAssist, participant_id: int) -> Participant:
    """Withdraw an invitation: a guest's link and any open session stop working; a person
    from another organisation invited as herself loses this peer assist (every role she
    holds here) and her open sockets on it close. Her notes stay, under her name."""
    participant = participant_get(assist=assist, participant_id=participant_id)
    if participant.guest is not None:
        guest_revoke(guest=participant.guest)
        return participant
    assert participant.user is not None
    if assist_outsider(participant.user, assist):
        now = timezone.now()
        Participant.objects.filter(
            assist=assist, user=participant.user, revoked_at__isnull=True
        ).update(revoked_at=now, updated_at=now)
        disconnect_person_on_commit(user_id=participant.user.pk, assist_id=assist.pk)
        participant.refresh_from_db()
        return participant
    raise Invalid(
        "Colleagues in this organisation have no invitation to revoke; remove them from the "
        "list instead.",
        code="not_a_guest",
    )
