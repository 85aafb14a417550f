"""A person from another organisation on this instance is invited as herself (issue #12).

Invited by her e-mail address, she takes part with her own account: no guest link (which
would sign her out of it), the invitation on her home page, the e-mail pointing to the
normal sign-in. She reaches this peer assist as a guest would (its page, briefing, board,
report once shared back) and nothing else of the host organisation; revoking her invitation
closes it again.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.assists.models import Participant, PeerAssist, Status
from peerassist.assists.planning import invitations
from tests.assists.planning.planning_fixtures import Cast, cast_fixture  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import PeerAssistFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nell(other_org: Organisation) -> User:
    """A nurse consultant in another organisation, with her own account here."""
    return UserFactory(
        organisation=other_org,
        full_name="Nell Nurse",
        email="nell.nurse@elsewhere.example",
        job_title="Nurse consultant",
    )


def invite_nell(cast: Cast, nell: User) -> Participant:
    """The planner adds her by e-mail on the people page, as any external visitor."""
    client = Client()
    client.force_login(cast.host)
    response = client.post(
        f"/assists/{cast.assist.pk}/plan/people/visitor/",
        {
            "visitor-name": "N. Nurse",
            "visitor-email": "Nell.Nurse@Elsewhere.example",
            "visitor-role": "visitor",
        },
    )
    assert response.status_code == 302, response.content[:400]
    return Participant.objects.get(assist=cast.assist, user=nell)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_invited_by_email_she_takes_part_with_her_own_account(cast: Cast, nell: User) -> None:
    """No guest is made; her record names her account and her own organisation."""
    guests_before = Guest.objects.count()
    participant = invite_nell(cast, nell)
    assert Guest.objects.count() == guests_before
    assert participant.guest is None
    assert participant.display_name == "Nell Nurse"
    assert participant.organisation_name == nell.memberships.get().organisation.name
    page = signed_in(cast.host).get(f"/assists/{cast.assist.pk}/plan/people/")
    assert "From another organisation (own account)" in page.content.decode()
    again = ApiClient().login(cast.host)
    answer = again.post(
        f"/api/v1/assists/{cast.assist.pk}/participants",
        {"name": "Nell", "email": "nell.nurse@elsewhere.example", "role": "visitor"},
    )
    assert answer.status_code == 409, answer.json()
    assert answer.json()["code"] == "duplicate"


def test_a_colleagues_address_adds_the_colleague(cast: Cast) -> None:
    """Typed in the visitor form, a colleague's address adds her account, not a guest."""
    client = ApiClient().login(cast.host)
    answer = client.post(
        f"/api/v1/assists/{cast.assist.pk}/participants",
        {"name": "Col", "email": cast.colleague.email.upper(), "role": "observer"},
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["kind"] == "colleague"
    assert Participant.objects.get(pk=answer.json()["id"]).user == cast.colleague


def test_her_email_links_to_the_sign_in_not_a_guest_link(cast: Cast, nell: User) -> None:
    cast.assist.date = timezone.localdate() + timezone.timedelta(days=20)
    cast.assist.save(update_fields=["date"])
    participant = invite_nell(cast, nell)
    mail.outbox.clear()
    invitations.invitation_resend(assist=cast.assist, participant_id=participant.pk)
    invitations.invitations_deliver.call([participant.pk])
    (message,) = [m for m in mail.outbox if m.to == [nell.email]]
    assert f"/assists/{cast.assist.pk}/" in message.body
    assert "/accounts/guest/" not in message.body
    assert "own Peer Assist account" in message.body
    response = Client().get(f"/assists/{cast.assist.pk}/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_she_sees_the_invitation_at_home_and_replies_as_herself(cast: Cast, nell: User) -> None:
    participant = invite_nell(cast, nell)
    participant.rsvp = Participant.Rsvp.PENDING
    participant.invited_at = timezone.now()
    participant.save()
    client = signed_in(nell)
    home = client.get("/")
    assert cast.assist.title in home.content.decode()
    assert client.get("/assists/").content.decode().count(cast.assist.title) == 1
    page = client.get(f"/assists/{cast.assist.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Your invitation" in text
    assert "Share the action list" not in text  # the host team's pages are not for her
    reply = client.post(f"/assists/{cast.assist.pk}/reply/", {"rsvp": "accepted"})
    assert reply.status_code == 302
    participant.refresh_from_db()
    assert participant.rsvp == Participant.Rsvp.ACCEPTED
    # Her invitation page sends her to the peer assist's page, not the plan.
    landing = client.get(f"/assists/{cast.assist.pk}/invitation/")
    assert landing["Location"] == f"/assists/{cast.assist.pk}/"


PAGES_SHE_SEES = [
    "/assists/{a}/",
    "/assists/{a}/briefing/",
    "/assists/{a}/board/",
    "/assists/{a}/plan/",
    "/assists/{a}/plan/people/",
]
PAGES_SHE_DOES_NOT = [
    ("/assists/{a}/plan/details/", 403),
    ("/assists/{a}/wall/", 403),
    ("/projects/{p}/", 404),
    ("/assists/{other}/", 404),
    ("/assists/{other}/board/", 404),
    ("/projects/{other_p}/", 404),
]


def _ids(cast: Cast) -> dict[str, Any]:
    other = PeerAssistFactory(project=ProjectFactory(organisation=cast.org))
    return {
        "a": cast.assist.pk,
        "p": cast.assist.project_id,
        "other": other.pk,
        "other_p": other.project_id,
    }


def test_she_reaches_this_peer_assist_only(cast: Cast, nell: User) -> None:
    """Its page, briefing, board and plan as a visitor reads them (no e-mail addresses);
    not its planning, nor the organisation's other peer assists and projects (404, so ids
    do not leak)."""
    invite_nell(cast, nell)
    ids = _ids(cast)
    client = signed_in(nell)
    for path in PAGES_SHE_SEES:
        page = client.get(path.format(**ids))
        assert page.status_code == 200, path
        assert cast.host.email not in page.content.decode(), path
    for path, status in PAGES_SHE_DOES_NOT:
        assert client.get(path.format(**ids)).status_code == status, path
    api = ApiClient().login(nell)
    assert api.get(f"/api/v1/assists/{cast.assist.pk}/briefing").status_code == 200
    people = api.get(f"/api/v1/assists/{cast.assist.pk}/participants")
    assert people.status_code == 200
    assert {row["email"] for row in people.json()} == {""}
    assert api.patch(f"/api/v1/assists/{cast.assist.pk}", {"purpose": "x"}).status_code == 403
    assert api.get(f"/api/v1/assists/{ids['other']}").status_code == 404
    assert api.get(f"/api/v1/projects/{ids['p']}").status_code == 404
    assert api.get(f"/api/v1/assists/{cast.assist.pk}/board").status_code == 200


def test_she_reads_the_report_as_a_signed_in_participant(cast: Cast, nell: User) -> None:
    """ADR 0005: any signed-in participant reads the report; once revoked, she does not."""
    participant = invite_nell(cast, nell)
    PeerAssist.objects.filter(pk=cast.assist.pk).update(status=Status.ACTIONS_AGREED)
    client = signed_in(nell)
    assert client.get(f"/reports/assists/{cast.assist.pk}/").status_code == 200
    ApiClient().login(cast.host).post(
        f"/api/v1/assists/{cast.assist.pk}/invitations/{participant.pk}/revoke"
    )
    assert client.get(f"/reports/assists/{cast.assist.pk}/").status_code == 404


def test_revoking_her_invitation_closes_the_door(cast: Cast, nell: User) -> None:
    """Revoked (API), she gets 404 everywhere on it and leaves the home page and list; the
    people page says so; resending opens it again."""
    participant = invite_nell(cast, nell)
    participant.rsvp = Participant.Rsvp.PENDING
    participant.invited_at = timezone.now()
    participant.save()
    host = ApiClient().login(cast.host)
    answer = host.post(f"/api/v1/assists/{cast.assist.pk}/invitations/{participant.pk}/revoke")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["invitation_active"] is False
    client = signed_in(nell)
    for path in PAGES_SHE_SEES:
        assert client.get(path.format(a=cast.assist.pk)).status_code == 404, path
    assert ApiClient().login(nell).get(f"/api/v1/assists/{cast.assist.pk}/board").status_code == 404
    assert cast.assist.title not in client.get("/").content.decode()
    assert cast.assist.title not in client.get("/assists/").content.decode()
    people = signed_in(cast.host).get(f"/assists/{cast.assist.pk}/plan/people/")
    assert "Invitation withdrawn" in people.content.decode()
    again = host.post(f"/api/v1/assists/{cast.assist.pk}/invitations/{participant.pk}/resend")
    assert again.status_code == 200, again.json()
    assert client.get(f"/assists/{cast.assist.pk}/").status_code == 200


def test_a_colleagues_invitation_still_cannot_be_revoked(cast: Cast) -> None:
    """Colleagues are taken off the list instead: the reason is given (400)."""
    participant = Participant.objects.get(assist=cast.assist, user=cast.facilitator)
    answer = (
        ApiClient()
        .login(cast.host)
        .post(f"/api/v1/assists/{cast.assist.pk}/invitations/{participant.pk}/revoke")
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "not_a_guest"


def test_an_outside_facilitator_runs_the_session_but_does_not_plan(cast: Cast, nell: User) -> None:
    """Facilitating from another organisation: the board's controls and the wall, not the
    people page with the host organisation's staff list."""
    client = Client()
    client.force_login(cast.host)
    client.post(
        f"/assists/{cast.assist.pk}/plan/people/visitor/",
        {"visitor-name": "Nell", "visitor-email": nell.email, "visitor-role": "facilitator"},
    )
    assert Participant.objects.filter(
        assist=cast.assist, user=nell, role=Participant.Role.FACILITATOR
    ).exists()
    her = signed_in(nell)
    people = her.get(f"/assists/{cast.assist.pk}/plan/people/")
    assert people.status_code == 200
    assert cast.reader.full_name not in people.content.decode()  # no staff picker
    assert her.get(f"/assists/{cast.assist.pk}/plan/details/").status_code == 403
    assert her.get(f"/assists/{cast.assist.pk}/wall/").status_code == 200
    me = ApiClient().login(nell).get(f"/api/v1/assists/{cast.assist.pk}/board").json()["me"]
    assert me["role"] == "facilitator"
