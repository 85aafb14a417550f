"""Walk-in speakers: somebody who turned up on the day, added by the note taker from the board.

A walk-in is a participant so that notes can be attributed to them (``spoken_by``), but they
never sign in: the guest record behind them has no e-mail address and is closed from the
start (``revoked_at`` set), so no link can ever admit anybody as them. The facilitator can
invite them properly later from the people page.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Guest
from peerassist.assists.access import GUEST_SCOPE
from peerassist.assists.live import events
from peerassist.assists.live.selectors import participant_wire
from peerassist.assists.models import Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import ensure_board_open, ensure_participant
from peerassist.assists.versions import version_take
from peerassist.core.errors import Conflict, Forbidden, Invalid

Role = Participant.Role
# People from outside with no account: the roles a person who walks in can hold.
WALK_IN_ROLES = {
    Role.VISITOR: "Visitor",
    Role.SPONSOR: "Sponsor",
    Role.OBSERVER: "Observer",
}


@transaction.atomic
def participant_add_walk_in(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    name: object,
    organisation_name: object = "",
    role: object = Role.VISITOR,
) -> Participant:
    """Add a speaker on the spot (note taker or facilitator), pushed to every board.

    Refused once the board is closed; a second walk-in with the same name is a 409 so that a
    double submit does not make two people.
    """
    assist.refresh_from_db(from_queryset=PeerAssist.objects.select_for_update())
    participant = ensure_participant(participant_of(actor, assist))
    if participant.role not in {Role.NOTE_TAKER, Role.FACILITATOR}:
        raise Forbidden(
            "Only the note taker and the facilitator can add a speaker from the board.",
            code="not_note_taker",
        )
    ensure_board_open(assist)
    clean_name = " ".join(name.split()) if isinstance(name, str) else ""
    if not clean_name:
        raise Invalid("Give the speaker's name.", code="name_required")
    if len(clean_name) > 150:
        raise Invalid("A name can be at most 150 characters.", code="too_long")
    organisation = " ".join(organisation_name.split()) if isinstance(organisation_name, str) else ""
    if len(organisation) > 200:
        raise Invalid("An organisation can be at most 200 characters.", code="too_long")
    if role not in WALK_IN_ROLES:
        raise Invalid("Choose the speaker's role: visitor, sponsor or observer.", code="bad_role")
    if Participant.objects.filter(assist=assist, display_name__iexact=clean_name).exists():
        raise Conflict(
            f"{clean_name} is already on this peer assist's list: choose them as the speaker.",
            code="duplicate",
        )
    now = timezone.now()
    guest = Guest.objects.create(
        organisation_id=assist.organisation_id,
        name=clean_name,
        email="",
        home_organisation=organisation,
        scope_kind=GUEST_SCOPE,
        scope_id=assist.pk,
        expires_at=now + timedelta(days=settings.GUEST_INVITATION_MAX_AGE_DAYS),
        revoked_at=now,
    )
    walk_in = Participant.objects.create(
        assist=assist,
        guest=guest,
        role=str(role),
        display_name=clean_name,
        organisation_name=organisation,
        rsvp=Participant.Rsvp.ACCEPTED,
    )
    version = version_take(assist)
    person = participant_wire(walk_in)
    assert person is not None
    events.emit(
        assist.pk,
        events.ParticipantAdded(version=version, participant=events.Person(**person)),
        private_writing=assist.private_writing,
    )
    return walk_in
