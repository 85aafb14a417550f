"""Joining from a phone in the room: a short code, a waiting list, and the facilitator's say.

The facilitator shows a join code (and its QR code) on the wall and the board. Somebody in
the room types it at ``/join/`` with their name, organisation and role and agrees to the
privacy notice; that makes a ``JoinRequest``. In "admit everyone" mode a visitor is let in
at once; otherwise (and always for somebody who says they are on the host team, since the
host team analyses the notes) the request waits on the facilitator's board until they admit
or refuse it. Admitting makes a guest of this peer assist only (``accounts`` guests, with no
e-mail address) and a participant.

Codes are 8 characters from 31 that cannot be confused (about 40 bits), shown as
``ABCD-EFGH``; every attempt is counted per IP address and per code (``JoinThrottle``), so
guessing one is hopeless. A code stops working when it is rotated, after
``CODE_LIFETIME``, and as soon as the peer assist leaves the phases people join in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.services import guest_admit_in_person
from peerassist.assists.access import GUEST_SCOPE
from peerassist.assists.lifecycle import BOARD_OPEN
from peerassist.assists.live import events
from peerassist.assists.models import (
    Attendance,
    JoinAdmission,
    JoinCode,
    JoinRequest,
    JoinThrottle,
    Participant,
    PeerAssist,
    Phase,
)
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import ensure_facilitator
from peerassist.assists.versions import version_take
from peerassist.core.errors import DomainError, Invalid, NotFound

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=12)
JOIN_PHASES = {Phase.WELCOME, Phase.TELL, Phase.ASK}
THROTTLE_WINDOW = timedelta(minutes=10)
IP_LIMIT = 20  # attempts per address per window: a whole room behind one NAT still fits
CODE_LIMIT = 60  # attempts per code per window: a full room, with retries
NAME_MAX = 150
ORGANISATION_MAX = 200
EMAIL_MAX = 254


class TooManyAttempts(DomainError):
    """Too many join attempts from one address or at one code (sent as 429)."""

    status = 429
    code = "too_many_attempts"


# --- codes ------------------------------------------------------------------------------------


def code_display(code: str) -> str:
    """``ABCDEFGH`` as people read it: ``ABCD-EFGH``."""
    return f"{code[:4]}-{code[4:]}"


def code_normalise(typed: object) -> str:
    """What somebody typed, as stored: capitals, without spaces or dashes."""
    if not isinstance(typed, str):
        return ""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:40]


def join_closed_reason(assist: PeerAssist) -> str | None:
    """Why nobody can join this peer assist by code now, or None if they can."""
    if assist.status not in BOARD_OPEN:
        return "This peer assist has ended, so its join code no longer works."
    if assist.phase not in JOIN_PHASES:
        return (
            "This peer assist is past the point where people join: its join code no longer "
            "works. Ask the facilitator if you should still take part."
        )
    return None


def join_code_current(assist: PeerAssist) -> JoinCode | None:
    """The code people can use now, if any (none once joining has closed)."""
    if join_closed_reason(assist) is not None:
        return None
    return (
        JoinCode.objects.filter(
            assist=assist, replaced_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-id")
        .first()
    )


def join_code_find(typed: object) -> JoinCode:
    """The live code somebody typed, or NotFound with what they can do about it."""
    code = code_normalise(typed)
    if not code:
        raise Invalid("Enter the join code shown on the screen in the room.", code="code_required")
    found = (
        JoinCode.objects.select_related("assist", "assist__organisation").filter(code=code).first()
    )
    if found is None:
        raise NotFound(
            "That join code is not right. Check it against the code on the screen in the "
            "room (letters and numbers, like ABCD-EFGH) and try again.",
            code="join_code_wrong",
        )
    if found.replaced_at is not None:
        raise NotFound(
            "That join code has been replaced by a new one. Type the code on the screen now.",
            code="join_code_rotated",
        )
    closed = join_closed_reason(found.assist)
    if closed is not None:
        raise NotFound(closed, code="join_closed")
    if found.expires_at <= timezone.now():
        raise NotFound(
            "That join code has expired. Ask the facilitator to show a new one.",
            code="join_code_expired",
        )
    return found


def new_join_code() -> str:
    """A code no peer assist has used."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not JoinCode.objects.filter(code=code).exists():
            return code


def _locked(assist: PeerAssist) -> PeerAssist:
    assist.refresh_from_db(from_queryset=PeerAssist.objects.select_for_update())
    return assist


def _emit_join_changed(assist: PeerAssist) -> None:
    """Tell every board and wall that the join code or the waiting list changed.

    The event carries only the number waiting: names reach the facilitator alone, through
    ``GET .../joins``; the wall fetches its new code over HTTP.
    """
    version = version_take(assist)
    waiting = JoinRequest.objects.filter(assist=assist, state=JoinRequest.State.WAITING).count()
    events.emit(assist.pk, events.JoinChanged(version=version, waiting=waiting))


@transaction.atomic
def join_code_rotate(*, actor: Actor | None, assist: PeerAssist) -> JoinCode:
    """A new code for the room; the one before stops working at once. Facilitator only."""
    assist = _locked(assist)
    ensure_facilitator(participant_of(actor, assist))
    closed = join_closed_reason(assist)
    if closed is not None:
        raise Invalid("People can join by code only in Welcome, Tell and Ask.", code="join_closed")
    now = timezone.now()
    JoinCode.objects.filter(assist=assist, replaced_at__isnull=True).update(replaced_at=now)
    code = JoinCode.objects.create(
        assist=assist, code=new_join_code(), expires_at=now + CODE_LIFETIME
    )
    _emit_join_changed(assist)
    return code


@transaction.atomic
def join_admission_set(*, actor: Actor | None, assist: PeerAssist, admission: object) -> PeerAssist:
    """Admit everyone with the code, or each person by hand. Facilitator only."""
    assist = _locked(assist)
    ensure_facilitator(participant_of(actor, assist))
    if admission not in JoinAdmission.values:
        raise Invalid(
            "Choose “everyone” (admit everyone with the code) or “by_hand”.",
            code="invalid_admission",
        )
    assist.join_admission = str(admission)
    assist.save(update_fields=["join_admission", "updated_at"])
    _emit_join_changed(assist)
    return assist


# --- throttling ------------------------------------------------------------------------------


def join_throttle_hit(key: str, limit: int) -> None:
    """Count one attempt for ``key``; TooManyAttempts once the window's limit is passed.

    Its own transaction, committed before anything else is checked (the join page runs
    outside a transaction), so that a refused attempt still counts: the caller's later
    error must not roll the count back.
    """
    now = timezone.now()
    with transaction.atomic():
        row, _ = JoinThrottle.objects.select_for_update().get_or_create(
            key=key[:200], defaults={"window_started_at": now, "count": 0}
        )
        if row.window_started_at <= now - THROTTLE_WINDOW:
            row.window_started_at = now
            row.count = 0
        row.count += 1
        row.save(update_fields=["window_started_at", "count"])
        JoinThrottle.objects.filter(window_started_at__lt=now - timedelta(days=1)).delete()
    if row.count > limit:
        wait = max(1, int((row.window_started_at + THROTTLE_WINDOW - now).total_seconds() // 60))
        raise TooManyAttempts(
            f"Too many tries at joining. Wait {wait} minute{'s' if wait != 1 else ''} and try "
            "again, or ask the facilitator to add you.",
        )


def join_code_lookup(*, typed: object, client_ip: str) -> JoinCode:
    """``join_code_find``, counted against the address (the join page's code check)."""
    join_throttle_hit(f"ip:{client_ip}", IP_LIMIT)
    return join_code_find(typed)


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinDetails:
    """What the join form asks."""

    code: str
    name: str
    organisation_name: str
    role: str
    attendance: str
    consent: bool
    # Optional: the address the action list and report are e-mailed to when the host team
    # shares them back, as for invited visitors.
    email: str = ""


def _clean_details(details: JoinDetails) -> dict[str, Any]:
    name = " ".join(details.name.split())
    organisation = " ".join(details.organisation_name.split())
    if not name:
        raise Invalid("Give your name, as the others in the room know you.", code="name_required")
    if len(name) > NAME_MAX:
        raise Invalid(f"Keep your name to {NAME_MAX} characters or fewer.", code="name_too_long")
    if not organisation:
        raise Invalid("Give the organisation you work for.", code="organisation_required")
    if len(organisation) > ORGANISATION_MAX:
        raise Invalid(
            f"Keep the organisation to {ORGANISATION_MAX} characters or fewer.",
            code="organisation_too_long",
        )
    if details.role not in JoinRequest.JoinRole.values:
        raise Invalid("Say whether you are a visitor or on the host team.", code="role_required")
    if details.attendance not in Attendance.values:
        raise Invalid("Say whether you are in the room or online.", code="attendance_required")
    email = details.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(
                "Enter your e-mail address like name@example.org, or leave it empty.",
                code="bad_email",
            ) from None
        if len(email) > EMAIL_MAX:
            raise Invalid(
                f"Keep the e-mail address to {EMAIL_MAX} characters or fewer.", code="bad_email"
            )
    if not details.consent:
        raise Invalid(
            "Tick the box to agree that your name and notes are recorded, or close this page "
            "if you do not want to take part.",
            code="consent_required",
        )
    return {
        "name": name,
        "organisation_name": organisation,
        "role": details.role,
        "attendance": details.attendance,
        "email": email,
    }


def join_request_create(
    *, details: JoinDetails, client_ip: str, earlier_request_id: object = None
) -> JoinRequest:
    """Ask to join with a code: admitted at once, or waiting for the facilitator.

    Every attempt counts against the address first and then against the code, before
    anything else is checked; a refused attempt saves nothing but that count. A retry from
    the same browser (``earlier_request_id``, kept in its session) for the same peer assist
    and person returns the earlier request, unless it was refused.
    """
    join_throttle_hit(f"ip:{client_ip}", IP_LIMIT)
    join_code = join_code_find(details.code)
    join_throttle_hit(f"code:{join_code.pk}", CODE_LIMIT)
    values = _clean_details(details)
    earlier = (
        JoinRequest.objects.filter(
            pk=earlier_request_id,
            assist_id=join_code.assist_id,
            name=values["name"],
            organisation_name=values["organisation_name"],
        )
        .exclude(state=JoinRequest.State.REFUSED)
        .first()
        if isinstance(earlier_request_id, int) and not isinstance(earlier_request_id, bool)
        else None
    )
    if earlier is not None:
        return earlier
    return _join_request_save(join_code=join_code, values=values)


@transaction.atomic
def _join_request_save(*, join_code: JoinCode, values: dict[str, Any]) -> JoinRequest:
    assist = _locked(join_code.assist)
    # Checked again under the lock: the facilitator may have rotated or moved on meanwhile.
    join_code = join_code_find(join_code.code)
    request = JoinRequest.objects.create(
        assist=assist,
        join_code=join_code,
        name=values["name"],
        organisation_name=values["organisation_name"],
        role=values["role"],
        attendance=values["attendance"],
        email=values["email"],
        consent_given_at=timezone.now(),
    )
    if (
        assist.join_admission == JoinAdmission.EVERYONE
        and values["role"] == JoinRequest.JoinRole.VISITOR
    ):
        _admit(assist, request)
    _emit_join_changed(assist)
    return request


def _admit(assist: PeerAssist, request: JoinRequest) -> Participant:
    guest = guest_admit_in_person(
        organisation=assist.organisation,
        name=request.name,
        home_organisation=request.organisation_name,
        email=request.email,
        scope_kind=GUEST_SCOPE,
        scope_id=assist.pk,
    )
    role = (
        Participant.Role.HOST_MEMBER
        if request.role == JoinRequest.JoinRole.HOST_TEAM
        else Participant.Role.VISITOR
    )
    participant = Participant.objects.create(
        assist=assist,
        guest=guest,
        role=role,
        display_name=request.name,
        organisation_name=request.organisation_name,
        rsvp=Participant.Rsvp.ACCEPTED,
        attendance=request.attendance,
    )
    request.state = JoinRequest.State.ADMITTED
    request.participant = participant
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "participant", "decided_at", "updated_at"])
    return participant


@transaction.atomic
def join_request_decide(
    *, actor: Actor | None, assist: PeerAssist, request_id: object, admit: object
) -> JoinRequest:
    """The facilitator admits or refuses somebody waiting. Deciding twice changes nothing."""
    assist = _locked(assist)
    ensure_facilitator(participant_of(actor, assist))
    if not isinstance(admit, bool):
        raise Invalid("Say whether to admit (true) or refuse (false).", code="invalid")
    request = (
        JoinRequest.objects.select_for_update().filter(assist=assist, pk=request_id).first()
        if isinstance(request_id, int) and not isinstance(request_id, bool)
        else None
    )
    if request is None:
        raise NotFound("Nobody with that request is waiting to join this peer assist.")
    if request.state != JoinRequest.State.WAITING:
        return request
    if admit:
        _admit(assist, request)
    else:
        request.state = JoinRequest.State.REFUSED
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at", "updated_at"])
    _emit_join_changed(assist)
    return request


def join_waiting(assist: PeerAssist) -> list[JoinRequest]:
    """People waiting for the facilitator, first come first."""
    return list(JoinRequest.objects.filter(assist=assist, state=JoinRequest.State.WAITING))
