"""The After Action Review of a peer assist, beside its BAR."""

from __future__ import annotations

import pytest

from peerassist.analysis.models import AfterActionReview
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db


def _url(session: Session) -> str:
    return f"/analysis/assists/{session.assist.pk}/after-action-review/"


def test_host_writes_the_review_and_sees_the_bar_beside_it(client, session: Session) -> None:
    """The form shows the BAR's intended results; saving links the review to that BAR."""
    client.force_login(session.host)
    page = client.get(_url(session)).content.decode()
    assert "Half of patients stay in treatment." in page
    response = client.post(
        _url(session),
        {
            "supposed_to_happen": "Answers to four learning needs",
            "actually_happened": "Three answered well",
            "why_different": "Ran out of time",
            "what_we_learn": "Keep the Tell short",
        },
    )
    assert response.status_code == 302
    review = AfterActionReview.objects.get(assist=session.assist)
    assert review.bar == session.assist.bar and review.what_we_learn == "Keep the Tell short"
    report = client.get(f"/reports/assists/{session.assist.pk}/").content.decode()
    assert "Three answered well" in report and "Half of patients stay in treatment." in report


def test_empty_and_huge_answers_show_the_error_summary(client, session: Session) -> None:
    """An empty form or a too-long answer is a 400 with the NHS error summary; nothing saved."""
    client.force_login(session.host)
    empty = client.post(_url(session), {"supposed_to_happen": "  "})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "There is a problem" in body and "Answer at least one of the four questions." in body
    huge = client.post(_url(session), {"actually_happened": "x" * 10001})
    assert huge.status_code == 400
    assert "at most 10000 characters" in huge.content.decode()
    assert not AfterActionReview.objects.exists()


def test_colleague_reads_but_cannot_write_and_others_get_404(
    client, session: Session, member, outsider
) -> None:
    """A colleague sees the review read-only (403 on post); another organisation 404."""
    client.force_login(member)
    assert client.get(_url(session)).status_code == 200
    assert client.post(_url(session), {"what_we_learn": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.get(_url(session)).status_code == 404


def test_guest_cannot_open_the_review(api, session: Session) -> None:
    api.as_guest(session.visitor_guest)
    assert api.get(_url(session)).status_code == 404
