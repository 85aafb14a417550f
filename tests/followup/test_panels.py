"""What follow-up adds to the home page and the project page."""

from __future__ import annotations

import pytest

from peerassist.analysis.models import AfterActionReview
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db


def test_home_shows_my_open_actions_and_how_many_are_overdue(client, session: Session) -> None:
    """The facilitator owns the overdue action: the home page says so and links to the list."""
    client.force_login(session.facilitator)
    html = client.get("/").content.decode()
    assert "Your actions" in html
    assert "+Run a staff briefing" in html
    assert "1 overdue" in html
    assert "/analysis/actions/?scope=mine" in html


def test_home_has_no_actions_section_for_people_without_actions(client, member) -> None:
    client.force_login(member)
    assert "Your actions" not in client.get("/").content.decode()


def test_project_page_links_actions_calendar_reports_and_aar(client, session: Session) -> None:
    """The project page has the actions panel, the report link and the AAR as an event."""
    AfterActionReview.objects.create(
        project=session.assist.project, assist=session.assist, what_we_learn="Keep Tell short"
    )
    client.force_login(session.host)
    html = client.get(f"/projects/{session.assist.project_id}/").content.decode()
    assert "Actions and reports" in html
    assert "2 open actions" in html and "1 overdue" in html
    assert f"/reports/assists/{session.assist.pk}/" in html
    assert f"/analysis/projects/{session.assist.project_id}/actions.ics" in html
    assert f"/analysis/assists/{session.assist.pk}/after-action-review/" in html
