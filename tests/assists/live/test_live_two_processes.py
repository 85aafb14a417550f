"""Two server processes sharing PostgreSQL and Redis are one live session.

A note posted through one process reaches a WebSocket client of the other at once.
"""

from __future__ import annotations

import json
import os
import random
import re
import string
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import missing_service
from tests.servers import ServerProcess, ServerStack

pytestmark = [pytest.mark.services, pytest.mark.slow]

HOST_LEAD = "host.lead@northmoor.example"
VISITOR = "lead@eastbridge.example"


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[ServerStack, ServerProcess, ServerProcess]]:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        missing_service("DATABASE_URL does not point at PostgreSQL")
    if not os.environ.get("REDIS_URL"):
        missing_service("REDIS_URL is not set")
    stack = ServerStack(tmp_path / "two")
    try:
        yield stack, stack.start_server(), stack.start_server()
    finally:
        stack.close()


def signed_in(server: ServerProcess, email: str) -> Any:
    """An httpx client signed in on this server, with its CSRF token at hand."""
    import httpx

    from tests.browser.conftest import DEMO_PASSWORD

    client = httpx.Client(base_url=server.url)
    page = client.get("/accounts/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    answer = client.post(
        "/accounts/sign-in/",
        data={"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    assert answer.status_code == 302, answer.status_code
    return client


def test_a_note_posted_on_one_process_reaches_a_socket_on_the_other(
    two_servers: tuple[ServerStack, ServerProcess, ServerProcess],
) -> None:
    """Host lead writes through server A; a visitor's socket on server B gets note.created."""
    from websockets.sync.client import connect

    stack, server_a, server_b = two_servers
    assist_id = int(
        stack.manage(
            "shell",
            "-c",
            "from peerassist.assists.models import PeerAssist; "
            "from peerassist.assists.live.demo import LIVE_TITLE; "
            "print(PeerAssist.objects.get(title=LIVE_TITLE).pk)",
        )
        .strip()
        .splitlines()[-1]
    )
    writer = signed_in(server_a, HOST_LEAD)
    reader = signed_in(server_b, VISITOR)
    ws_url = f"ws://127.0.0.1:{server_b.port}/ws/assists/{assist_id}/"
    with connect(
        ws_url,
        origin=server_b.url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={reader.cookies['sessionid']}"},
        open_timeout=10,
    ) as socket:
        hello = json.loads(socket.recv(timeout=10))
        assert hello["type"] == "hello"
        # Letters only: a hex tag such as "3ab1e9" can read as a postcode and be held.
        text = f"Across processes {''.join(random.choices(string.ascii_lowercase, k=6))}"
        answer = writer.post(
            f"/api/v1/assists/{assist_id}/notes",
            json={"client_id": str(uuid.uuid4()), "text": text, "kind": "tip"},
            headers={"X-CSRFToken": writer.cookies["csrftoken"]},
        )
        assert answer.status_code == 201, answer.text
        version = answer.json()["version"]
        deadline = time.monotonic() + 10
        while True:
            frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if frame["type"] == "note.created":
                break
        assert frame["note"]["text"] == text
        assert frame["version"] == version
        # What the push said is also what a resync on server B returns.
        since = reader.get(f"/api/v1/assists/{assist_id}/board", params={"since": version - 1})
        assert [n["text"] for n in since.json()["notes"]] == [text]
    writer.close()
    reader.close()
