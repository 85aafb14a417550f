"""A HAT peer assist in analysis: notes from the visitors, two themes, two barriers, an action.

So a newcomer can try grouping, suggestions, voting and coding at once. Idempotent: every
record is found by a natural key before it is made. All people and notes are fictional.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from peerassist.accounts.demo import TRUST, demo_org, demo_user
from peerassist.accounts.models import Guest
from peerassist.analysis.models import (
    Action,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    Valence,
)
from peerassist.assists.models import Note, Participant, PeerAssist, Phase, Status
from peerassist.projects.demo import HAT_TITLE
from peerassist.projects.models import LearningNeed, Project

TITLE = "HAT peer assist: analysis in progress"
NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4a8e-9a57-1f2b3c4d5e6f")

VISITORS = [
    ("Dr Priya Raman", "priya.raman@eastvale.example", "Eastvale Recovery Service"),
    ("Tom Hughes", "tom.hughes@lakeside.example", "Lakeside Community Trust"),
    ("Grace Adeyemi", "grace.adeyemi@riverbank.example", "Riverbank Addiction Nursing"),
]

# (learning need index, kind, text). Written for the demo; no real patients or staff.
NOTES: list[tuple[int, str, str]] = [
    (0, "tip", "Put HAT sessions in the diary as fixed clinic slots so nobody books over them"),
    (0, "insight", "We moved routine bloods to the healthcare assistants to free two afternoons"),
    (0, "risk", "Whenever we were short staffed the protected time was the first thing to go"),
    (0, "tip", "Get the service manager to agree in writing which tasks nurses can drop"),
    (0, "insight", "Capping caseloads at 25 made real room for recovery conversations"),
    (0, "tip", "Divert the phones and put a sign on the door so sessions are not interrupted"),
    (1, "insight", "The psychiatrists worried nurses were going beyond their competence"),
    (1, "tip", "A one-page scope of practice statement signed by the clinical director helped"),
    (1, "tip", "Invite the consultant to sit in on a session to see what nurses actually do"),
    (1, "risk", "Pharmacy pushed back when nurses started advising on medication"),
    (1, "insight", "A clear route to escalate risk to the consultant settled most worries"),
    (1, "resource", "Our competency framework for extended nursing roles is free to adapt"),
    (2, "insight", "The two-day trauma-informed course changed how nurses talk to clients"),
    (2, "tip", "Shadowing an experienced practitioner was worth more than classroom time"),
    (2, "insight", "It took about three months before nurses felt confident on their own"),
    (2, "tip", "Reflective supervision after the course helped the skills stick"),
    (2, "tip", "Teach the logic model first so people understand why each step matters"),
    (2, "resource", "Trainers with lived experience of addiction made the course real"),
    (3, "risk", "When the pilot money stopped the team lost interest within weeks"),
    (3, "tip", "Share client progress stories at every team meeting to keep momentum"),
    (3, "tip", "Keep the steering group meeting after the pilot to show it still matters"),
    (3, "insight", "Champions in each team kept things going when the leads moved on"),
    (3, "question", "How do you keep buy-in when senior leaders change?"),
    (3, "tip", "Show the whole team the outcome data, not just the managers"),
    (0, "insight", "Without backfill the extra sessions just meant staff working late"),
]


def _note_id(index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"note-{index}")


def load() -> None:
    trust = demo_org(TRUST[0])
    project = Project.objects.filter(organisation=trust, title=HAT_TITLE).first()
    if project is None:
        return
    bar = project.bars.order_by("id").first()
    today = timezone.localdate()
    assist, _ = PeerAssist.objects.get_or_create(
        organisation=trust,
        project=project,
        title=TITLE,
        defaults={
            "bar": bar,
            "purpose": "Learn from three services that already run nurse-led recovery sessions.",
            "date": today - timedelta(days=1),
            "status": Status.ANALYSIS,
            "phase": Phase.ANALYSE,
            "created_by": demo_user("host.lead@northmoor.example"),
        },
    )
    people: dict[str, Participant] = {}
    for email, role in (
        ("facilitator@northmoor.example", Participant.Role.FACILITATOR),
        ("host.lead@northmoor.example", Participant.Role.HOST_LEAD),
        ("host.member@northmoor.example", Participant.Role.HOST_MEMBER),
        ("note.taker@northmoor.example", Participant.Role.NOTE_TAKER),
    ):
        user = demo_user(email)
        people[email], _ = Participant.objects.get_or_create(
            assist=assist,
            user=user,
            role=role,
            defaults={"display_name": user.full_name, "rsvp": Participant.Rsvp.ACCEPTED},
        )
    visitors = []
    for name, email, home in VISITORS:
        guest, _ = Guest.objects.get_or_create(
            organisation=trust,
            scope_kind="peer_assist",
            scope_id=assist.pk,
            email=email,
            defaults={
                "name": name,
                "home_organisation": home,
                "expires_at": timezone.now() + timedelta(days=30),
            },
        )
        participant, _ = Participant.objects.get_or_create(
            assist=assist,
            guest=guest,
            defaults={
                "role": Participant.Role.VISITOR,
                "display_name": name,
                "organisation_name": home,
                "rsvp": Participant.Rsvp.ACCEPTED,
            },
        )
        visitors.append(participant)
    # A visitor with an account elsewhere (the council lead), to try the read-only view.
    council_lead = demo_user("lead@eastbridge.example")
    Participant.objects.get_or_create(
        assist=assist,
        user=council_lead,
        role=Participant.Role.VISITOR,
        defaults={
            "display_name": council_lead.full_name,
            "organisation_name": "Eastbridge City Council",
            "rsvp": Participant.Rsvp.ACCEPTED,
        },
    )
    needs = list(LearningNeed.objects.filter(bar=bar).order_by("order")) if bar else []
    note_taker = people["note.taker@northmoor.example"]
    notes: list[Note] = []
    for index, (need, kind, text) in enumerate(NOTES):
        speaker = visitors[index % len(visitors)]
        note, _ = Note.objects.get_or_create(
            assist=assist,
            client_id=_note_id(index),
            defaults={
                "text": text,
                "kind": kind,
                "learning_need": needs[need] if need < len(needs) else None,
                "author": note_taker,
                "spoken_by": speaker,
                "captured_by": note_taker,
            },
        )
        notes.append(note)

    facilitator = people["facilitator@northmoor.example"]
    time_theme, _ = Theme.objects.get_or_create(
        assist=assist,
        title="Protecting nurses' time",
        defaults={"order": 0, "created_by": facilitator},
    )
    scope_theme, _ = Theme.objects.get_or_create(
        assist=assist,
        title="Agreeing the scope of practice",
        defaults={"order": 1, "created_by": facilitator},
    )
    for order, index in enumerate([0, 1, 2, 3]):
        NotePlacement.objects.get_or_create(
            note=notes[index], defaults={"theme": time_theme, "order": order}
        )
    for order, index in enumerate([6, 7, 8]):
        NotePlacement.objects.get_or_create(
            note=notes[index], defaults={"theme": scope_theme, "order": order}
        )
    AnalysisSettings.objects.get_or_create(assist=assist)

    host_lead = demo_user("host.lead@northmoor.example")
    barrier = Determinant.objects.filter(assist=assist, theme=time_theme).first()
    if barrier is None:
        barrier = Determinant.objects.create(
            project=project,
            assist=assist,
            theme=time_theme,
            valence=Valence.STRONG_BARRIER,
            description="Protected time for HAT sessions is lost whenever the team is short.",
            created_by=host_lead,
        )
        barrier.constructs.set(
            CfirConstruct.objects.filter(organisation=None, code__in=["III.A3", "III.J"])
        )
        barrier.evidence.set([notes[i] for i in (0, 1, 2, 3)])
    # The case's third barrier: communication, made critical when other professions worried
    # that the nurses were working outside their scope of practice.
    if not Determinant.objects.filter(assist=assist, theme=scope_theme).exists():
        communication = Determinant.objects.create(
            project=project,
            assist=assist,
            theme=scope_theme,
            valence=Valence.STRONG_BARRIER,
            description="Other professions were not told what the nurses' new role was, so "
            "concern that nurses worked outside their scope of practice slowed referrals.",
            created_by=host_lead,
        )
        communication.constructs.set(
            CfirConstruct.objects.filter(organisation=None, code__in=["III.C", "III.B"])
        )
        communication.evidence.set([notes[i] for i in (6, 9, 10)])
    Action.objects.get_or_create(
        project=project,
        assist=assist,
        text="Agree with the service manager which tasks nurses hand over to protect two "
        "afternoons a week for HAT sessions",
        defaults={
            "owner": host_lead,
            "due_date": today + timedelta(days=21),
            "priority": Action.Priority.HIGH,
            "status": Action.Status.AGREED,
            "theme": time_theme,
            "determinant": barrier,
            "source_text": time_theme.title,
            "created_by": host_lead,
        },
    )
