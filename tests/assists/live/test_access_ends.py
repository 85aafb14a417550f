"""When a person's access ends, their open sockets close within a second and get nothing after.

Guest link revoked, participant taken off the list, membership ended, account deactivated,
signed out: each closes the socket with 4403; a reconnect goes through the one access check.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from peerassist.accounts import services as accounts
from peerassist.accounts.models import Membership
from peerassist.assists.live import services
from peerassist.assists.models import Phase
from peerassist.assists.planning.services import participant_add_guest
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import communicator, cookie_for, open_as, receive_until
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_within_a_second(comm: WebsocketCommunicator) -> None:
    """The next output other than presence chatter is a 4403 close, within a second."""
    started = time.monotonic()
    async with asyncio.timeout(1):
        while True:
            output = await comm.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                assert output["code"] == 4403
                break
            assert '"presence' in output.get("text", ""), output
    assert time.monotonic() - started < 1


async def note_by(live: Live, who: str) -> None:
    await database_sync_to_async(services.note_create)(
        actor=getattr(live, who),
        assist=live.assist,
        client_id=uuid.uuid4(),
        text="After the door closed.",
        learning_need_id=live.needs[0].pk,
    )


async def refused_on_reconnect(live: Live, who: str) -> None:
    key = await database_sync_to_async(cookie_for)(getattr(live, who))
    comm = communicator(live.assist.pk, key)
    await comm.connect(timeout=10)
    assert await comm.receive_output(timeout=10) == {"type": "websocket.close", "code": 4404}


def as_host(live: Live, method: str, path: str) -> Any:
    """The facilitator's API request, in a thread (the test runs on the event loop)."""

    def call() -> Any:
        return ApiClient().login(live.facilitator).send(method, path)

    return database_sync_to_async(call)()


@pytest.fixture
async def asking(live: Live) -> Live:
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    return live


async def test_a_revoked_guest_is_closed_and_told_nothing_more(asking: Live) -> None:
    live = asking
    visitor = await open_as(live, "visitor")
    await receive_until(visitor, "hello")
    pid = live.people["visitor"].pk
    answer = await as_host(
        live, "POST", f"/api/v1/assists/{live.assist.pk}/invitations/{pid}/revoke"
    )
    assert answer.status_code == 200
    await closed_within_a_second(visitor)
    await note_by(live, "visitor2")
    assert await visitor.receive_nothing(timeout=0.3)
    await refused_on_reconnect(live, "visitor")


async def test_a_guest_taken_off_the_list_is_closed(asking: Live) -> None:
    live = asking
    observer = await open_as(live, "observer")
    await receive_until(observer, "hello")
    pid = live.people["observer"].pk
    answer = await as_host(live, "DELETE", f"/api/v1/assists/{live.assist.pk}/participants/{pid}")
    assert answer.status_code == 204
    await closed_within_a_second(observer)
    await refused_on_reconnect(live, "observer")


async def test_a_colleague_taken_off_the_list_is_closed_only_on_that_peer_assist(
    asking: Live,
) -> None:
    """Their socket reconnects as the colleague they still are (the access check decides)."""
    live = asking
    member = await open_as(live, "host_member")
    await receive_until(member, "hello")
    pid = live.people["host_member"].pk
    answer = await as_host(live, "DELETE", f"/api/v1/assists/{live.assist.pk}/participants/{pid}")
    assert answer.status_code == 204
    await closed_within_a_second(member)
    again = await open_as(live, "host_member")
    hello = await receive_until(again, "hello")
    assert hello["participant_id"] is None
    await again.disconnect()


async def test_an_ended_membership_closes_the_colleagues_socket(asking: Live) -> None:
    live = asking
    colleague = await open_as(live, "colleague")
    await receive_until(colleague, "hello")

    def end() -> None:
        accounts.membership_end(membership=Membership.objects.get(user=live.colleague))

    await database_sync_to_async(end)()
    await closed_within_a_second(colleague)
    await note_by(live, "visitor")
    assert await colleague.receive_nothing(timeout=0.3)
    await refused_on_reconnect(live, "colleague")


async def test_a_deactivated_account_is_closed(asking: Live) -> None:
    live = asking
    lead = await open_as(live, "host_lead")
    await receive_until(lead, "hello")
    await database_sync_to_async(accounts.user_deactivate)(user=live.host_lead)
    await closed_within_a_second(lead)
    await refused_on_reconnect(live, "host_lead")


async def test_signing_out_closes_that_browsers_sockets_only(asking: Live) -> None:
    live = asking

    def signed_in() -> tuple[Client, str]:
        client = Client()
        client.force_login(live.note_taker)
        return client, client.cookies["sessionid"].value

    browser, key = await database_sync_to_async(signed_in)()
    laptop = communicator(live.assist.pk, key)
    assert (await laptop.connect(timeout=10))[0]
    await receive_until(laptop, "hello")
    phone = await open_as(live, "note_taker")  # another session of the same person
    await receive_until(phone, "hello")

    answer: Any = await database_sync_to_async(browser.post)("/accounts/sign-out/")
    assert answer.status_code == 302
    await closed_within_a_second(laptop)
    await note_by(live, "visitor")
    assert (await receive_until(phone, "note.created"))["note"]["text"] == "After the door closed."
    await phone.disconnect()


async def test_a_person_from_another_organisation_revoked_is_closed(
    asking: Live, outsider: Any
) -> None:
    """Invited as herself (her own account), her board socket closes when her invitation is
    revoked, and she cannot come back: she has no membership to fall back on."""
    live = asking

    def invite() -> int:
        participant = participant_add_guest(
            assist=live.assist, name="Oli", email=outsider.email, role="visitor"
        )
        assert participant.user_id == outsider.pk
        return participant.pk

    pid = await database_sync_to_async(invite)()
    live.outsider = outsider  # type: ignore[attr-defined]
    socket = await open_as(live, "outsider")
    hello = await receive_until(socket, "hello")
    assert hello["participant_id"] == pid
    answer = await as_host(
        live, "POST", f"/api/v1/assists/{live.assist.pk}/invitations/{pid}/revoke"
    )
    assert answer.status_code == 200
    await closed_within_a_second(socket)
    await note_by(live, "visitor")
    assert await socket.receive_nothing(timeout=0.3)
    await refused_on_reconnect(live, "outsider")
