"""A peer assist after analysis, with everything a report shows, for follow-up and report tests.

Shared by tests/followup and tests/reports (each conftest.py re-exports the fixture)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.analysis.models import (
    Action,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    Valence,
    Vote,
)
from peerassist.assists.models import Note, Participant, PeerAssist, Status
from tests.factories import (
    BarFactory,
    GuestFactory,
    LearningNeedFactory,
    NoteFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)


@dataclass
class Session:
    assist: PeerAssist
    host: User
    facilitator: User
    visitor: Participant
    visitor_guest: Guest
    other_visitor: Participant
    notes: list[Note] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    hidden: Note | None = None
    deleted: Note | None = None
    anonymous_note: Note | None = None
    ungrouped: Note | None = None


def build_session(org: Organisation, *, notes: int = 6, anonymous: bool = False) -> Session:
    """A peer assist with needs, people, ``notes`` notes, two themes, votes, codes, actions."""
    project = ProjectFactory(organisation=org, title="Nurse-led recovery (HAT)")
    bar = BarFactory(project=project, intended_results="Half of patients stay in treatment.")
    need1 = LearningNeedFactory(bar=bar, question="How did you keep staff on board?")
    need2 = LearningNeedFactory(bar=bar, question="What went wrong with prescribing?")
    host = UserFactory(organisation=org, full_name="Hannah Host")
    ProjectMemberFactory(project=project, user=host)
    facilitator = UserFactory(organisation=org, full_name="Farah Facilitator")
    assist = PeerAssistFactory(
        project=project,
        bar=bar,
        title="HAT peer assist",
        status=Status.ACTIONS_AGREED,
        anonymous=anonymous,
        host_thanks="Thank you all for your time.",
        action_list_due=timezone.localdate() + timedelta(days=10),
        open_decisions="Which clinic first\nWho prescribes",
    )
    host_p = ParticipantFactory(
        assist=assist, user=host, role=Participant.Role.HOST_LEAD, display_name="Hannah Host"
    )
    ParticipantFactory(
        assist=assist,
        user=facilitator,
        role=Participant.Role.FACILITATOR,
        display_name="Farah Facilitator",
    )
    guest = GuestFactory(organisation=org, scope_id=assist.pk, name="Vera Visitor")
    visitor = ParticipantFactory(
        assist=assist,
        guest=guest,
        display_name="Vera Visitor",
        organisation_name="Eastbridge Council",
        takeaway="Start with one clinic.",
    )
    other_visitor = ParticipantFactory(
        assist=assist, display_name="Victor Visitor", takeaway="Train the pharmacists early."
    )
    made: list[Note] = []
    for i in range(notes):
        made.append(
            NoteFactory(
                assist=assist,
                author=visitor if i % 2 == 0 else other_visitor,
                text=f"Insight number {i}: keep the team close",
                learning_need=need1 if i % 3 == 0 else (need2 if i % 3 == 1 else None),
            )
        )
    anonymous_note = NoteFactory(
        assist=assist, author=visitor, text="Managers ignored the pilot data", anonymous=True
    )
    hidden = NoteFactory(assist=assist, author=visitor, text="A rude remark", hidden=True)
    deleted = NoteFactory(
        assist=assist, author=visitor, text="Deleted thought", deleted_at=timezone.now()
    )
    ungrouped = NoteFactory(
        assist=assist, author=other_visitor, text='=HYPERLINK("http://evil.example")'
    )
    t1 = Theme.objects.create(assist=assist, title="Staff engagement", order=1)
    t2 = Theme.objects.create(assist=assist, title="Prescribing", order=2)
    for i, note in enumerate([*made, anonymous_note]):
        NotePlacement.objects.create(note=note, theme=t1 if i % 2 == 0 else t2, order=i)
    NotePlacement.objects.create(note=hidden, theme=t1, order=99)
    AnalysisSettings.objects.create(
        assist=assist, voting=AnalysisSettings.Voting.CLOSED, vote_budget=5, max_per_theme=3
    )
    Vote.objects.create(assist=assist, theme=t2, voter=host_p, dots=3)
    Vote.objects.create(assist=assist, theme=t1, voter=host_p, dots=1)
    inner = CfirConstruct.objects.filter(organisation__isnull=True, domain="Inner Setting")
    outer = CfirConstruct.objects.filter(organisation__isnull=True, domain="Outer Setting")
    barrier = Determinant.objects.create(
        project=project, assist=assist, theme=t2, valence=Valence.STRONG_BARRIER
    )
    barrier.constructs.add(inner.first(), outer.first())
    barrier.evidence.add(made[-1])
    enabler = Determinant.objects.create(
        project=project, assist=assist, note=made[0], valence=Valence.ENABLER
    )
    enabler.constructs.add(inner.first())
    actions = [
        Action.objects.create(
            project=project,
            assist=assist,
            text="Agree a prescribing protocol with pharmacy",
            owner=host,
            due_date=timezone.localdate() + timedelta(days=2),
            theme=t2,
            status=Action.Status.AGREED,
        ),
        Action.objects.create(
            project=project,
            assist=assist,
            text="+Run a staff briefing",
            owner=facilitator,
            due_date=timezone.localdate() - timedelta(days=1),
            determinant=barrier,
        ),
    ]
    return Session(
        assist=assist,
        host=host,
        facilitator=facilitator,
        visitor=visitor,
        visitor_guest=guest,
        other_visitor=other_visitor,
        notes=[*made, anonymous_note, ungrouped],
        themes=[t1, t2],
        actions=actions,
        hidden=hidden,
        deleted=deleted,
        anonymous_note=anonymous_note,
        ungrouped=ungrouped,
    )


@pytest.fixture
def session(org: Organisation) -> Session:
    return build_session(org)
