"""The report reads a fixed number of queries however many notes the peer assist has."""

from __future__ import annotations

import pytest

from peerassist.reports.presenters import report_present
from peerassist.reports.selectors import report_build
from tests.followup.session_fixtures import build_session

pytestmark = pytest.mark.django_db

# assist, learning needs, participants, notes, themes, placements, voting settings, votes,
# determinants (+ constructs, + evidence), actions, AAR, share-backs
REPORT_QUERIES = 14


@pytest.mark.parametrize("notes", [10, 500])
def test_report_build_query_count_does_not_grow_with_notes(
    org, notes: int, django_assert_num_queries
) -> None:
    """Building and presenting the report takes the same queries for 10 and 500 notes."""
    session = build_session(org, notes=notes)
    with django_assert_num_queries(REPORT_QUERIES):
        report = report_present(report_build(session.assist.pk))
    assert report.note_count == notes + 2


@pytest.mark.parametrize("notes", [10, 500])
def test_report_page_query_count_does_not_grow_with_notes(
    client, org, notes: int, django_assert_num_queries
) -> None:
    """The report page is pinned too: session, user, membership, the access check's peer
    assist and the host-team check, then the report's own queries (less its assist), and
    the photos of flipcharts (one query, ``board_photo_gallery``)."""
    session = build_session(org, notes=notes)
    client.force_login(session.host)
    client.get("/healthz")  # warm anything cached per process
    with django_assert_num_queries(REPORT_QUERIES + 5):
        response = client.get(f"/reports/assists/{session.assist.pk}/")
    assert response.status_code == 200
