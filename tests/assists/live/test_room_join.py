"""Joining from a phone with the join code: the page, the waiting list, the facilitator's say,
and every way a code can be wrong (issue #12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Guest
from peerassist.assists.live.join import ALPHABET, CODE_LENGTH, IP_LIMIT
from peerassist.assists.models import (
    JoinAdmission,
    JoinCode,
    JoinRequest,
    Note,
    Participant,
    Phase,
    Status,
)
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def new_code(api: ApiClient, live: Live) -> str:
    response = api.login(live.facilitator).post(f"/api/v1/assists/{live.assist.pk}/joins/code")
    assert response.status_code == 200, response.content
    return str(response.json()["code"])


def join_form(code: str, **changes: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "name": "Priya Shah",
        "organisation_name": "Eastbridge City Council",
        "role": "visitor",
        "attendance": "in_room",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def counts() -> tuple[int, int, int]:
    return (JoinRequest.objects.count(), Guest.objects.count(), Participant.objects.count())


def test_the_facilitator_gets_a_long_code_shown_as_two_groups(api: ApiClient, live: Live) -> None:
    """8 characters from an alphabet without look-alikes, shown ABCD-EFGH, with a QR image."""
    shown = new_code(api, live)
    assert len(shown) == CODE_LENGTH + 1 and shown[4] == "-"
    assert set(shown.replace("-", "")) <= set(ALPHABET)
    joins = api.get(f"/api/v1/assists/{live.assist.pk}/joins").json()
    assert joins["code"] == shown
    assert joins["url"].endswith(f"/join/?code={shown.replace('-', '')}")
    svg = api.get(joins["qr"])
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"<script" not in svg.content


def test_a_visitor_joins_by_hand_waits_and_is_admitted(api: ApiClient, live: Live) -> None:
    """By hand (the default): the phone waits; the facilitator admits; the phone lands on the
    board as a guest of this peer assist only and can post a note."""
    code = new_code(api, live)
    phone = Client()
    response = phone.post("/join/", join_form(code.lower().replace("-", " ")))
    assert response.status_code == 302 and response["Location"] == "/join/waiting/"
    waiting = phone.get("/join/waiting/")
    assert "The facilitator will let you in shortly" in waiting.content.decode()
    assert GUEST_SESSION_KEY not in phone.session

    joins = api.get(f"/api/v1/assists/{live.assist.pk}/joins").json()
    assert [w["name"] for w in joins["waiting"]] == ["Priya Shah"]
    request_id = joins["waiting"][0]["id"]
    decided = api.post(
        f"/api/v1/assists/{live.assist.pk}/joins/{request_id}/decision", {"admit": True}
    )
    assert decided.status_code == 200 and decided.json()["waiting"] == []

    landed = phone.get("/join/waiting/")
    assert landed.status_code == 302
    assert landed["Location"] == f"/assists/{live.assist.pk}/board/"
    participant = Participant.objects.get(display_name="Priya Shah")
    assert participant.role == Participant.Role.VISITOR
    assert participant.attendance == "in_room"
    assert participant.organisation_name == "Eastbridge City Council"
    guest = participant.guest
    assert guest is not None and guest.scope_id == live.assist.pk and guest.consent_given_at

    visitor_api = ApiClient()
    visitor_api.client = phone
    live.set(phase=Phase.ASK)
    note = visitor_api.post(
        f"/api/v1/assists/{live.assist.pk}/notes",
        {"client_id": "5b0c3f55-2f4c-4a53-9f3e-7d3a1c0c0a11", "text": "Start with one team."},
    )
    assert note.status_code == 201
    assert note.json()["note"]["author"]["name"] == "Priya Shah"
    # This peer assist only.
    assert phone.get(f"/assists/{live.other_assist.pk}/board/").status_code == 404


def test_admit_everyone_lets_visitors_straight_in_but_host_team_waits(
    api: ApiClient, live: Live
) -> None:
    """In "admit everyone" a visitor lands on the board at once; somebody who says they are
    on the host team (who analyses the notes) still waits for the facilitator."""
    code = new_code(api, live)
    changed = api.put(
        f"/api/v1/assists/{live.assist.pk}/joins/admission", {"admission": "everyone"}
    )
    assert changed.json()["admission"] == JoinAdmission.EVERYONE
    visitor = Client()
    response = visitor.post("/join/", join_form(code))
    assert response["Location"] == f"/assists/{live.assist.pk}/board/"
    assert visitor.get(response["Location"]).status_code == 200
    host = Client()
    response = host.post("/join/", join_form(code, name="Sam Host", role="host_team"))
    assert response["Location"] == "/join/waiting/"
    request = JoinRequest.objects.get(name="Sam Host")
    assert request.state == JoinRequest.State.WAITING
    api.post(f"/api/v1/assists/{live.assist.pk}/joins/{request.pk}/decision", {"admit": True})
    request.refresh_from_db()
    assert request.participant is not None
    assert request.participant.role == Participant.Role.HOST_MEMBER


def test_refused_people_are_told_and_get_nothing(api: ApiClient, live: Live) -> None:
    code = new_code(api, live)
    phone = Client()
    phone.post("/join/", join_form(code))
    request = JoinRequest.objects.get()
    before = counts()
    api.post(f"/api/v1/assists/{live.assist.pk}/joins/{request.pk}/decision", {"admit": False})
    page = phone.get("/join/waiting/")
    assert page.status_code == 200
    assert "You have not been admitted" in page.content.decode()
    assert counts() == before
    assert phone.get(f"/assists/{live.assist.pk}/board/").status_code == 302  # to sign in
    # Deciding again changes nothing.
    again = api.post(
        f"/api/v1/assists/{live.assist.pk}/joins/{request.pk}/decision", {"admit": True}
    )
    assert again.status_code == 200 and counts() == before


def test_the_waiting_page_hands_htmx_a_redirect_once_admitted(api: ApiClient, live: Live) -> None:
    code = new_code(api, live)
    phone = Client()
    phone.post("/join/", join_form(code))
    partial = phone.get("/join/waiting/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    request = JoinRequest.objects.get()
    api.post(f"/api/v1/assists/{live.assist.pk}/joins/{request.pk}/decision", {"admit": True})
    done = phone.get("/join/waiting/", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"/assists/{live.assist.pk}/board/"


def test_the_qr_link_prefills_the_code_and_names_the_peer_assist(
    api: ApiClient, live: Live
) -> None:
    code = new_code(api, live)
    page = Client().get("/join/", {"code": code.replace("-", "")})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{code}"' in html
    assert live.assist.title in html
    assert "Privacy notice" in html


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("wrong", "That join code is not right"),
        ("rotated", "has been replaced by a new one"),
        ("expired", "That join code has expired"),
        ("past_ask", "past the point where people join"),
        ("closed", "has ended"),
    ],
)
def test_a_code_that_does_not_work_says_why_and_saves_nothing(
    api: ApiClient, live: Live, how: str, message: str
) -> None:
    code = new_code(api, live)
    if how == "wrong":
        code = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"
    elif how == "rotated":
        new_code(api, live)
    elif how == "expired":
        JoinCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    elif how == "past_ask":
        live.set(phase=Phase.ANALYSE, status=Status.ANALYSIS)
    elif how == "closed":
        live.set(status=Status.CLOSED)
    before = counts()
    response = Client().post("/join/", join_form(code))
    assert response.status_code == 404
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert 'href="#id_code"' in html
    assert counts() == before
    # The same reason on the QR link's page.
    page = Client().get("/join/", {"code": code})
    assert page.status_code == 404 and message in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": None}, "consent", "Tick the box to agree"),
        ({"name": "   "}, "name", "Give your name"),
        ({"organisation_name": ""}, "organisation_name", "Give the organisation"),
        ({"role": "facilitator"}, "role", "Say whether you are a visitor or on the host team"),
        ({"code": ""}, "code", "Enter the join code"),
    ],
)
def test_bad_join_forms_say_what_to_fix_and_save_nothing(
    api: ApiClient, live: Live, changes: dict[str, Any], field: str, message: str
) -> None:
    code = new_code(api, live)
    before = counts()
    response = Client().post(
        "/join/", {k: v for k, v in {**join_form(code), **changes}.items() if v is not None}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert counts() == before


def test_guessing_from_one_address_is_stopped(api: ApiClient, live: Live) -> None:
    """After IP_LIMIT tries in ten minutes, even the right code is refused with a wait."""
    code = new_code(api, live)
    guesser = Client()
    for _ in range(IP_LIMIT):
        assert guesser.post("/join/", join_form("ABCD-EFGH")).status_code == 404
    refused = guesser.post("/join/", join_form(code))
    assert refused.status_code == 429
    assert "Too many tries at joining" in refused.content.decode()
    assert JoinRequest.objects.count() == 0
    # Another address is not held up.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/join/", join_form(code)).status_code == 302


def test_one_code_cannot_flood_the_waiting_list(
    api: ApiClient, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each code takes a limited number of tries, whatever the addresses."""
    monkeypatch.setattr("peerassist.assists.live.join.CODE_LIMIT", 3)
    code = new_code(api, live)
    for n in range(3):
        client = Client(REMOTE_ADDR=f"10.0.1.{n}")
        assert client.post("/join/", join_form(code, name=f"P{n}")).status_code == 302
    refused = Client(REMOTE_ADDR="10.0.2.1").post("/join/", join_form(code, name="P9"))
    assert refused.status_code == 429
    assert JoinRequest.objects.count() == 3


def test_signed_in_people_are_not_signed_out_by_the_join_page(live: Live) -> None:
    client = Client()
    client.force_login(live.colleague)
    page = client.get("/join/")
    assert "You are signed in" in page.content.decode()
    response = client.post("/join/", join_form("ABCD-EFGH"))
    assert "You are signed in" in response.content.decode()
    assert JoinRequest.objects.count() == 0
    assert client.get("/assists/").status_code == 200  # still signed in


def test_rotation_and_admission_need_a_valid_mode_and_the_live_phases(
    api: ApiClient, live: Live
) -> None:
    api.login(live.facilitator)
    bad = api.put(f"/api/v1/assists/{live.assist.pk}/joins/admission", {"admission": "all"})
    assert bad.status_code == 400 and "Choose" in bad.json()["detail"]
    live.set(phase=Phase.ANALYSE)
    refused = api.post(f"/api/v1/assists/{live.assist.pk}/joins/code")
    assert refused.status_code == 400 and refused.json()["code"] == "join_closed"
    assert JoinCode.objects.count() == 0
    assert api.get(f"/api/v1/assists/{live.assist.pk}/joins").json()["open"] is False


def test_the_board_shows_the_join_panel_to_the_facilitator_only(api: ApiClient, live: Live) -> None:
    facilitator = Client()
    facilitator.force_login(live.facilitator)
    html = facilitator.get(f"/assists/{live.assist.pk}/board/").content.decode()
    assert 'data-role="join-panel"' in html
    assert f'href="/assists/{live.assist.pk}/wall/"' in html
    host = Client()
    host.force_login(live.host_member)
    html = host.get(f"/assists/{live.assist.pk}/board/").content.decode()
    assert 'data-role="join-panel"' not in html
    assert Note.objects.count() == 0


@pytest.mark.parametrize("admission", ["by_hand", "everyone"])
def test_a_second_tap_on_join_makes_no_second_request(
    api: ApiClient, live: Live, admission: str
) -> None:
    """The same browser sending the same form twice (a double tap, a retry after a dropped
    connection) gets the first request back: one request, at most one guest."""
    code = new_code(api, live)
    api.put(f"/api/v1/assists/{live.assist.pk}/joins/admission", {"admission": admission})
    phone = Client()
    first = phone.post("/join/", join_form(code))
    second = phone.post("/join/", join_form(code))
    assert first["Location"] == second["Location"]
    assert JoinRequest.objects.count() == 1
    assert Guest.objects.filter(email="").count() == (1 if admission == "everyone" else 0)
    # Somebody else on another phone is a new request.
    Client().post("/join/", join_form(code, name="Tom Brennan"))
    assert JoinRequest.objects.count() == 2
