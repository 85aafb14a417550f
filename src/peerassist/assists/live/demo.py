"""Demo data: a HAT peer assist ready to run live today, so a newcomer can try the board.

Sign in as the facilitator in one browser window and as the host lead (or the visiting
council lead) in another, open the live board, and move through the phases. Idempotent:
the natural key is the project and the title.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from peerassist.accounts.demo import TRUST, demo_org, demo_user
from peerassist.accounts.services import guest_invite
from peerassist.assists.access import GUEST_SCOPE
from peerassist.assists.live.join import CODE_LIFETIME, new_join_code
from peerassist.assists.models import (
    AgendaItem,
    Attendance,
    JoinCode,
    Note,
    Participant,
    PeerAssist,
    Phase,
    Status,
)
from peerassist.projects.demo import HAT_TITLE
from peerassist.projects.models import BeforeActionReview, Project

LIVE_TITLE = "HAT peer assist: live board practice session"

AGENDA = [
    (Phase.WELCOME, "Welcome, aims and ground rules", AgendaItem.Lead.FACILITATOR, 10),
    (Phase.TELL, "The HAT project and our learning needs", AgendaItem.Lead.HOST, 15),
    (Phase.ASK, "Questions and experience from the visitors", AgendaItem.Lead.VISITORS, 40),
    (Phase.ANALYSE, "Host team makes sense of the notes", AgendaItem.Lead.HOST, 25),
    (Phase.ACTIONS, "What we will do differently", AgendaItem.Lead.HOST, 15),
    (Phase.CLOSE, "Take-aways and thanks", AgendaItem.Lead.FACILITATOR, 10),
]

COLLEAGUES = [
    ("facilitator@northmoor.example", Participant.Role.FACILITATOR),
    ("host.lead@northmoor.example", Participant.Role.HOST_LEAD),
    ("host.member@northmoor.example", Participant.Role.HOST_MEMBER),
    ("note.taker@northmoor.example", Participant.Role.NOTE_TAKER),
]

# A visitor with a demo login (from another organisation), and two invited guests.
VISITOR_USER = ("lead@eastbridge.example", "Eastbridge City Council")
VISITOR_GUESTS = [
    (
        "Dr Amara Nwosu",
        "amara.nwosu@riverside.example",
        "Riverside Health NHS Trust",
        "Consultant nurse, addiction services",
    ),
    (
        "Tom Brennan",
        "tom.brennan@westvale.example",
        "Westvale Community Trust",
        "Community matron",
    ),
]

FIRST_NOTE = (
    "We ring-fenced two half-days a week per nurse in the rota before the pilot began; "
    "without that, HAT sessions were the first thing to slip."
)


def load() -> None:
    trust = demo_org(TRUST[0])
    project = Project.objects.filter(organisation=trust, title=HAT_TITLE).first()
    if project is None or PeerAssist.objects.filter(project=project, title=LIVE_TITLE).exists():
        return
    bar = BeforeActionReview.objects.filter(project=project).order_by("id").first()
    assist = PeerAssist.objects.create(
        organisation=trust,
        project=project,
        bar=bar,
        title=LIVE_TITLE,
        purpose="Practise running a peer assist on the live board, with the HAT learning needs "
        "as the columns.",
        date=timezone.localdate(),
        status=Status.SCHEDULED,
        mode=PeerAssist.Mode.HYBRID,
        venue="Learning Centre, Room 2, Northmoor Community Hospital",
        video_link="https://meet.northmoor.example/hat-practice",
        created_by=demo_user("host.lead@northmoor.example"),
    )
    for order, (phase, title, lead, minutes) in enumerate(AGENDA):
        AgendaItem.objects.create(
            assist=assist, order=order, phase=phase, title=title, lead=lead, minutes=minutes
        )
    people = {}
    for email, role in COLLEAGUES:
        user = demo_user(email)
        people[role] = Participant.objects.create(
            assist=assist,
            user=user,
            role=role,
            display_name=user.full_name,
            organisation_name=trust.name,
            job_title=user.job_title,
            rsvp=Participant.Rsvp.ACCEPTED,
            attendance=Attendance.IN_ROOM,
        )
    visitor = demo_user(VISITOR_USER[0])
    Participant.objects.create(
        assist=assist,
        user=visitor,
        role=Participant.Role.VISITOR,
        display_name=visitor.full_name,
        organisation_name=VISITOR_USER[1],
        job_title=visitor.job_title,
        rsvp=Participant.Rsvp.ACCEPTED,
        attendance=Attendance.IN_ROOM,
    )
    now = timezone.now()
    speaker: Participant | None = None
    for name, email, org_name, job in VISITOR_GUESTS:
        guest = guest_invite(
            organisation=trust,
            name=name,
            email=email,
            scope_kind=GUEST_SCOPE,
            scope_id=assist.pk,
            home_organisation=org_name,
            job_title=job,
        )
        guest.accepted_at = guest.consent_given_at = now
        guest.save(update_fields=["accepted_at", "consent_given_at"])
        participant = Participant.objects.create(
            assist=assist,
            guest=guest,
            role=Participant.Role.VISITOR,
            display_name=name,
            organisation_name=org_name,
            job_title=job,
            rsvp=Participant.Rsvp.ACCEPTED,
            attendance=Attendance.ONLINE if email.startswith("tom.") else Attendance.IN_ROOM,
        )
        if email.startswith("tom."):
            speaker = participant
    # One note already on the board, taken by the note taker for a visitor, so the board
    # shows a card and the "confirm" flow from the start.
    need = project.learning_needs.order_by("order", "id").first()
    assist.version = 1
    assist.save(update_fields=["version"])
    Note.objects.create(
        assist=assist,
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"peerassist-demo-live-{assist.pk}"),
        text=FIRST_NOTE,
        kind=Note.Kind.TIP,
        learning_need=need,
        author=people[Participant.Role.NOTE_TAKER],
        captured_by=people[Participant.Role.NOTE_TAKER],
        spoken_by=speaker,
        version=1,
    )
    # A join code on the wall and the board, so people in the room can join from a phone;
    # the facilitator admits each by hand (their board's "Join from a phone" panel).
    JoinCode.objects.create(
        assist=assist, code=new_join_code(), expires_at=timezone.now() + CODE_LIFETIME
    )
