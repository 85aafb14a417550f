"""Writes for planning a peer assist: the plan itself, its participants and its attachments.

Agenda writes are in ``agenda.py``, invitations in ``invitations.py``, the logistics
checklist in ``logistics.py`` (all in this package) and status moves in ``assists/lifecycle.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import Membership, User
from peerassist.accounts.services import guest_accept, guest_invite, guest_revoke
from peerassist.assists.access import GUEST_SCOPE
from peerassist.assists.models import Attachment, Attendance, Participant, PeerAssist, Status
from peerassist.core.disconnect import disconnect_person_on_commit
from peerassist.core.errors import Conflict, Forbidden, Invalid, NotFound
from peerassist.projects.models import BeforeActionReview, Project

Role = Participant.Role
GUEST_ROLES = {Role.FACILITATOR, Role.VISITOR, Role.OBSERVER, Role.SPONSOR}


class TooLarge(Invalid):
    """An upload over ``settings.MAX_UPLOAD_BYTES`` (sent as 413)."""

    status = 413
    code = "too_large"


@dataclass(frozen=True)
class PlanFields:
    """The plan's own fields, as a form or API body gives them."""

    title: str
    purpose: str = ""
    open_decisions: str = ""
    deliverables: str = ""
    ground_rules: str | None = None  # None: keep (or, new, start from the Handbook's)
    mode: str = PeerAssist.Mode.IN_PERSON
    venue: str = ""
    video_link: str = ""
    date: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    bar_id: int | None = None


def _clean_plan(
    fields: PlanFields, *, project: Project, previous_date: date | None
) -> dict[str, Any]:
    title = " ".join(fields.title.split())
    if not title:
        raise Invalid("Give the peer assist a title.", code="title_required")
    if len(title) > 200:
        raise Invalid("Keep the title to 200 characters or fewer.", code="title_too_long")
    if fields.mode not in PeerAssist.Mode.values:
        raise Invalid("Choose in person, online or hybrid.", code="bad_mode")
    video_link = _clean_video_link(fields.video_link)
    changed_date = fields.date is not None and fields.date != previous_date
    if changed_date and fields.date is not None and fields.date < timezone.localdate():
        raise Invalid("The date must be today or in the future.", code="date_in_past")
    if fields.starts_at and fields.ends_at and fields.ends_at <= fields.starts_at:
        raise Invalid("The end time must be after the start time.", code="end_before_start")
    if (fields.starts_at or fields.ends_at) and fields.date is None:
        raise Invalid("Give the date as well as the times.", code="date_required")
    bar = None
    if fields.bar_id is not None:
        bar = BeforeActionReview.objects.filter(pk=fields.bar_id, project=project).first()
        if bar is None:
            raise Invalid("Choose a Before Action Review of this project.", code="bad_bar")
    for name, limit in (
        ("purpose", 5000),
        ("open_decisions", 5000),
        ("deliverables", 5000),
        ("ground_rules", 3000),
    ):
        if len(getattr(fields, name) or "") > limit:
            raise Invalid(
                f"Keep the {name.replace('_', ' ')} to {limit} characters or fewer.",
                code=f"{name}_too_long",
            )
    ground_rules = (
        {} if fields.ground_rules is None else {"ground_rules": fields.ground_rules.strip()}
    )
    return {
        **ground_rules,
        "title": title,
        "purpose": fields.purpose.strip(),
        "open_decisions": fields.open_decisions.strip(),
        "deliverables": fields.deliverables.strip(),
        "mode": fields.mode,
        "venue": fields.venue.strip()[:300],
        "video_link": video_link,
        "date": fields.date,
        "starts_at": fields.starts_at,
        "ends_at": fields.ends_at,
        "bar": bar,
    }


def _clean_video_link(value: str) -> str:
    """An https address or nothing: the link goes into e-mails, calendars and the board, so
    ``javascript:``, ``http:`` and every other scheme are refused with the reason."""
    link = value.strip()
    if not link:
        return ""
    scheme = link.split(":", 1)[0].lower() if ":" in link else ""
    if scheme and scheme != "https":
        raise Invalid(
            f"The video link must be a secure web address starting with https://, like "
            f"https://meet.example.org/abc; a “{scheme[:20]}:” link is not accepted.",
            code="bad_video_link",
        )
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError:
        raise Invalid(
            "Enter the video link as a full web address starting with https://, like "
            "https://meet.example.org/abc.",
            code="bad_video_link",
        ) from None
    return link


def _clean_attendance(attendance: str) -> str:
    if attendance not in {"", *Attendance.values}:
        raise Invalid("Say whether you will be in the room or online.", code="bad_attendance")
    return attendance


@transaction.atomic
def assist_create(
    *, project: Project, by_user: User, fields: PlanFields, planner_facilitates: bool = False
) -> PeerAssist:
    """A new peer assist for the project, in draft; its BAR defaults to the newest one.

    The planner joins its people as host lead, and as facilitator too when they say they
    will facilitate: otherwise they would only watch their own live board, with no controls.
    """
    values = _clean_plan(fields, project=project, previous_date=None)
    if values["bar"] is None:
        values["bar"] = project.bars.order_by("-created_at").first()
    assist = PeerAssist.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        created_by=by_user,
        status=Status.DRAFT,
        **values,
    )
    roles = [Role.HOST_LEAD, Role.FACILITATOR] if planner_facilitates else [Role.HOST_LEAD]
    if Membership.objects.filter(organisation_id=assist.organisation_id, user=by_user).exists():
        for role in roles:
            planner = participant_add_colleague(assist=assist, user_id=by_user.pk, role=role)
            # The planner is not sent an invitation to their own peer assist.
            planner.rsvp = Participant.Rsvp.ACCEPTED
            planner.save(update_fields=["rsvp", "updated_at"])
    return assist


@transaction.atomic
def assist_update(*, assist: PeerAssist, fields: PlanFields) -> PeerAssist:
    assist = PeerAssist.objects.select_for_update().select_related("project").get(pk=assist.pk)
    values = _clean_plan(fields, project=assist.project, previous_date=assist.date)
    for name, value in values.items():
        setattr(assist, name, value)
    assist.save()
    return assist


# --- Participants -------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise Invalid(
            "Choose a role: facilitator, host lead, host member, note taker, sponsor, visitor "
            "or observer.",
            code="bad_role",
        )


@transaction.atomic
def participant_add_colleague(
    *, assist: PeerAssist, user_id: int, role: str, experience: str = ""
) -> Participant:
    """Add a person with an account in the peer assist's organisation."""
    _check_role(role)
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation_id=assist.organisation_id, user_id=user_id, user__is_active=True)
        .first()
    )
    if membership is None:
        raise Invalid(
            "That person is not a colleague in this organisation. Choose someone from the "
            "list, or invite them as an external visitor.",
            code="unknown_participant",
        )
    user = membership.user
    if assist.participants.filter(user=user, role=role).exists():
        raise Conflict(f"{user.full_name} already takes part in that role.", code="duplicate")
    return Participant.objects.create(
        assist=assist,
        user=user,
        role=role,
        display_name=user.full_name or user.email,
        organisation_name=assist.organisation.name,
        job_title=user.job_title,
        experience=experience.strip()[:2000],
    )


@transaction.atomic
def participant_add_guest(
    *,
    assist: PeerAssist,
    name: str,
    email: str,
    role: str = Role.VISITOR,
    organisation_name: str = "",
    job_title: str = "",
    experience: str = "",
) -> Participant:
    """Add an external visitor by e-mail: a guest with no account, admitted by an invitation
    link; or, when the address belongs to somebody with an account here, that person as
    herself (``participant_add_account``), so that following a guest link never signs her
    out of her own account."""
    _check_role(role)
    if role not in GUEST_ROLES:
        raise Invalid(
            "People from outside the organisation can be a facilitator, visitor, sponsor or "
            "observer; host team roles need an account.",
            code="bad_role",
        )
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise Invalid("Give the visitor's name.", code="name_required")
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(
            "Enter the visitor's e-mail address, like name@example.org.", code="bad_email"
        ) from None
    if Participant.objects.filter(assist=assist, guest__email=email).exists():
        raise Conflict("Somebody with that e-mail address is already invited.", code="duplicate")
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        return participant_add_account(
            assist=assist,
            user=user,
            role=role,
            organisation_name=organisation_name,
            job_title=job_title,
            experience=experience,
        )
    guest = guest_invite(
        organisation=assist.organisation,
        name=name[:150],
        email=email,
        scope_kind=GUEST_SCOPE,
        scope_id=assist.pk,
        home_organisation=organisation_name[:200],
        job_title=job_title[:150],
        experience=experience[:2000],
    )
    return Participant.objects.create(
        assist=assist,
        guest=guest,
        role=role,
        display_name=guest.name,
        organisation_name=guest.home_organisation,
        job_title=guest.job_title,
        experience=guest.experience,
    )


@transaction.atomic
def participant_add_account(
    *,
    assist: PeerAssist,
    user: User,
    role: str,
    organisation_name: str = "",
    job_title: str = "",
    experience: str = "",
) -> Participant:
    """Add a person who has an account on this instance, as herself.

    A colleague (a member of the host organisation) is added as one. Somebody from another
    organisation takes part with her own account: no guest link, her invitation on her home
    page, and through ``access_peer_assist`` this peer assist only, while her invitation
    stands. Invited again after it was withdrawn, her earlier record comes back.
    """
    if Membership.objects.filter(organisation_id=assist.organisation_id, user=user).exists():
        return participant_add_colleague(
            assist=assist, user_id=user.pk, role=role, experience=experience
        )
    earlier = Participant.objects.filter(assist=assist, user=user, role=role).first()
    if earlier is not None and earlier.revoked_at is None:
        raise Conflict(f"{user.full_name} already takes part in that role.", code="duplicate")
    home = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("created_at", "id")
        .first()
    )
    values = {
        "display_name": (user.full_name or user.email)[:150],
        "organisation_name": (
            organisation_name.strip() or (home.organisation.name if home else "")
        )[:200],
        "job_title": (job_title.strip() or user.job_title)[:150],
        "experience": experience.strip()[:2000],
    }
    if earlier is not None:
        for name, value in values.items():
            setattr(earlier, name, value)
        earlier.revoked_at = None
        earlier.rsvp = Participant.Rsvp.NOT_INVITED
        earlier.invited_at = None
        earlier.save()
        return earlier
    return Participant.objects.create(assist=assist, user=user, role=role, **values)


def participant_get(
    *, assist: PeerAssist, participant_id: object, lock: bool = False
) -> Participant:
    """One participant of this peer assist; ``lock`` holds the row until the transaction ends."""
    rows = Participant.objects.select_related("user", "guest")
    if lock:
        rows = rows.select_for_update(of=("self",))
    participant = rows.filter(assist=assist, pk=_int(participant_id)).first()
    if participant is None:
        raise NotFound("No such participant in this peer assist.", code="unknown_participant")
    return participant


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


@transaction.atomic
def participant_remove(*, assist: PeerAssist, participant_id: int) -> None:
    """Take a participant off the list; a guest's link stops working at once."""
    participant = participant_get(assist=assist, participant_id=participant_id)
    if participant.notes_authored.exists():
        raise Conflict(
            f"{participant.display_name} has written notes in this peer assist, so they stay "
            "on the list. Revoke their invitation instead.",
            code="has_notes",
        )
    guest, user_id = participant.guest, participant.user_id
    participant.delete()
    if guest is not None:
        guest_revoke(guest=guest)
    elif user_id is not None:
        # Their sockets on this peer assist reconnect, and come back only if they still may.
        disconnect_person_on_commit(user_id=user_id, assist_id=assist.pk)


REPLIES = {Participant.Rsvp.ACCEPTED, Participant.Rsvp.DECLINED, Participant.Rsvp.TENTATIVE}


@transaction.atomic
def participant_rsvp_set(*, participant: Participant, rsvp: str) -> Participant:
    if rsvp not in REPLIES:
        raise Invalid("Answer yes, no or maybe.", code="bad_rsvp")
    participant.rsvp = rsvp
    participant.save(update_fields=["rsvp", "updated_at"])
    return participant


@transaction.atomic
def invitation_reply(
    *, participant: Participant, rsvp: str, consent: bool, attendance: str = ""
) -> Participant:
    """A guest's answer. Coming (or maybe) needs consent to record their notes; no is enough.

    ``attendance`` (in the room or online; empty: not said) is kept when given.
    """
    if rsvp not in REPLIES:
        raise Invalid("Answer yes, no or maybe.", code="bad_rsvp")
    attendance = _clean_attendance(attendance)
    if participant.guest is not None and (rsvp != Participant.Rsvp.DECLINED or consent):
        guest_accept(guest=participant.guest, consent=consent)
    if attendance:
        participant.attendance = attendance
        participant.save(update_fields=["attendance", "updated_at"])
    return participant_rsvp_set(participant=participant, rsvp=rsvp)


@transaction.atomic
def colleague_reply(
    *, assist: PeerAssist, user: User, rsvp: str, attendance: str = ""
) -> Participant:
    """A colleague's answer to their invitation, given once for every role they hold here
    (they come or not as one person); returns their first participant record.

    It goes through the guests' ``invitation_reply``, so both answer by one rule. Answering
    before the invitation is sent is refused: "Send invitations" picks the people still
    "not yet invited", so an early answer would cost the colleague their calendar invite.
    """
    rows = list(
        Participant.objects.select_for_update(of=("self",))
        .select_related("user", "guest")
        .filter(assist=assist, user=user)
        .order_by("id")
    )
    if not rows:
        raise Forbidden(
            "Only the people on this peer assist's list can reply to its invitation. Ask the "
            "host team to add you if you should take part.",
            code="not_a_participant",
        )
    if all(p.rsvp == Participant.Rsvp.NOT_INVITED for p in rows):
        raise Conflict(
            "The host team has not sent your invitation yet. You can reply once it has.",
            code="not_invited_yet",
        )
    for participant in rows:
        invitation_reply(participant=participant, rsvp=rsvp, consent=False, attendance=attendance)
    return rows[0]


# --- Attachments ---------------------------------------------------------------------------

# Extension → (content type, magic bytes or None when the type has none to check).
ALLOWED_UPLOADS: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8"),
    ".jpeg": ("image/jpeg", b"\xff\xd8"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        b"PK",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK"),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}


def upload_limit_message() -> str:
    return (
        f"The file is too big. Upload a file of {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB "
        "or less, or share a link to it in the purpose instead."
    )


@transaction.atomic
def attachment_add(*, assist: PeerAssist, by_user: User, upload: UploadedFile) -> Attachment:
    """Store a briefing-pack file under the data directory, after checking type and size."""
    if upload.size is None or upload.size > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(upload_limit_message())
    if upload.size == 0:
        raise Invalid("The file is empty. Choose the file again.", code="empty_file")
    original = PurePath(upload.name or "file").name[:255]
    extension = PurePath(original).suffix.lower()
    allowed = ALLOWED_UPLOADS.get(extension)
    if allowed is None:
        raise Invalid(
            "That type of file cannot be added. Use PDF, Word, Excel, PowerPoint, "
            "OpenDocument text, plain text, CSV, PNG or JPEG.",
            code="bad_file_type",
        )
    content_type, magic = allowed
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise Invalid(
            f"The file does not look like a {extension[1:].upper()} file. Check it opens, "
            "then try again.",
            code="bad_file_content",
        )
    upload.name = f"{uuid.uuid4().hex}{extension}"
    return Attachment.objects.create(
        assist=assist,
        file=upload,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by_user,
    )


def attachment_get(*, assist: PeerAssist, attachment_id: object) -> Attachment:
    attachment = Attachment.objects.filter(assist=assist, pk=_int(attachment_id)).first()
    if attachment is None:
        raise NotFound("No such file in this briefing pack.")
    return attachment


@transaction.atomic
def attachment_delete(*, assist: PeerAssist, attachment_id: int) -> None:
    attachment = attachment_get(assist=assist, attachment_id=attachment_id)
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored) if stored else None)
