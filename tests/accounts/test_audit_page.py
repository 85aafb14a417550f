"""The audit log page and CSV: organisation administrators only, each sees their own."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.test import Client

from peerassist.accounts.models import Membership, Organisation, User
from peerassist.assists.models import Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/audit/", "/accounts/audit.csv"]


@pytest.fixture
def admin(org: Organisation) -> User:
    return UserFactory(
        organisation=org, organisation__role=Membership.Role.ADMIN, full_name="Ada Admin"
    )


@pytest.fixture
def other_admin(other_org: Organisation) -> User:
    return UserFactory(organisation=other_org, organisation__role=Membership.Role.ADMIN)


@pytest.fixture
def activity(live: Live) -> Live:
    """A note, a phase move and a failed sign-in in the organisation."""
    live.set(phase=Phase.ASK)
    ApiClient().login(live.host_lead).post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "Keep the rota.", "kind": "tip"},
    )
    ApiClient().login(live.facilitator).post(
        f"/api/v1/assists/{live.assist.pk}/phase", {"to": "analyse"}
    )
    Client().post("/accounts/sign-in/", {"username": live.colleague.email, "password": "no"})
    return live


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_people_who_are_not_admins_are_refused(
    activity: Live, knowledge_manager: User, path: str
) -> None:
    for user in (activity.host_lead, knowledge_manager):
        answer = signed_in(user).get(path)
        assert answer.status_code == 403
        assert b"Keep the rota" not in answer.content
    assert Client().get(path).status_code == 302  # to sign in
    guest = ApiClient().as_guest(activity.visitor).client
    assert guest.get(path).status_code == 302


def test_an_admin_sees_the_organisations_entries_with_names(activity: Live, admin: User) -> None:
    page = signed_in(admin).get("/accounts/audit/").content.decode()
    assert (
        "<code>note.created</code>" in page
        and "<code>phase.changed</code>" in page
        and "<code>sign_in.failed</code>" in page
    )
    assert "The host_lead" in page  # the actor's name, looked up when shown
    assert "text: Keep the rota." in page
    assert "welcome" in page or "ask → analyse" in page


def test_another_organisations_admin_sees_none_of_it(
    activity: Live, other_admin: User, org: Organisation
) -> None:
    page = signed_in(other_admin).get("/accounts/audit/").content.decode()
    assert "<code>note.created</code>" not in page and "Keep the rota" not in page
    assert signed_in(other_admin).get(f"/accounts/audit/?org={org.pk}").status_code == 403


def test_filters_narrow_by_person_kind_object_and_date(activity: Live, admin: User) -> None:
    client = signed_in(admin)
    by_person = client.get("/accounts/audit/", {"person": "facilitator"}).content.decode()
    assert (
        "<code>phase.changed</code>" in by_person and "<code>note.created</code>" not in by_person
    )
    by_kind = client.get("/accounts/audit/", {"kind": "note"}).content.decode()
    assert "<code>note.created</code>" in by_kind and "<code>phase.changed</code>" not in by_kind
    by_object = client.get(
        "/accounts/audit/",
        {"object_type": "assists.peerassist", "object_id": str(activity.assist.pk)},
    ).content.decode()
    assert (
        "<code>phase.changed</code>" in by_object and "<code>note.created</code>" not in by_object
    )
    future = client.get("/accounts/audit/", {"date_from": "2999-01-01"}).content.decode()
    assert "0 entries" in future


def test_bad_filters_are_explained_beside_the_field(activity: Live, admin: User) -> None:
    answer = signed_in(admin).get(
        "/accounts/audit/", {"date_from": "2026-12-31", "date_to": "2026-01-01"}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in page
    assert "The end date must be on or after the start date." in page
    bad_date = signed_in(admin).get("/accounts/audit/", {"date_from": "yesterday"})
    assert "Enter a valid date." in bad_date.content.decode()


def test_the_csv_has_the_filtered_entries_and_is_itself_audited(
    activity: Live, admin: User
) -> None:
    answer = signed_in(admin).get("/accounts/audit.csv", {"kind": "note"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Who", "From"]
    assert [r[4] for r in rows[1:]] == ["note.created"]
    again = signed_in(admin).get("/accounts/audit/", {"kind": "export"}).content.decode()
    assert "audit-log.csv" in again
