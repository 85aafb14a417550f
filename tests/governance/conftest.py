"""A person with data in two organisations, and the administrators of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.analysis.models import Action, Determinant, Theme, Vote
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.audit.context import audit_as
from peerassist.audit.models import Channel
from tests.factories import (
    LessonFactory,
    NoteFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    UserFactory,
)


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    admin: User
    second_admin: User
    other_admin: User
    person: User  # a member of org who also took part in other_org's peer assist
    guest: Guest  # invited by org
    assist: PeerAssist
    other_assist: PeerAssist
    our_note: Note
    their_note: Note
    guest_note: Note


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


@pytest.fixture
def world(org: Organisation, other_org: Organisation) -> World:
    admin = UserFactory(
        organisation=org, organisation__role=Membership.Role.ADMIN, full_name="Ada Admin"
    )
    second_admin = UserFactory(
        organisation=org, organisation__role=Membership.Role.ADMIN, full_name="Sam Second"
    )
    other_admin = UserFactory(
        organisation=other_org, organisation__role=Membership.Role.ADMIN, full_name="Otto Other"
    )
    person = UserFactory(
        organisation=org, full_name="Priya Person", email="priya@northmoor.example"
    )
    project = ProjectFactory(organisation=org, title="Nurse-led recovery")
    assist = PeerAssistFactory(project=project, title="Recovery peer assist")
    mine = ParticipantFactory(assist=assist, user=person, role=Participant.Role.HOST_LEAD)
    with audit_as(channel=Channel.WEB, actor=person):  # audited as written by them
        our_note = NoteFactory(assist=assist, author=mine, text="Book the quiet room early")
    theme = Theme.objects.create(assist=assist, title="Rooms and time")
    Vote.objects.create(assist=assist, theme=theme, voter=mine, dots=2)
    Determinant.objects.create(
        project=project,
        assist=assist,
        valence="-1",
        note=our_note,
        created_by=person,
        description="Space is short",
    )
    Action.objects.create(
        project=project, assist=assist, text="Ask estates for a room", owner=person
    )
    LessonFactory(project=project, author=person, title="Rooms go fast")
    visitor = ParticipantFactory(assist=assist)  # a guest invited by org
    guest_note = NoteFactory(assist=assist, author=visitor, text="We used the chapel")
    guest = visitor.guest
    guest.name, guest.email = "Gil Guest", "gil@visiting.example"
    guest.save()

    other_project = ProjectFactory(organisation=other_org, title="Anti-stigma training")
    other_assist = PeerAssistFactory(project=other_project, title="Council peer assist")
    theirs = ParticipantFactory(assist=other_assist, user=person, role=Participant.Role.VISITOR)
    their_note = NoteFactory(assist=other_assist, author=theirs, text="Council secret plan")
    return World(
        org=org,
        other_org=other_org,
        admin=admin,
        second_admin=second_admin,
        other_admin=other_admin,
        person=person,
        guest=guest,
        assist=assist,
        other_assist=other_assist,
        our_note=our_note,
        their_note=their_note,
        guest_note=guest_note,
    )
