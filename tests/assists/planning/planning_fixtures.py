"""People around one planned peer assist, for the planning tests (imported as fixtures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.assists.models import Participant, PeerAssist
from tests.factories import (
    BarFactory,
    LearningNeedFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)


@dataclass
class Cast:
    org: Organisation
    assist: PeerAssist
    host: User
    facilitator: User
    km: User
    reader: User
    outsider: User
    guest: Guest
    other_guest: Guest
    colleague: User
    # From another organisation, invited as herself (her own account, no guest link).
    invited: User

    def actor(self, name: str) -> Any:
        return getattr(self, name)


def invite_herself(cast: Cast) -> Participant:
    """Put ``cast.invited`` (another organisation) on the list as herself, invited."""
    return ParticipantFactory(
        assist=cast.assist,
        user=cast.invited,
        guest=None,
        role=Participant.Role.VISITOR,
        display_name=cast.invited.full_name,
        organisation_name="Valley Trust",
        rsvp=Participant.Rsvp.PENDING,
        invited_at=timezone.now(),
        invitation_sent_at=timezone.now(),
    )


@pytest.fixture(name="cast")
def cast_fixture(org: Organisation, other_org: Organisation, settings: Any, tmp_path: Any) -> Cast:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    project = ProjectFactory(
        organisation=org,
        title="Nurse-led recovery clinic",
        key_decision_date=timezone.localdate() + timedelta(days=60),
        start_date=timezone.localdate() + timedelta(days=90),
    )
    bar = BarFactory(project=project)
    for _ in range(2):
        LearningNeedFactory(bar=bar)
    host = UserFactory(organisation=org, full_name="Hana Host")
    ProjectMemberFactory(project=project, user=host)
    facilitator = UserFactory(organisation=org, full_name="Fen Facilitator")
    km = UserFactory(
        organisation=org, organisation__role=Membership.Role.KNOWLEDGE_MANAGER, full_name="Kit KM"
    )
    reader = UserFactory(organisation=org, full_name="Rea Reader")
    colleague = UserFactory(organisation=org, full_name="Col League", job_title="Nurse")
    outsider = UserFactory(organisation=other_org, full_name="Oli Outsider")
    invited = UserFactory(organisation=other_org, full_name="Ina Invited")
    assist = PeerAssistFactory(project=project, bar=bar, title="Learning from Valley")
    ParticipantFactory(
        assist=assist,
        user=facilitator,
        guest=None,
        role=Participant.Role.FACILITATOR,
        display_name=facilitator.full_name,
    )
    guest = ParticipantFactory(assist=assist, display_name="Vera Visitor").guest
    other = PeerAssistFactory(project=ProjectFactory(organisation=org))
    other_guest = ParticipantFactory(assist=other).guest
    return Cast(
        org=org,
        assist=assist,
        host=host,
        facilitator=facilitator,
        km=km,
        reader=reader,
        outsider=outsider,
        guest=guest,
        other_guest=other_guest,
        colleague=colleague,
        invited=invited,
    )
