"""Erasure: an administrator anonymises a person, confirmed by typing the name; what they
wrote stays as "Former participant (role, organisation)"; recorded in the audit log."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.assists.models import Note, Participant, Phase
from peerassist.audit.models import AuditEntry
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org: Organisation) -> User:
    return UserFactory(organisation=org, organisation__role=Membership.Role.ADMIN)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_erasing_a_user_keeps_their_notes_under_a_former_participant_label(
    live: Live, admin: User
) -> None:
    live.set(phase=Phase.ASK)
    lead = live.host_lead
    ApiClient().login(lead).post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": str(uuid.uuid4()), "text": "Keep the rota.", "kind": "tip"},
    )
    answer = signed_in(admin).post(
        "/accounts/erase/", {"email": lead.email, "confirm_name": f"  {lead.full_name.upper()} "}
    )
    assert answer.status_code == 200, answer.content
    lead.refresh_from_db()
    assert lead.full_name == "Former participant (Member, Northmoor Trust)"
    assert "host" not in lead.email and not lead.is_active and not lead.has_usable_password()
    place = Participant.objects.get(user=lead)
    assert place.display_name == "Former participant (Host lead)"
    assert Note.objects.filter(assist=live.assist, text="Keep the rota.").exists()
    board = ApiClient().login(live.facilitator).get(f"/api/v1/assists/{live.assist.pk}/board")
    assert "The host_lead" not in board.content.decode()
    [entry] = AuditEntry.objects.filter(kind="erasure")
    assert entry.subject_user_id == lead.pk and entry.actor_user_id == admin.pk
    assert (
        Client()
        .post("/accounts/sign-in/", {"username": lead.email, "password": PASSWORD})
        .status_code
        == 200
    )  # refused: the form again


def test_erasing_a_guest_voids_their_link_and_profile(live: Live, admin: User) -> None:
    visitor = live.visitor
    answer = signed_in(admin).post(
        "/accounts/erase/", {"email": visitor.email, "confirm_name": visitor.name}
    )
    assert answer.status_code == 200
    visitor.refresh_from_db()
    assert visitor.name.startswith("Former participant (Visitor")
    assert visitor.experience == "" and not visitor.is_active
    assert Participant.objects.get(guest=visitor).display_name.startswith("Former participant")
    assert AuditEntry.objects.filter(kind="erasure", subject_guest_id=visitor.pk).exists()


def test_the_wrong_name_erases_nothing(live: Live, admin: User) -> None:
    lead = live.host_lead
    answer = signed_in(admin).post(
        "/accounts/erase/", {"email": lead.email, "confirm_name": "Somebody else"}
    )
    assert answer.status_code == 400
    assert "full name exactly as shown" in answer.content.decode()
    lead.refresh_from_db()
    assert lead.full_name == "The host_lead" and lead.is_active
    assert not AuditEntry.objects.filter(kind="erasure").exists()


def test_only_an_admin_of_their_organisation_can_erase(
    live: Live, knowledge_manager: User, other_org: Organisation
) -> None:
    other_admin = UserFactory(organisation=other_org, organisation__role=Membership.Role.ADMIN)
    lead = live.host_lead
    body = {"email": lead.email, "confirm_name": lead.full_name}
    assert signed_in(knowledge_manager).post("/accounts/erase/", body).status_code == 403
    assert signed_in(live.host_member).get("/accounts/erase/").status_code == 403
    answer = signed_in(other_admin).post("/accounts/erase/", body)
    assert answer.status_code == 400
    assert "Nobody in Elsewhere Council has that e-mail address." in answer.content.decode()
    assert Client().get("/accounts/erase/").status_code == 302
    assert not Guest.objects.filter(name__startswith="Former").exists()
    lead.refresh_from_db()
    assert lead.is_active


def test_an_admin_of_two_organisations_erases_in_the_one_chosen(
    live: Live, admin: User, other_org: Organisation
) -> None:
    """``?org=`` picks the organisation, as on the other governance pages; the form posts
    back to it; an organisation the person does not administer is refused."""
    Membership.objects.create(user=admin, organisation=other_org, role=Membership.Role.ADMIN)
    theirs = UserFactory(organisation=other_org, full_name="Their Person")
    client = signed_in(admin)
    page = client.get(f"/accounts/erase/?org={other_org.pk}").content.decode()
    assert other_org.name in page and f'action="/accounts/erase/?org={other_org.pk}"' in page
    body = {"email": theirs.email, "confirm_name": "Their Person"}
    elsewhere = client.post(f"/accounts/erase/?org={live.assist.organisation_id}", body)
    assert elsewhere.status_code == 400
    theirs.refresh_from_db()
    assert theirs.is_active
    done = client.post(f"/accounts/erase/?org={other_org.pk}", body)
    assert done.status_code == 200
    theirs.refresh_from_db()
    assert not theirs.is_active and theirs.full_name != "Their Person"
    stranger = UserFactory()
    Membership.objects.create(user=stranger, organisation=other_org, role=Membership.Role.MEMBER)
    refused = signed_in(stranger).get(f"/accounts/erase/?org={other_org.pk}")
    assert refused.status_code == 403
    assert "Only your organisation&#x27;s administrators can erase its people" in (
        refused.content.decode()
    )
    assert client.get("/accounts/erase/?org=999999").status_code == 403
    assert client.get("/accounts/erase/?org=abc").status_code == 404
