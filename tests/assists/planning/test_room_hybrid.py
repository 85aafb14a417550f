"""Hybrid peer assists and the framing: the https-only video link in the invitation e-mail and
page, the .ics, the briefing pack and the board; attendance in the RSVP; ground rules that
start as the Handbook's and can be changed per peer assist (issue #12)."""

from __future__ import annotations

from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.ground_rules import HANDBOOK_GROUND_RULES
from peerassist.assists.models import Participant, PeerAssist, Phase
from peerassist.assists.planning.agenda import agenda_apply_template
from peerassist.assists.planning.invitations import invitations_deliver, invitations_send
from tests.assists.planning.planning_fixtures import Cast, cast_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/valley-peer-assist"


def make_hybrid(cast: Cast) -> PeerAssist:
    PeerAssist.objects.filter(pk=cast.assist.pk).update(
        mode=PeerAssist.Mode.HYBRID, venue="Room 2, Valley House", video_link=LINK
    )
    cast.assist.refresh_from_db()
    return cast.assist


def planner(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.host)
    return client


def plan_form(cast: Cast, **changes: Any) -> dict[str, Any]:
    assist = cast.assist
    data = {
        "title": assist.title,
        "purpose": assist.purpose,
        "open_decisions": assist.open_decisions,
        "deliverables": assist.deliverables,
        "ground_rules": assist.ground_rules,
        "mode": "hybrid",
        "venue": "Room 2, Valley House",
        "video_link": LINK,
        "date": assist.date.isoformat() if assist.date else "",
        "starts_at": "",
        "ends_at": "",
        "bar": assist.bar_id or "",
    }
    data.update(changes)
    return data


def test_the_invitation_carries_the_video_link_in_the_mail_page_ics_and_briefing(
    cast: Cast,
) -> None:
    """The link is in the e-mail and the .ics (URL and description, the venue stays the
    location), on the guest's invitation page and in the briefing pack (page and PDF's HTML)."""
    make_hybrid(cast)
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    invitations_send(assist=cast.assist, by_user=cast.host)
    ids = list(Participant.objects.filter(assist=cast.assist).values_list("pk", flat=True))
    invitations_deliver.call(ids)
    guest_mail = next(m for m in mail.outbox if m.to == [cast.guest.email])
    assert f"Video call for people taking part online: {LINK}" in guest_mail.body
    _, content, _ = guest_mail.attachments[0]
    event = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["url"]) == LINK
    assert str(event["location"]) == "Room 2, Valley House"
    assert LINK in str(event["description"])

    guest = Client()
    session = guest.session
    session[GUEST_SESSION_KEY] = cast.guest.pk
    session.save()
    page = guest.get(f"/assists/{cast.assist.pk}/invitation/").content.decode()
    assert f'href="{LINK}"' in page
    briefing = guest.get(f"/assists/{cast.assist.pk}/briefing/").content.decode()
    assert f'href="{LINK}"' in briefing
    colleague_page = planner(cast).get(f"/assists/{cast.assist.pk}/").content.decode()
    assert f'href="{LINK}"' in colleague_page


def test_the_board_offers_the_call_to_people_attending_online(cast: Cast) -> None:
    make_hybrid(cast)
    html = planner(cast).get(f"/assists/{cast.assist.pk}/board/").content.decode()
    assert "Attending online?" in html and f'href="{LINK}"' in html


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("javascript:alert(1)", "a “javascript:” link is not accepted"),
        ("JavaScript:alert(document.cookie)", "a “javascript:” link is not accepted"),
        ("http://meet.example.org/abc", "a “http:” link is not accepted"),
        ("data:text/html,hi", "a “data:” link is not accepted"),
        ("meet.example.org/abc", "starting with https://"),
        ("https://", "starting with https://"),
    ],
)
def test_only_https_video_links_are_accepted_on_the_page_and_the_api(
    cast: Cast, link: str, message: str
) -> None:
    before = PeerAssist.objects.filter(pk=cast.assist.pk).values().get()
    response = planner(cast).post(
        f"/assists/{cast.assist.pk}/plan/details/",
        plan_form(cast, video_link=link, purpose="Changed together with the bad link"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'href="#id_video_link"' in html
    assert PeerAssist.objects.filter(pk=cast.assist.pk).values().get() == before

    api = ApiClient().login(cast.host)
    answer = api.patch(
        f"/api/v1/assists/{cast.assist.pk}", {"video_link": link, "purpose": "Changed too"}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_video_link" and message in answer.json()["detail"]
    assert PeerAssist.objects.filter(pk=cast.assist.pk).values().get() == before


def test_an_https_link_is_kept(cast: Cast) -> None:
    api = ApiClient().login(cast.host)
    answer = api.patch(f"/api/v1/assists/{cast.assist.pk}", {"video_link": LINK})
    assert answer.status_code == 200 and answer.json()["video_link"] == LINK


def test_attendance_is_part_of_the_reply_and_shown_to_the_planners(cast: Cast) -> None:
    make_hybrid(cast)
    invitations_send(assist=cast.assist, by_user=cast.host)
    guest = ApiClient().as_guest(cast.guest)
    answer = guest.post(
        f"/api/v1/assists/{cast.assist.pk}/rsvp",
        {"rsvp": "accepted", "consent": True, "attendance": "online"},
    )
    assert answer.status_code == 200 and answer.json()["attendance"] == "online"
    bad = guest.post(
        f"/api/v1/assists/{cast.assist.pk}/rsvp",
        {"rsvp": "declined", "consent": True, "attendance": "on the moon"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_attendance"
    participant = cast.guest.participant
    participant.refresh_from_db()
    assert (participant.rsvp, participant.attendance) == ("accepted", "online")

    facilitator = Client()
    facilitator.force_login(cast.facilitator)
    reply = facilitator.post(
        f"/assists/{cast.assist.pk}/reply/", {"rsvp": "accepted", "attendance": "in_room"}
    )
    assert reply.status_code == 302
    assert Participant.objects.get(user=cast.facilitator).attendance == "in_room"

    people = planner(cast).get(f"/assists/{cast.assist.pk}/plan/people/").content.decode()
    assert "Online" in people and "In the room" in people
    invitation = Client()
    session = invitation.session
    session[GUEST_SESSION_KEY] = cast.guest.pk
    session.save()
    page = invitation.get(f"/assists/{cast.assist.pk}/invitation/").content.decode()
    assert "How will you take part?" in page


def test_ground_rules_start_as_the_handbooks_and_can_be_changed(cast: Cast) -> None:
    client = planner(cast)
    new = client.get(f"/assists/new/{cast.assist.project_id}/").content.decode()
    assert "listen first" in new
    created = (
        ApiClient()
        .login(cast.host)
        .post("/api/v1/assists", {"project_id": cast.assist.project_id, "title": "Second"})
    )
    assert created.json()["ground_rules"] == HANDBOOK_GROUND_RULES

    rules = "Phones on silent\nOne conversation at a time"
    response = client.post(
        f"/assists/{cast.assist.pk}/plan/details/", plan_form(cast, ground_rules=rules)
    )
    assert response.status_code == 302
    cast.assist.refresh_from_db()
    assert cast.assist.ground_rules == rules
    too_long = client.post(
        f"/assists/{cast.assist.pk}/plan/details/", plan_form(cast, ground_rules="x" * 3001)
    )
    assert too_long.status_code == 200 and "3000 characters" in too_long.content.decode()


def test_the_board_shows_the_framing_in_welcome_and_tell(cast: Cast) -> None:
    PeerAssist.objects.filter(pk=cast.assist.pk).update(
        purpose="Learn how others protected nurse time",
        open_decisions="One team or three\nWhich training",
        ground_rules="Phones on silent",
    )
    cast.assist.bar.intended_results = "Half of patients seen by a HAT nurse within a week"
    cast.assist.bar.save()
    client = planner(cast)
    html = client.get(f"/assists/{cast.assist.pk}/board/").content.decode()
    for text in (
        "Learn how others protected nurse time",
        "Which training",
        "Phones on silent",
        "Half of patients seen by a HAT nurse within a week",
        cast.assist.bar.learning_needs.first().question,
    ):
        assert text in html
    assert 'data-role="framing" hidden' not in html
    PeerAssist.objects.filter(pk=cast.assist.pk).update(phase=Phase.ASK)
    html = client.get(f"/assists/{cast.assist.pk}/board/").content.decode()
    assert 'data-role="framing" hidden' in html


def test_the_demo_shows_a_hybrid_session_with_a_join_code_and_attendance() -> None:
    """The live demo session is hybrid, with a video link, a join code for the room (by
    hand) and people in the room and online; the planned one carries a video link too."""
    from peerassist.assists.live.demo import LIVE_TITLE
    from peerassist.assists.live.join import join_code_current
    from peerassist.assists.planning.demo import PLANNED_TITLE
    from peerassist.demo.loader import demo_load

    demo_load()
    live = PeerAssist.objects.get(title=LIVE_TITLE)
    assert live.mode == PeerAssist.Mode.HYBRID and live.video_link.startswith("https://")
    assert join_code_current(live) is not None
    assert live.join_admission == "by_hand"
    assert set(live.participants.values_list("attendance", flat=True)) == {"in_room", "online"}
    assert live.ground_rules == HANDBOOK_GROUND_RULES
    planned = PeerAssist.objects.get(title=PLANNED_TITLE)
    assert planned.video_link.startswith("https://")
