"""An invited visitor from another organisation sees who takes part (names, roles,
organisations), never their e-mail addresses, through the API or the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from peerassist.accounts.models import Organisation, User
from peerassist.assists.models import Participant
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["detail", "board", "plan", "people", "briefing", "agenda"]


@pytest.fixture
def visiting_user(live: Live, other_org: Organisation) -> User:
    user = UserFactory(
        organisation=other_org, full_name="Vera Visiting", email="vera@elsewhere.example"
    )
    ParticipantFactory(
        assist=live.assist,
        user=user,
        role=Participant.Role.VISITOR,
        display_name="Vera Visiting",
        organisation_name=other_org.name,
    )
    return user


def emails_of(live: Live) -> list[str]:
    people = [live.facilitator, live.host_lead, live.host_member, live.note_taker]
    guests = [live.visitor, live.visitor2, live.observer]
    return [p.email for p in people] + [g.email for g in guests]


def test_a_visitor_with_an_account_sees_names_roles_and_organisations_only(
    live: Live, visiting_user: User
) -> None:
    answer = ApiClient().login(visiting_user).get(f"/api/v1/assists/{live.assist.pk}/participants")
    assert answer.status_code == 200
    rows = answer.json()
    by_name = {row["display_name"]: row for row in rows}
    assert by_name["Visitor"]["role"] == "visitor"
    assert by_name["Visitor"]["organisation_name"] == "Trust X"
    assert {row["email"] for row in rows} == {""}
    assert {row["experience"] for row in rows} == {""}
    for email in emails_of(live):
        assert email not in answer.content.decode()


def test_the_host_team_still_sees_contact_details(live: Live, visiting_user: User) -> None:
    answer = (
        ApiClient().login(live.facilitator).get(f"/api/v1/assists/{live.assist.pk}/participants")
    )
    assert live.visitor.email in {row["email"] for row in answer.json()}


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_visitor_anybodys_e_mail(
    live: Live, visiting_user: User, page: str
) -> None:
    client = Client()
    client.force_login(visiting_user)
    answer = client.get(
        f"/assists/{live.assist.pk}/"
        + {
            "detail": "",
            "board": "board/",
            "plan": "plan/",
            "people": "plan/people/",
            "briefing": "briefing/",
            "agenda": "plan/agenda/",
        }[page]
    )
    body = answer.content.decode()
    assert answer.status_code in {200, 403, 404}, answer.status_code
    for email in emails_of(live):
        assert email not in body
