"""The sign-in lock-out: forged forwarding headers do not reset it, and an account tried
from many addresses is locked too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from peerassist.accounts.models import User
from tests.factories import PASSWORD
from tests.servers import ServerProcess, ServerStack, free_port

LOCKED = b"Too many sign-in attempts"


def sign_in(client: Client, email: str, password: str, address: str) -> Any:
    return client.post(
        "/accounts/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_tried_from_many_addresses_is_locked(
    client: Client, member: User, settings: Any
) -> None:
    """Four failures from each of five addresses stay under the per-address limit (5), but the
    twentieth reaches the account's limit: the right password from a new address is refused."""
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    answers = [
        sign_in(client, member.email, "wrong-password", f"10.0.0.{n}")
        for n in range(5)
        for _ in range(4)
    ]
    assert all(LOCKED not in a.content for a in answers[:19])
    assert LOCKED in answers[19].content
    answer = sign_in(client, member.email, PASSWORD, "10.0.0.99")
    assert answer.status_code in {403, 429}
    assert LOCKED in answer.content


def test_failures_from_one_address_do_not_lock_others_out_early(
    client: Client, member: User
) -> None:
    """Five failures from one address lock that address; the owner elsewhere still gets in."""
    for _ in range(5):
        sign_in(client, member.email, "wrong-password", "10.0.0.1")
    assert LOCKED in sign_in(client, member.email, PASSWORD, "10.0.0.1").content
    assert sign_in(Client(), member.email, PASSWORD, "10.0.0.2").status_code == 302


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real `peerassist serve` with the production lock-out limit and no trusted proxy."""
    stack = ServerStack(tmp_path / "stack", demo=False)
    stack.env["AXES_FAILURE_LIMIT"] = "5"
    stack.env.pop("PEERASSIST_TRUSTED_PROXIES", None)
    try:
        yield stack.start_server(free_port())
    finally:
        stack.close()


@pytest.mark.timeout(120)
def test_a_made_up_x_forwarded_for_does_not_dodge_the_lock_out(server: ServerProcess) -> None:
    """From a client that is not a configured proxy, every forged address counts as one."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        http.get("/accounts/sign-in/")
        token = http.cookies["csrftoken"]
        answers = []
        for n in range(6):
            answers.append(
                http.post(
                    "/accounts/sign-in/",
                    data={
                        "username": "someone@example.org",
                        "password": "wrong",
                        "csrfmiddlewaretoken": token,
                    },
                    headers={"X-Forwarded-For": f"203.0.113.{n}", "Referer": server.url},
                )
            )
    assert all(LOCKED not in a.content for a in answers[:4])
    assert LOCKED in answers[5].content
