"""A peer assist in analysis with a host team, a facilitator, a visitor and some notes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.assists.models import Note, Participant, PeerAssist, Phase, Status
from peerassist.projects.models import ProjectMember
from tests.conftest import ApiClient
from tests.factories import (
    NoteFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    UserFactory,
)

Role = Participant.Role

NOTE_TEXTS = [
    "Block the sessions in nurses' diaries so nobody books over them",
    "Ring-fence two afternoons a week for the recovery sessions",
    "Doctors worried nurses were working beyond their scope of practice",
    "A signed scope of practice statement settled the argument",
    "Trauma-informed training changed how nurses talk to clients",
    "Shadowing an experienced nurse beat classroom training",
]


@dataclass
class Analysis:
    assist: PeerAssist
    facilitator: User
    host: User
    host_member: User
    colleague: User  # same organisation, not on the host team
    visitor: Guest
    people: dict[str, Participant]
    notes: list[Note]
    other_assist: PeerAssist

    def path(self, rest: str = "") -> str:
        return f"/api/v1/analysis/assists/{self.assist.pk}{rest}"


def make_analysis(org: Organisation, other_org: Organisation) -> Analysis:
    project = ProjectFactory(organisation=org)
    assist = PeerAssistFactory(project=project, status=Status.ANALYSIS, phase=Phase.ANALYSE)
    people: dict[str, Participant] = {}
    users: dict[str, User] = {}
    for role in (Role.FACILITATOR, Role.HOST_LEAD, Role.HOST_MEMBER):
        users[role] = UserFactory(organisation=org, full_name=f"The {role.label}")
        people[role] = ParticipantFactory(
            assist=assist, user=users[role], role=role, display_name=users[role].full_name
        )
    ProjectMember.objects.create(project=project, user=users[Role.HOST_LEAD])
    people[Role.VISITOR] = ParticipantFactory(assist=assist, role=Role.VISITOR)
    notes = [
        NoteFactory(assist=assist, author=people[Role.VISITOR], text=text) for text in NOTE_TEXTS
    ]
    other_assist = PeerAssistFactory(
        project=ProjectFactory(organisation=other_org), status=Status.ANALYSIS
    )
    visitor = people[Role.VISITOR].guest
    assert visitor is not None
    return Analysis(
        assist=assist,
        facilitator=users[Role.FACILITATOR],
        host=users[Role.HOST_LEAD],
        host_member=users[Role.HOST_MEMBER],
        colleague=UserFactory(organisation=org, full_name="Colin Colleague"),
        visitor=visitor,
        people=people,
        notes=notes,
        other_assist=other_assist,
    )


@pytest.fixture
def an(org: Organisation, other_org: Organisation) -> Analysis:
    return make_analysis(org, other_org)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Events the analysis services queued for broadcast (after commit), as the dicts that go
    on the channel layer (``assists.live.events.emit``)."""
    sent: list[dict] = []
    monkeypatch.setattr(
        "peerassist.assists.live.events.broadcast_on_commit",
        lambda assist_id, event, **context: sent.append(event),
    )
    return sent


@pytest.fixture
def api(api: ApiClient) -> ApiClient:
    """The shared client, with its CSRF cookie fetched before anyone signs in."""
    api._csrf()
    return api
