"""/healthz really exercises the database and the channel layer, and names what is down."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.servers import ServerProcess, ServerStack, free_port


@pytest.mark.django_db
def test_healthz_reports_every_part_ok(client) -> None:  # type: ignore[no-untyped-def]
    """With the database and channel layer up, /healthz answers 200 and says so per part."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"
    assert body["version"]


def _healthz(server: ServerProcess) -> tuple[int, dict[str, str]]:
    try:
        with urlopen(f"{server.url}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.slow
def test_healthz_names_the_channel_layer_when_redis_is_unreachable(tmp_path: Path) -> None:
    """A server whose Redis does not answer reports 503 and names the channel layer."""
    stack = ServerStack(tmp_path, demo=False)
    try:
        stack.env["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
        server = ServerProcess(stack, free_port())
        stack.servers.append(server)
        server.start(wait_healthy=False)
        status, body = _healthz(server)
        assert status == 503
        assert body["channel_layer"] == "unavailable"
        assert body["database"] == "ok"
        assert body["status"] == "unavailable"
    finally:
        stack.close()


@pytest.mark.slow
def test_healthz_names_the_database_when_it_is_unreachable(tmp_path: Path) -> None:
    """A server whose database does not answer reports 503 and names the database."""
    stack = ServerStack(tmp_path, demo=False)
    try:
        stack.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
        server = ServerProcess(stack, free_port())
        stack.servers.append(server)
        server.start(wait_healthy=False)
        status, body = _healthz(server)
        assert status == 503
        assert body["database"] == "unavailable"
        assert body["channel_layer"] == "ok"
    finally:
        stack.close()
