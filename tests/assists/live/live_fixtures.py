"""A peer assist ready to go live, with one participant in every role, for live-board tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.assists.models import AgendaItem, Participant, PeerAssist, Phase, Status
from peerassist.projects.models import LearningNeed
from tests.factories import (
    BarFactory,
    GuestFactory,
    LearningNeedFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    UserFactory,
)

Role = Participant.Role


@dataclass
class Live:
    assist: PeerAssist
    needs: list[LearningNeed]
    facilitator: User
    host_lead: User
    host_member: User
    note_taker: User
    colleague: User  # same organisation, not a participant
    visitor: Guest
    visitor2: Guest
    observer: Guest
    people: dict[str, Participant]
    other_assist: PeerAssist
    other_guest: Guest

    def set(self, **fields: Any) -> None:
        PeerAssist.objects.filter(pk=self.assist.pk).update(**fields)
        self.assist.refresh_from_db()


def make_live(org: Organisation) -> Live:
    project = ProjectFactory(organisation=org)
    bar = BarFactory(project=project)
    needs = [LearningNeedFactory(bar=bar, project=project) for _ in range(2)]
    assist = PeerAssistFactory(project=project, bar=bar, status=Status.SCHEDULED)
    for order, phase in enumerate(Phase):
        AgendaItem.objects.create(
            assist=assist, order=order, title=f"{phase.label}", phase=phase, minutes=10
        )
    people: dict[str, Participant] = {}
    users: dict[str, User] = {}
    for role in (Role.FACILITATOR, Role.HOST_LEAD, Role.HOST_MEMBER, Role.NOTE_TAKER):
        users[role] = UserFactory(organisation=org, full_name=f"The {role}")
        people[role] = ParticipantFactory(
            assist=assist, user=users[role], role=role, display_name=f"The {role}"
        )
    guests: dict[str, Guest] = {}
    for key, role in (
        ("visitor", Role.VISITOR),
        ("visitor2", Role.VISITOR),
        ("observer", Role.OBSERVER),
    ):
        guests[key] = GuestFactory(organisation=org, scope_id=assist.pk, name=key)
        people[key] = ParticipantFactory(
            assist=assist,
            guest=guests[key],
            role=role,
            display_name=key.title(),
            job_title="Community matron" if key == "visitor" else "",
            organisation_name="Trust X",
        )
    other_assist = PeerAssistFactory(project=project, status=Status.SCHEDULED)
    other_guest = GuestFactory(organisation=org, scope_id=other_assist.pk, name="Other")
    ParticipantFactory(assist=other_assist, guest=other_guest, role=Role.VISITOR)
    return Live(
        assist=assist,
        needs=needs,
        facilitator=users[Role.FACILITATOR],
        host_lead=users[Role.HOST_LEAD],
        host_member=users[Role.HOST_MEMBER],
        note_taker=users[Role.NOTE_TAKER],
        colleague=UserFactory(organisation=org, full_name="Colleague"),
        visitor=guests["visitor"],
        visitor2=guests["visitor2"],
        observer=guests["observer"],
        people=people,
        other_assist=other_assist,
        other_guest=other_guest,
    )


@pytest.fixture(name="live")
def live_fixture(org: Organisation) -> Live:
    return make_live(org)
