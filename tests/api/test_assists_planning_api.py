"""The planning API (/api/v1/assists/...): who may do what, and what a client sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peerassist.assists.models import AgendaItem, Attachment, Participant, PeerAssist, StatusChange
from peerassist.assists.planning.agenda import agenda_apply_template
from tests.assists.planning.planning_fixtures import (  # noqa: F401
    Cast,
    cast_fixture,
    invite_herself,
)
from tests.conftest import ApiClient
from tests.factories import ParticipantFactory

BASE = "/api/v1/assists"
ROLES = [
    "host",
    "facilitator",
    "km",
    "reader",
    "outsider",
    "invited",
    "guest",
    "other_guest",
    "anonymous",
]

# What each kind of route answers each role: "ok" means 2xx.
EXPECTED = {
    "read": {
        "host": "ok",
        "facilitator": "ok",
        "km": "ok",
        "reader": "ok",
        "outsider": 404,
        "invited": "ok",
        "guest": 403,
        "other_guest": 404,
        "anonymous": 401,
    },
    "plan": {
        "host": "ok",
        "facilitator": "ok",
        "km": "ok",
        "reader": 403,
        "outsider": 404,
        "invited": 403,
        "guest": 403,
        "other_guest": 404,
        "anonymous": 401,
    },
    "briefing": {
        "host": "ok",
        "facilitator": "ok",
        "km": "ok",
        "reader": "ok",
        "outsider": 404,
        "invited": "ok",
        "guest": "ok",
        "other_guest": 404,
        "anonymous": 401,
    },
    # Replying to an invitation: the people on the list (the invited facilitator and the
    # guest); colleagues not on it are refused (403), other organisations get 404.
    "reply": {
        "host": 403,
        "facilitator": "ok",
        "km": 403,
        "reader": 403,
        "outsider": 404,
        "invited": "ok",
        "guest": "ok",
        "other_guest": 404,
        "anonymous": 401,
    },
}

ROUTES = [
    ("read", "GET", "/{a}", None),
    ("plan", "PATCH", "/{a}", {"purpose": "Learn before we decide."}),
    ("read", "GET", "/{a}/agenda", None),
    ("plan", "POST", "/{a}/agenda/template", {"template": "short_90"}),
    (
        "plan",
        "POST",
        "/{a}/agenda",
        {"title": "Coffee", "phase": "ask", "lead": "all", "minutes": 10},
    ),
    (
        "plan",
        "PATCH",
        "/{a}/agenda/{item}",
        {"title": "Hello", "phase": "welcome", "lead": "facilitator", "minutes": 10},
    ),
    ("plan", "DELETE", "/{a}/agenda/{item}", None),
    ("plan", "POST", "/{a}/agenda/{item}/move", {"direction": "down"}),
    ("read", "GET", "/{a}/participants", None),
    ("plan", "POST", "/{a}/participants", {"name": "Ada", "email": "ada@else.example"}),
    ("plan", "DELETE", "/{a}/participants/{p}", None),
    ("plan", "POST", "/{a}/invitations/send", None),
    ("plan", "POST", "/{a}/invitations/{p}/resend", None),
    ("plan", "POST", "/{a}/invitations/{p}/revoke", None),
    ("reply", "POST", "/{a}/rsvp", {"rsvp": "accepted", "consent": True}),
    ("read", "GET", "/{a}/status", None),
    ("plan", "POST", "/{a}/status", {"to_status": "planning"}),
    ("read", "GET", "/{a}/logistics", None),
    ("plan", "PUT", "/{a}/logistics", {"ticks": {"facilitator": True}}),
    ("read", "GET", "/{a}/attachments", None),
    ("plan", "DELETE", "/{a}/attachments/{f}", None),
    ("briefing", "GET", "/{a}/briefing", None),
]


def invite(cast: Cast, user: Any) -> None:
    """Mark a colleague on the list invited, as "Send invitations" does."""
    Participant.objects.filter(assist=cast.assist, user=user).update(
        rsvp=Participant.Rsvp.PENDING, invited_at=timezone.now()
    )


def on_the_list(cast: Cast, user: Any, role: str) -> None:
    """Put a colleague on the peer assist's list (not yet invited)."""
    ParticipantFactory(
        assist=cast.assist, user=user, guest=None, role=role, display_name=user.full_name
    )


def client_for(cast: Cast, role: str) -> ApiClient:
    client = ApiClient()
    client._csrf()  # fetch the CSRF cookie while signed out (signed in, sign-in redirects)
    if role == "anonymous":
        return client
    actor = cast.actor(role)
    return client.as_guest(actor) if "guest" in role else client.login(actor)


def prepare(cast: Cast) -> dict[str, int]:
    invite_herself(cast)
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    invite(cast, cast.facilitator)
    attachment = Attachment.objects.create(
        assist=cast.assist,
        file=SimpleUploadedFile("a.txt", b"hello"),
        original_name="a.txt",
        content_type="text/plain",
        size=5,
    )
    return {
        "a": cast.assist.pk,
        "item": cast.assist.agenda_items.first().pk,  # type: ignore[union-attr]
        "p": cast.guest.participant.pk,
        "f": attachment.pk,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "method", "path", "body"), ROUTES)
def test_every_planning_route_answers_each_role(
    cast: Cast, role: str, kind: str, method: str, path: str, body: Any
) -> None:
    """Planners edit, the organisation reads, guests reach only their reply and briefing,
    other organisations and other guests get 404, and nobody signed out gets in."""
    ids = prepare(cast)
    client = client_for(cast, role)
    url = BASE + path.format(**ids)
    response = client.get(url) if method == "GET" else client.send(method, url, body)
    expected = EXPECTED[kind][role]
    if expected == "ok":
        assert response.status_code < 300, (response.status_code, response.content[:300])
    else:
        assert response.status_code == expected, response.content[:300]
        assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("host", 201),
        ("km", 201),
        ("facilitator", 403),
        ("reader", 403),
        ("outsider", 404),
        ("guest", 403),
        ("anonymous", 401),
    ],
)
def test_creating_a_peer_assist_needs_the_host_team(cast: Cast, role: str, expected: int) -> None:
    """Only the project's host team and knowledge managers create a peer assist for it."""
    response = client_for(cast, role).post(
        BASE, {"project_id": cast.assist.project_id, "title": "Second"}
    )
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role", ["host", "reader", "outsider", "guest", "anonymous"])
def test_uploading_an_attachment_is_for_planners_only(cast: Cast, role: str) -> None:
    """Planners upload papers; nobody else can, and nothing is stored for them."""
    client = client_for(cast, role)
    response = client.client.post(
        f"{BASE}/{cast.assist.pk}/attachments",
        {"file": SimpleUploadedFile("notes.txt", b"Some notes", content_type="text/plain")},
        headers={"X-CSRFToken": client._csrf()},
    )
    expected = {"host": 201, "reader": 403, "outsider": 404, "guest": 403, "anonymous": 401}[role]
    assert response.status_code == expected
    assert Attachment.objects.count() == (1 if role == "host" else 0)


def test_a_plan_is_created_with_warnings_and_read_back(cast: Cast) -> None:
    """A new plan starts in draft; its warnings say what to fix and why."""
    api = client_for(cast, "host")
    response = api.post(
        BASE,
        {
            "project_id": cast.assist.project_id,
            "title": "Learning from Harbour",
            "mode": "online",
            "video_link": "https://meet.example.org/abc",
            "date": str(timezone.localdate() + timedelta(days=10)),
            "starts_at": "09:30",
            "ends_at": "12:30",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["bar_id"] == cast.assist.bar_id
    codes = {w["code"] for w in body["warnings"]}
    assert {"no_open_decisions", "too_short", "visitor_count", "no_briefing_pack"} <= codes
    assert all(w["reason"] for w in body["warnings"])
    assert {m["value"] for m in body["allowed_moves"]} == {"planning", "closed"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"date": "2001-01-01"}, "date_in_past"),
        ({"starts_at": "12:00", "ends_at": "11:00"}, "end_before_start"),
        ({"title": "   "}, "title_required"),
        ({"mode": "carrier pigeon"}, "bad_mode"),
        ({"video_link": "javascript:alert(1)"}, "bad_video_link"),
        ({"bar_id": 999999}, "bad_bar"),
        ({"date": "not a date"}, "invalid"),
        ({"title": "x" * 201}, "invalid"),
    ],
)
def test_bad_plan_input_is_refused_and_nothing_changes(
    cast: Cast, change: dict[str, Any], code: str
) -> None:
    """Past dates, end before start, bad links or unknown BARs get a clear 400; no change."""
    before = PeerAssist.objects.values().get(pk=cast.assist.pk)
    response = client_for(cast, "host").patch(f"{BASE}/{cast.assist.pk}", change)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert PeerAssist.objects.values().get(pk=cast.assist.pk) == before


def test_agenda_from_template_then_edited_reordered_and_totalled(cast: Cast) -> None:
    """A template fills the agenda; items can be added, moved and removed; the total follows."""
    api = client_for(cast, "host")
    url = f"{BASE}/{cast.assist.pk}/agenda"
    body = api.post(url + "/template", {"template": "short_90"}).json()
    assert body["total_minutes"] == 90
    assert [i["phase"] for i in body["items"]] == [
        "welcome",
        "tell",
        "ask",
        "analyse",
        "actions",
        "close",
    ]
    first = body["items"][0]["id"]
    body = api.post(f"{url}/{first}/move", {"direction": "down"}).json()
    assert [i["id"] for i in body["items"]].index(first) == 1
    added = api.post(url, {"title": "Break", "phase": "ask", "lead": "all", "minutes": 15})
    assert added.status_code == 201
    assert api.get(url).json()["total_minutes"] == 105
    assert api.delete(f"{url}/{added.json()['id']}").status_code == 204
    assert api.get(url).json()["total_minutes"] == 90
    bad = api.post(url, {"title": "Long", "phase": "ask", "lead": "all", "minutes": 0})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_minutes"
    assert api.post(url + "/template", {"template": "nope"}).json()["code"] == "bad_template"
    assert api.post(f"{url}/999999/move", {"direction": "up"}).status_code == 404


def test_host_presentation_over_a_quarter_warns(cast: Cast) -> None:
    """Making the host's "tell" longer than 25% of the session shows the warning with its reason."""
    api = client_for(cast, "host")
    agenda = api.post(f"{BASE}/{cast.assist.pk}/agenda/template", {"template": "short_90"}).json()
    tell = next(i for i in agenda["items"] if i["phase"] == "tell")
    body = api.patch(
        f"{BASE}/{cast.assist.pk}/agenda/{tell['id']}",
        {"title": tell["title"], "phase": "tell", "lead": "host", "minutes": 60},
    )
    assert body.status_code == 200
    warnings = api.get(f"{BASE}/{cast.assist.pk}/agenda").json()["warnings"]
    long = [w for w in warnings if w["code"] == "host_presentation_long"]
    assert long and "quarter" in long[0]["reason"]


def test_participants_colleagues_and_visitors(cast: Cast) -> None:
    """Colleagues come from the organisation; visitors become guests of this peer assist only."""
    api = client_for(cast, "host")
    url = f"{BASE}/{cast.assist.pk}/participants"
    colleague = api.post(url, {"user_id": cast.colleague.pk, "role": "note_taker"})
    assert colleague.status_code == 201
    assert colleague.json()["kind"] == "colleague"
    visitor = api.post(
        url,
        {
            "name": "Ada Lovelace",
            "email": "ADA@Else.example",
            "organisation_name": "Analytical Trust",
            "role": "visitor",
            "experience": "Ran the same clinic for 3 years.",
        },
    )
    assert visitor.status_code == 201, visitor.content
    assert visitor.json()["email"] == "ada@else.example"
    participant = Participant.objects.get(pk=visitor.json()["id"])
    assert participant.guest.scope_kind == "peer_assist"
    assert participant.guest.scope_id == cast.assist.pk
    for body, code in [
        ({"user_id": cast.outsider.pk, "role": "visitor"}, "unknown_participant"),
        ({"user_id": 999999, "role": "visitor"}, "unknown_participant"),
        ({"name": "No Mail", "email": "nope", "role": "visitor"}, "bad_email"),
        ({"name": "Ada", "email": "ada@else.example", "role": "visitor"}, "duplicate"),
        ({"name": "Ada", "email": "a2@else.example", "role": "host_lead"}, "bad_role"),
        ({"role": "visitor"}, "unknown_participant"),
    ]:
        response = api.post(url, body)
        assert response.status_code in {400, 409}, body
        assert response.json()["code"] == code
    assert Participant.objects.filter(assist=cast.assist).count() == 4
    assert api.delete(f"{url}/999999").status_code == 404


def test_sending_invitations_emails_links_and_calendar_and_moves_status(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """Invitations go by e-mail with a signed guest link or page link and a parseable .ics,
    from the task worker once the request has committed; the plan moves to "invitations
    sent" and each move is recorded with who."""
    api = client_for(cast, "host")
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    api.post(
        f"{BASE}/{cast.assist.pk}/participants",
        {"user_id": cast.colleague.pk, "role": "host_member"},
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = api.post(f"{BASE}/{cast.assist.pk}/invitations/send")
        assert response.status_code == 200, response.content
        assert {p["rsvp"] for p in response.json()} == {"pending"}
        assert {p["invitation_sent_at"] for p in response.json()} == {None}
        assert mail.outbox == []  # nothing is e-mailed inside the request
    assert len(queued) == 1
    assert len(mail.outbox) == 3
    assert all(
        p.invitation_sent_at is not None and p.invitation_sent_at >= p.invited_at
        for p in Participant.objects.filter(assist=cast.assist)
    )
    by_to = {m.to[0]: m for m in mail.outbox}
    guest_mail = by_to[cast.guest.email]
    assert "/accounts/guest/" in guest_mail.body
    assert guest_mail.body.startswith("Dear Vera Visitor,")
    assert "Welcome, aims and introductions (15 min)" in guest_mail.body
    assert cast.assist.date.strftime("%-d %B %Y") in guest_mail.body
    assert "works until" in guest_mail.body  # the link's expiry is stated
    assert cast.assist.title in guest_mail.subject
    colleague_mail = by_to[cast.colleague.email]
    assert f"/assists/{cast.assist.pk}/" in colleague_mail.body
    assert "/accounts/guest/" not in colleague_mail.body
    name, content, mimetype = guest_mail.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == f"Peer assist: {cast.assist.title}"
    assert event.decoded("dtstart").date() == cast.assist.date
    assert str(event["attendee"]).lower() == f"mailto:{cast.guest.email}"
    status = api.get(f"{BASE}/{cast.assist.pk}/status").json()
    assert status["status"] == "invited"
    assert [(h["from_status"], h["to_status"]) for h in status["history"]] == [
        ("draft", "planning"),
        ("planning", "invited"),
    ]
    assert status["history"][0]["by"] == cast.host.full_name
    again = api.post(f"{BASE}/{cast.assist.pk}/invitations/send")
    assert again.status_code == 400 and again.json()["code"] == "nobody_to_invite"


def test_resend_voids_the_old_link_and_revoke_shuts_the_door(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """A resent invitation carries a new link and the old one stops working; revoke ends it."""
    api = client_for(cast, "host")
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"{BASE}/{cast.assist.pk}/invitations/send")
    old_link = mail.outbox[-1].body.split("/accounts/guest/")[1].split("/")[0]
    pid = cast.guest.participant.pk
    with django_capture_on_commit_callbacks(execute=True):
        resent = api.post(f"{BASE}/{cast.assist.pk}/invitations/{pid}/resend")
    assert resent.status_code == 200
    assert len(mail.outbox) == 3
    new_link = mail.outbox[-1].body.split("/accounts/guest/")[1].split("/")[0]
    assert new_link != old_link
    visitor = ApiClient()
    assert visitor.get(f"/accounts/guest/{old_link}/").status_code == 404
    entered = visitor.get(f"/accounts/guest/{new_link}/")
    assert entered.status_code == 302
    assert entered["Location"] == f"/assists/{cast.assist.pk}/invitation/"
    assert visitor.get(f"{BASE}/{cast.assist.pk}/briefing").status_code == 200
    revoked = api.post(f"{BASE}/{cast.assist.pk}/invitations/{pid}/revoke")
    assert revoked.json()["invitation_active"] is False
    assert visitor.get(f"{BASE}/{cast.assist.pk}/briefing").status_code == 401
    assert ApiClient().get(f"/accounts/guest/{new_link}/").status_code == 404


def test_guest_replies_with_consent_and_planners_see_it(cast: Cast) -> None:
    """A guest accepts only with consent; declining needs none; planners see the reply."""
    guest_api = client_for(cast, "guest")
    url = f"{BASE}/{cast.assist.pk}/rsvp"
    refused = guest_api.post(url, {"rsvp": "accepted", "consent": False})
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    assert guest_api.post(url, {"rsvp": "maybe"}).json()["code"] == "bad_rsvp"
    assert guest_api.post(url, {"rsvp": "tentative", "consent": True}).json()["rsvp"] == "tentative"
    cast.guest.refresh_from_db()
    assert cast.guest.consent_given_at is not None
    assert guest_api.post(url, {"rsvp": "declined"}).json()["rsvp"] == "declined"
    people = client_for(cast, "host").get(f"{BASE}/{cast.assist.pk}/participants").json()
    assert {p["display_name"]: p["rsvp"] for p in people}["Vera Visitor"] == "declined"


def test_colleague_on_the_list_replies_to_their_invitation_and_planners_see_it(
    cast: Cast,
) -> None:
    """A colleague with an account answers through the same route as guests, for every role
    they hold; planners see the answer. No consent is asked: their account covers it."""
    on_the_list(cast, cast.facilitator, Participant.Role.NOTE_TAKER)
    invite(cast, cast.facilitator)
    api = client_for(cast, "facilitator")
    url = f"{BASE}/{cast.assist.pk}/rsvp"
    accepted = api.post(url, {"rsvp": "accepted"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["rsvp"] == "accepted"
    assert set(
        Participant.objects.filter(user=cast.facilitator).values_list("rsvp", flat=True)
    ) == {"accepted"}
    assert api.post(url, {"rsvp": "declined"}).json()["rsvp"] == "declined"
    people = client_for(cast, "host").get(f"{BASE}/{cast.assist.pk}/participants").json()
    assert {p["rsvp"] for p in people if p["display_name"] == cast.facilitator.full_name} == {
        "declined"
    }


def test_a_colleague_reply_is_refused_with_the_reason(cast: Cast) -> None:
    """Bad answers are 400, a colleague not on the list 403, one not yet invited 409 and
    another organisation 404, each with a message that says why; nothing changes."""
    url = f"{BASE}/{cast.assist.pk}/rsvp"
    invite(cast, cast.facilitator)
    facilitator = client_for(cast, "facilitator")
    for body in ({"rsvp": "maybe"}, {"rsvp": ""}, {"rsvp": "not_invited"}):
        response = facilitator.post(url, body)
        assert response.status_code == 400, body
        assert response.json() == {"detail": "Answer yes, no or maybe.", "code": "bad_rsvp"}
    missing = facilitator.post(url, {})
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert "rsvp" in missing.json()["detail"]

    reader = client_for(cast, "reader").post(url, {"rsvp": "accepted"})
    assert reader.status_code == 403
    assert reader.json()["code"] == "not_a_participant"
    assert "Only the people on this peer assist's list" in reader.json()["detail"]

    on_the_list(cast, cast.colleague, Participant.Role.HOST_MEMBER)
    early = ApiClient()
    early._csrf()
    early = early.login(cast.colleague).post(url, {"rsvp": "accepted"})
    assert early.status_code == 409
    assert early.json()["code"] == "not_invited_yet"

    outsider = client_for(cast, "outsider").post(url, {"rsvp": "accepted"})
    assert outsider.status_code == 404
    assert outsider.json() == {"detail": "No such peer assist.", "code": "not_found"}
    assert set(Participant.objects.filter(assist=cast.assist).values_list("rsvp", flat=True)) == {
        "pending",
        "not_invited",
    }


def test_illegal_status_moves_are_refused_with_the_reason(cast: Cast) -> None:
    """Draft cannot jump to live; the reason is given and nothing is recorded."""
    api = client_for(cast, "host")
    response = api.post(f"{BASE}/{cast.assist.pk}/status", {"to_status": "live"})
    assert response.status_code == 409
    assert "cannot move" in response.json()["detail"]
    assert api.post(f"{BASE}/{cast.assist.pk}/status", {"to_status": "bogus"}).status_code == 400
    assert not StatusChange.objects.exists()
    ok = api.post(f"{BASE}/{cast.assist.pk}/status", {"to_status": "planning", "reason": "Go"})
    assert ok.json()["history"][-1]["reason"] == "Go"


def test_logistics_ticks_are_stored_and_unknown_items_refused(cast: Cast) -> None:
    api = client_for(cast, "host")
    url = f"{BASE}/{cast.assist.pk}/logistics"
    items = api.put(url, {"ticks": {"facilitator": True, "note_taker": True}}).json()
    assert {i["key"]: i["done"] for i in items}["note_taker"] is True
    assert api.put(url, {"ticks": {"unicorn": True}}).json()["code"] == "unknown_checklist_item"
    cast.assist.refresh_from_db()
    assert cast.assist.logistics["ticks"] == {"facilitator": True, "note_taker": True}


def test_attachments_check_type_content_and_size(cast: Cast, settings: Any) -> None:
    """Only allowed file types whose content matches are stored; an oversize file gets 413."""
    settings.MAX_UPLOAD_BYTES = 1024
    api = client_for(cast, "host")
    url = f"{BASE}/{cast.assist.pk}/attachments"

    def upload(name: str, data: bytes) -> Any:
        return api.client.post(
            url, {"file": SimpleUploadedFile(name, data)}, headers={"X-CSRFToken": api._csrf()}
        )

    ok = upload("context.pdf", b"%PDF-1.4 hello")
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "application/pdf"
    assert upload("evil.html", b"<script>").json()["code"] == "bad_file_type"
    assert upload("fake.pdf", b"MZ\x90\x00").json()["code"] == "bad_file_content"
    big = upload("big.txt", b"x" * 5000)
    assert big.status_code == 413
    assert "too big" in big.json()["detail"]
    assert Attachment.objects.count() == 1
    download = api.client.get(ok.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    assert django_client_for(cast, "outsider").get(ok.json()["download_url"]).status_code == 404


def django_client_for(cast: Cast, role: str) -> Any:
    return client_for(cast, role).client


def test_agenda_list_query_count_does_not_grow(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    """Reading the plan costs the same queries with 6 or 30 agenda items and participants."""
    api = client_for(cast, "host")
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    api.get(f"{BASE}/{cast.assist.pk}")
    with django_assert_max_num_queries(20) as small:
        api.get(f"{BASE}/{cast.assist.pk}")
    for n in range(24):
        AgendaItem.objects.create(
            assist=cast.assist, title=f"i{n}", phase="ask", minutes=5, order=10 + n
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        api.get(f"{BASE}/{cast.assist.pk}")


def test_patch_with_nulls_keeps_required_fields(cast: Cast) -> None:
    """Sending null for a field that cannot be empty leaves it as it was (never a 500)."""
    api = client_for(cast, "host")
    response = api.patch(f"{BASE}/{cast.assist.pk}", {"title": None, "mode": None, "date": None})
    assert response.status_code == 200
    assert response.json()["title"] == cast.assist.title
    assert response.json()["date"] is None


def test_a_facilitator_from_the_host_team_is_warned_about(cast: Cast) -> None:
    """Making a host team member the facilitator shows the warning with its reason."""
    api = client_for(cast, "host")
    url = f"{BASE}/{cast.assist.pk}"
    assert "facilitator_in_host_team" not in {w["code"] for w in api.get(url).json()["warnings"]}
    api.post(f"{url}/participants", {"user_id": cast.host.pk, "role": "facilitator"})
    warnings = {w["code"]: w for w in api.get(url).json()["warnings"]}
    assert "outside the host team" in warnings["facilitator_in_host_team"]["reason"]
