"""Who may read a report, in every format and over the API."""

from __future__ import annotations

import pytest

from peerassist.followup.models import ShareBack
from tests.factories import GuestFactory, ParticipantFactory, PeerAssistFactory, UserFactory
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db

SUFFIXES = ["", "report.pdf", "report.md", "report.xlsx", "notes.csv", "themes.csv", "actions.csv"]


def _urls(session: Session) -> list[str]:
    return [f"/reports/assists/{session.assist.pk}/{s}" for s in SUFFIXES] + [
        f"/api/v1/reports/assists/{session.assist.pk}"
    ]


def _shared_back(session: Session) -> None:
    ShareBack.objects.create(assist=session.assist, round=1, trigger=ShareBack.Trigger.MANUAL)


def test_members_of_the_organisation_read_every_format(api, session: Session, member) -> None:
    """Any member of the host organisation reads the report, not only the host team."""
    api.login(member)
    for url in _urls(session):
        assert api.get(url).status_code == 200, url


def test_other_organisation_gets_404_everywhere(api, session: Session, outsider) -> None:
    """A person from another organisation cannot tell the report exists."""
    api.login(outsider)
    for url in _urls(session):
        assert api.get(url).status_code == 404, url


def test_signed_out_visitor_gets_no_report(client, session: Session) -> None:
    """Without a sign-in or a guest link there is nothing to see (404 page, 401 API)."""
    assert client.get(f"/reports/assists/{session.assist.pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/assists/{session.assist.pk}").status_code == 401


def test_user_who_took_part_from_another_organisation_reads_it(api, session: Session) -> None:
    """A participant with an account elsewhere (a visiting expert) reads the report."""
    expert = UserFactory(full_name="Ed Expert")
    ParticipantFactory(assist=session.assist, user=expert, display_name="Ed Expert")
    api.login(expert)
    assert api.get(f"/reports/assists/{session.assist.pk}/").status_code == 200


def test_guest_visitor_reads_the_report_only_after_share_back(api, session: Session) -> None:
    """Before share-back the guest is told it is coming (403); after it, every format opens."""
    api.as_guest(session.visitor_guest)
    response = api.get(f"/reports/assists/{session.assist.pk}/")
    assert response.status_code == 403
    assert b"not shared the report back yet" in response.content
    assert api.get(f"/api/v1/reports/assists/{session.assist.pk}").json()["code"] == (
        "not_shared_back"
    )
    _shared_back(session)
    for url in _urls(session):
        assert api.get(url).status_code == 200, url


def test_guest_of_another_peer_assist_gets_404(api, session: Session) -> None:
    """A visitor admitted to a different peer assist cannot read this one, shared or not."""
    _shared_back(session)
    other = PeerAssistFactory(project=session.assist.project)
    stranger = GuestFactory(organisation=other.organisation, scope_id=other.pk)
    ParticipantFactory(assist=other, guest=stranger)
    api.as_guest(stranger)
    for url in _urls(session):
        assert api.get(url).status_code == 404, url


def test_unknown_and_malformed_ids_are_404(api, member) -> None:
    """Ids that do not exist or cannot exist are simply not found."""
    api.login(member)
    assert api.get("/reports/assists/999999/").status_code == 404
    assert api.get("/api/v1/reports/assists/999999").status_code == 404
    assert api.get("/api/v1/reports/assists/99999999999999999999999").status_code in {404, 422}


def test_report_page_shows_share_back_controls_to_the_host_team_only(
    client, session: Session, member
) -> None:
    """The host sees the share-back link; a colleague reading the report does not."""
    client.force_login(session.host)
    assert (
        b"Share back and visitors" in client.get(f"/reports/assists/{session.assist.pk}/").content
    )
    client.force_login(member)
    assert (
        b"Share back and visitors"
        not in client.get(f"/reports/assists/{session.assist.pk}/").content
    )


def test_api_report_lists_every_note_and_the_chart_data(api, session: Session) -> None:
    """The JSON report carries every live note, ungrouped refs and the CFIR counts."""
    api.login(session.host)
    body = api.get(f"/api/v1/reports/assists/{session.assist.pk}").json()
    texts = {n["text"] for n in body["notes"]}
    assert texts == {n.text for n in session.notes}
    assert body["hidden_note_count"] == 1
    assert len(body["ungrouped"]) == 1
    inner = next(d for d in body["cfir_domains"] if d["domain"] == "Inner Setting")
    assert inner["strong_barrier"] == 1 and inner["enabler"] == 1


def test_openapi_lists_the_report_and_follow_up_routes(api, member) -> None:
    """The schema builds and documents the routes clients rely on."""
    api.login(member)
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/reports/assists/{assist_id}",
        "/api/v1/reports/actions",
        "/api/v1/reports/assists/{assist_id}/share-back",
        "/api/v1/reports/assists/{assist_id}/share-back/comments",
    ]:
        assert path in paths, path
