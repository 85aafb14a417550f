"""The invitation e-mail's subject and the calendar entry's title read cleanly, whatever the
peer assist's title starts with (the new-plan form suggests "Peer assist: <project>")."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from peerassist.assists.models import Participant
from peerassist.assists.planning.invitations import assist_ics, invitation_message
from tests.assists.planning.planning_fixtures import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "subject", "summary"),
    [
        (
            "Peer assist: Nurse-led recovery clinic",
            "Invitation to a peer assist: Nurse-led recovery clinic",
            "Peer assist: Nurse-led recovery clinic",
        ),
        (
            "PEER ASSIST – Nurse-led recovery clinic",
            "Invitation to a peer assist: Nurse-led recovery clinic",
            "Peer assist: Nurse-led recovery clinic",
        ),
        (
            "Learning from Valley",
            "Invitation to a peer assist: Learning from Valley",
            "Peer assist: Learning from Valley",
        ),
        ("Peer assist", "Invitation to a peer assist", "Peer assist"),
    ],
)
def test_subject_names_the_peer_assist_once(
    cast: Cast, title: str, subject: str, summary: str
) -> None:
    cast.assist.title = title
    cast.assist.save(update_fields=["title"])
    participant = Participant.objects.filter(assist=cast.assist, guest__isnull=False).get()
    message = invitation_message(participant)
    assert message.subject == subject
    event = Calendar.from_ical(assist_ics(cast.assist, participant)).walk("VEVENT")[0]
    assert str(event["summary"]) == summary
