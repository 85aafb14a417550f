"""Action lists across projects and the organisation, status changes and the .ics calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from peerassist.analysis.models import Action
from tests.factories import ProjectFactory, UserFactory
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db


def _make_actions(session: Session, n: int) -> None:
    for i in range(n):
        Action.objects.create(
            project=session.assist.project,
            assist=session.assist,
            text=f"Extra action {i}",
            owner=session.host,
            due_date=timezone.localdate() + timedelta(days=30 + i),
        )


def test_mine_overdue_and_due_soon_lists(client, session: Session) -> None:
    """ "Mine" has the host's action, "overdue" the late one, "due soon" the one due in 2 days."""
    client.force_login(session.host)
    mine = client.get("/analysis/actions/?scope=mine").content.decode()
    assert "Agree a prescribing protocol" in mine and "Run a staff briefing" not in mine
    overdue = client.get("/analysis/actions/?scope=overdue").content.decode()
    assert "Run a staff briefing" in overdue and "Agree a prescribing" not in overdue
    assert "1 day overdue" in overdue
    soon = client.get("/analysis/actions/?scope=due_soon").content.decode()
    assert "Agree a prescribing protocol" in soon and "Run a staff briefing" not in soon


def test_filters_by_status_and_words_and_ignores_nonsense(client, session: Session) -> None:
    """Status and word filters narrow the list; unknown values fall back, never a 500."""
    client.force_login(session.host)
    agreed = client.get("/analysis/actions/?scope=all&status=agreed").content.decode()
    assert "Agree a prescribing" in agreed and "Run a staff briefing" not in agreed
    words = client.get("/analysis/actions/?scope=all&q=briefing").content.decode()
    assert "Run a staff briefing" in words and "Agree a prescribing" not in words
    assert client.get("/analysis/actions/?scope=<script>&status=x&page=abc").status_code == 200


def test_project_action_list_and_other_organisation(client, session: Session, outsider) -> None:
    """The project's list shows its actions; another organisation gets 404."""
    url = f"/analysis/projects/{session.assist.project_id}/actions/?scope=all"
    client.force_login(session.host)
    assert "Run a staff briefing" in client.get(url).content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert "Run a staff briefing" not in client.get("/analysis/actions/?scope=all").content.decode()


def test_action_list_needs_sign_in(client, session: Session) -> None:
    """Signed-out people are sent to sign in."""
    assert client.get("/analysis/actions/").status_code == 302
    assert client.get("/analysis/actions/mine.ics").status_code == 302


def test_action_list_queries_do_not_grow(
    client, session: Session, django_assert_num_queries
) -> None:
    """Listing 2 or 42 actions takes the same number of queries."""
    client.force_login(session.host)
    client.get("/analysis/actions/?scope=all")
    with django_assert_num_queries(7):
        client.get("/analysis/actions/?scope=all")
    _make_actions(session, 40)
    with django_assert_num_queries(7):
        response = client.get("/analysis/actions/?scope=all")
    assert response.content.decode().count('id="action-') == 42


def test_owner_changes_status_without_javascript(client, session: Session) -> None:
    """A plain form post changes the status and returns to the list with a message."""
    action = session.actions[0]
    client.force_login(session.host)
    response = client.post(
        f"/analysis/actions/{action.pk}/status/",
        {"status": "done", "next": "/analysis/actions/?scope=all"},
    )
    assert response.status_code == 302 and response["Location"] == "/analysis/actions/?scope=all"
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Action marked as done." in page


def test_status_change_with_htmx_returns_the_row(client, session: Session) -> None:
    """An htmx post gets back just the updated row."""
    action = session.actions[0]
    client.force_login(session.host)
    response = client.post(
        f"/analysis/actions/{action.pk}/status/", {"status": "in_progress"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith("<tr") and f'id="action-{action.pk}"' in body
    assert '<option value="in_progress" selected>' in body


def test_bad_status_is_refused_with_a_message(client, session: Session) -> None:
    """An unknown status is a 400 row with an error (htmx) or a message (plain)."""
    action = session.actions[0]
    client.force_login(session.host)
    response = client.post(
        f"/analysis/actions/{action.pk}/status/", {"status": "exploded"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Choose a status" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "agreed"


def test_who_may_change_an_action(client, session: Session, member, outsider) -> None:
    """A colleague outside the host team gets 403; another organisation 404; a KM may."""
    action = session.actions[0]
    url = f"/analysis/actions/{action.pk}/status/"
    client.force_login(member)
    assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"status": "done"}).status_code == 404
    assert client.post("/analysis/actions/999999/status/", {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == "agreed"
    km = UserFactory(
        organisation=session.assist.organisation, organisation__role="knowledge_manager"
    )
    client.force_login(km)
    assert client.post(url, {"status": "done"}).status_code == 302


def test_status_change_refuses_get(client, session: Session) -> None:
    client.force_login(session.host)
    assert client.get(f"/analysis/actions/{session.actions[0].pk}/status/").status_code == 405


def test_my_actions_ics_parses_back(client, session: Session) -> None:
    """The calendar has one all-day event per open action of mine with a due date."""
    client.force_login(session.host)
    response = client.get("/analysis/actions/mine.ics")
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert "Agree a prescribing protocol" in str(event["summary"])
    assert event.decoded("dtstart") == session.actions[0].due_date
    assert str(event["uid"]).startswith(f"action-{session.actions[0].pk}@")


def test_project_ics_has_every_dated_action_and_is_404_elsewhere(
    client, session: Session, outsider
) -> None:
    """The project's calendar lists all its dated actions; other organisations get 404."""
    url = f"/analysis/projects/{session.assist.project_id}/actions.ics"
    client.force_login(session.host)
    events = list(Calendar.from_ical(client.get(url).content).walk("VEVENT"))
    assert len(events) == 2
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    other = ProjectFactory(organisation=outsider.memberships.first().organisation)
    client.force_login(session.host)
    assert client.get(f"/analysis/projects/{other.pk}/actions.ics").status_code == 404


def test_api_actions_list_filters_and_tenancy(api, session: Session, outsider) -> None:
    """The API lists the organisation's actions by scope; other organisations see none."""
    api.login(session.host)
    body = api.get("/api/v1/reports/actions", scope="overdue").json()
    assert [a["text"] for a in body["items"]] == ["+Run a staff briefing"]
    api.login(outsider)
    assert api.get("/api/v1/reports/actions", scope="all").json()["count"] == 0
    assert api.get("/api/v1/reports/actions", scope="nonsense").status_code in {400, 422}
