"""What an organisation holds about one person: the sections of a subject access export.

"Held by the organisation" means rows whose tenancy is that organisation: its
memberships, the participations, notes, votes, codes, actions and invitations of its own
peer assists and projects, its lessons, and its audit entries (plus the sign-ins of its own
members, which belong to no organisation). A person who also took part in another
organisation's peer assists is that organisation's to export: nothing under another
organisation is read here, not even the fact that it exists (ADR 0016). The account's own
details (name, e-mail, job title) are included, because the organisation holds them too.

Each section is a list of flat rows (a CSV file each) built by one function, so the task
can report progress section by section. The photos of the board a person took are listed
(with the text read from them) and their image files go into the ZIP beside the rows: a
photo of paper notes can show handwriting and names, so it is theirs to see too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.analysis.models import Action, Determinant, Vote
from peerassist.assists.models import BoardPhoto, Note, Participant
from peerassist.audit.models import AuditEntry
from peerassist.lessons.models import Lesson

Row = dict[str, Any]


@dataclass(frozen=True)
class Subject:
    """The person, and their participant rows in the organisation's peer assists."""

    organisation: Organisation
    user: User | None
    guest: Guest | None

    @property
    def participants(self) -> Any:
        people = Participant.objects.filter(assist__organisation=self.organisation)
        if self.user is not None:
            return people.filter(user=self.user)
        return people.filter(guest=self.guest)


def account(subject: Subject) -> list[Row]:
    if subject.user is not None:
        u = subject.user
        return [
            {
                "kind": "user",
                "id": u.pk,
                "full_name": u.full_name,
                "email": u.email,
                "job_title": u.job_title,
                "active": u.is_active,
                "findable_by_colleagues": u.findable,
                "joined": u.date_joined,
                "last_sign_in": u.last_login,
            }
        ]
    g = subject.guest
    assert g is not None
    return [
        {
            "kind": "guest",
            "id": g.pk,
            "name": g.name,
            "email": g.email,
            "home_organisation": g.home_organisation,
            "job_title": g.job_title,
            "experience": g.experience,
            "findable_by_colleagues": g.findable,
            "consent_given": g.consent_given_at,
            "last_seen": g.last_seen_at,
        }
    ]


def memberships(subject: Subject) -> list[Row]:
    if subject.user is None:
        return []
    rows = Membership.objects.filter(user=subject.user, organisation=subject.organisation)
    return [
        {"organisation": m.organisation.name, "role": m.get_role_display(), "since": m.created_at}
        for m in rows.select_related("organisation")
    ]


def participations(subject: Subject) -> list[Row]:
    return [
        {
            "peer_assist_id": p.assist_id,
            "peer_assist": p.assist.title,
            "date": p.assist.date,
            "role": p.get_role_display(),
            "name_shown": p.display_name,
            "organisation_shown": p.organisation_name,
            "job_title": p.job_title,
            "experience": p.experience,
            "reply": p.get_rsvp_display(),
            "attendance": p.get_attendance_display() if p.attendance else "",
            "take_away": p.takeaway,
        }
        for p in subject.participants.select_related("assist").order_by("assist_id", "id")
    ]


def notes(subject: Subject) -> list[Row]:
    ids = list(subject.participants.values_list("pk", flat=True))
    rows = (
        Note.objects.filter(assist__organisation=subject.organisation)
        .filter(Q(author_id__in=ids) | Q(spoken_by_id__in=ids) | Q(captured_by_id__in=ids))
        .select_related("assist")
        .order_by("created_at", "id")
    )
    found = []
    for note in rows:
        how = [
            word
            for word, pid in (
                ("written", note.author_id),
                ("spoken", note.spoken_by_id),
                ("captured for someone else", note.captured_by_id),
            )
            if pid in ids
        ]
        found.append(
            {
                "note_id": note.pk,
                "peer_assist": note.assist.title,
                "their_part": "; ".join(how),
                "kind": note.get_kind_display(),
                "text": note.text,
                "anonymous_on_the_board": note.anonymous,
                "written": note.created_at,
                "deleted": note.deleted_at,
            }
        )
    return found


def photos_taken(subject: Subject) -> QuerySet[BoardPhoto]:
    """The board photos the person added to the organisation's peer assists."""
    return (
        BoardPhoto.objects.filter(
            assist__organisation=subject.organisation, uploaded_by__in=subject.participants
        )
        .select_related("assist")
        .order_by("created_at", "id")
    )


def photo_file_name(photo: BoardPhoto) -> str:
    """Where the photo's image sits inside the export's ZIP."""
    extension = ".png" if photo.content_type == "image/png" else ".jpg"
    return f"board_photos/photo-{photo.pk}{extension}"


def board_photos(subject: Subject) -> list[Row]:
    return [
        {
            "photo_id": photo.pk,
            "peer_assist": photo.assist.title,
            "caption": photo.caption,
            "file_name_when_added": photo.original_name,
            "added": photo.created_at,
            "width": photo.width,
            "height": photo.height,
            "text_read_from_it": photo.read_text,
            "image_in_this_export": photo_file_name(photo),
        }
        for photo in photos_taken(subject)
    ]


def votes(subject: Subject) -> list[Row]:
    rows = Vote.objects.filter(
        voter__in=subject.participants, assist__organisation=subject.organisation
    ).select_related("theme", "assist")
    return [
        {"peer_assist": v.assist.title, "theme": v.theme.title, "dots": v.dots, "at": v.updated_at}
        for v in rows.order_by("assist_id", "theme_id")
    ]


def cfir_codes(subject: Subject) -> list[Row]:
    """Codes the person made, and codes whose evidence is one of their notes."""
    note_ids = {row["note_id"] for row in notes(subject)}
    made = Q(created_by=subject.user) if subject.user is not None else Q(pk__in=[])
    rows = (
        Determinant.objects.filter(project__organisation=subject.organisation)
        .filter(made | Q(note_id__in=note_ids) | Q(evidence__in=note_ids))
        .distinct()
        .select_related("project")
        .prefetch_related("constructs")
        .order_by("created_at", "id")
    )
    return [
        {
            "code_id": d.pk,
            "project": d.project.title,
            "their_part": "coded it"
            if subject.user is not None and d.created_by_id == subject.user.pk
            else "their note is evidence",
            "valence": d.get_valence_display(),
            "constructs": "; ".join(c.name for c in d.constructs.all()),
            "description": d.description,
            "at": d.created_at,
        }
        for d in rows
    ]


def actions(subject: Subject) -> list[Row]:
    if subject.user is None:
        return []
    user = subject.user
    rows = (
        Action.objects.filter(project__organisation=subject.organisation)
        .filter(Q(owner=user) | Q(created_by=user))
        .select_related("project")
        .order_by("created_at", "id")
    )
    return [
        {
            "action_id": a.pk,
            "project": a.project.title,
            "their_part": "; ".join(
                part
                for part, yes in (
                    ("owner", a.owner_id == user.pk),
                    ("agreed it", a.created_by_id == user.pk),
                )
                if yes
            ),
            "text": a.text,
            "due": a.due_date,
            "status": a.get_status_display(),
        }
        for a in rows
    ]


def lessons(subject: Subject) -> list[Row]:
    if subject.user is None:
        return []
    user = subject.user
    rows = Lesson.objects.filter(organisation=subject.organisation).filter(
        Q(author=user) | Q(reviewed_by=user)
    )
    return [
        {
            "lesson_id": lesson.pk,
            "title": lesson.title,
            "their_part": "author" if lesson.author_id == user.pk else "reviewer",
            "status": lesson.get_status_display(),
            "lesson": lesson.lesson,
            "recommendation": lesson.recommendation,
            "published": lesson.published_at,
        }
        for lesson in rows.order_by("created_at", "id")
    ]


def invitations(subject: Subject) -> list[Row]:
    rows: list[Row] = [
        {
            "peer_assist": p.assist.title,
            "role": p.get_role_display(),
            "invited": p.invited_at,
            "e_mail_sent": p.invitation_sent_at,
            "reply": p.get_rsvp_display(),
        }
        for p in subject.participants.filter(invited_at__isnull=False)
        .select_related("assist")
        .order_by("invited_at", "id")
    ]
    if subject.guest is not None:
        g = subject.guest
        rows.append(
            {
                "peer_assist": f"Invitation link ({g.scope_kind} {g.scope_id})",
                "role": "Guest",
                "invited": g.created_at,
                "e_mail_sent": None,
                "reply": f"accepted {g.accepted_at:%Y-%m-%d}" if g.accepted_at else "",
                "link_expires": g.expires_at,
                "link_revoked": g.revoked_at,
            }
        )
    return rows


def audit_entries(subject: Subject) -> list[Row]:
    """Entries of this organisation by or about the person; for a member, also their
    sign-ins and other entries that belong to no organisation."""
    if subject.user is not None:
        person = Q(actor_user_id=subject.user.pk) | Q(subject_user_id=subject.user.pk)
        is_member = Membership.objects.filter(
            user=subject.user, organisation=subject.organisation
        ).exists()
    else:
        assert subject.guest is not None
        person = Q(actor_guest_id=subject.guest.pk) | Q(subject_guest_id=subject.guest.pk)
        is_member = False
    where = Q(organisation_id=subject.organisation.pk)
    if is_member:
        where |= Q(organisation_id__isnull=True)
    rows = AuditEntry.objects.filter(where & person).order_by("at", "id")
    return [
        {
            "at": e.at,
            "what": e.kind,
            "object": f"{e.object_type} {e.object_id}".strip(),
            "label": e.object_label,
            "by_them": e.actor_user_id == getattr(subject.user, "pk", -1)
            or e.actor_guest_id == getattr(subject.guest, "pk", -1),
            "from": e.get_channel_display(),
            "address": e.ip_address,
            "changes": e.changes,
        }
        for e in rows
    ]


# (file name, title, builder), in the order the task builds them.
SECTIONS: list[tuple[str, str, Callable[[Subject], list[Row]]]] = [
    ("account", "Account", account),
    ("memberships", "Memberships", memberships),
    ("participations", "Peer assists taken part in", participations),
    ("notes", "Notes written or spoken", notes),
    ("board_photos", "Photos of the board", board_photos),
    ("votes", "Votes", votes),
    ("cfir_codes", "CFIR codes", cfir_codes),
    ("actions", "Actions", actions),
    ("lessons", "Lessons", lessons),
    ("invitations", "Invitations", invitations),
    ("audit_entries", "Audit log entries", audit_entries),
]
