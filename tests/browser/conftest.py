"""Chromium through Playwright against a real server process with the demo data.

Sign-in copies a session cookie into the browser context (fast); axe runs on each page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import missing_service
from tests.servers import ServerProcess, ServerStack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "peer-assist-demo"


@pytest.fixture(scope="session")
def server_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerStack]:
    stack = ServerStack(tmp_path_factory.mktemp("browser-server"))
    yield stack
    stack.close()


@pytest.fixture(scope="session")
def server(server_stack: ServerStack) -> ServerProcess:
    return server_stack.start_server()


# Module scope: Playwright's sync API keeps an event loop running in the main thread while
# it is open, which would stop later async tests (pytest-asyncio) from starting their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def session_cookie_for(server: ServerProcess, email: str) -> dict[str, str]:
    """Sign in over HTTP and return the session cookie, to copy into a browser context."""
    import httpx

    with httpx.Client(base_url=server.url, follow_redirects=False) as client:
        page = client.get("/accounts/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "sign-in page has no CSRF token"
        response = client.post(
            "/accounts/sign-in/",
            data={
                "username": email,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Referer": f"{server.url}/accounts/sign-in/"},
        )
        assert response.status_code == 302, f"sign-in failed for {email}: {response.status_code}"
        return {"name": "sessionid", "value": client.cookies["sessionid"]}


@pytest.fixture
def new_page(browser: Any, server: ServerProcess) -> Iterator[Callable[..., Any]]:
    """``new_page(email=None, width=1280)``: a page in a fresh context, signed in if asked."""
    contexts: list[Any] = []

    def make(email: str | None = None, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}
        )
        contexts.append(context)
        if email:
            cookie = session_cookie_for(server, email)
            context.add_cookies([{**cookie, "url": server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page: Any, context: str = "") -> None:
    """axe finds no WCAG 2.2 A/AA violation on the page as it is now, once it has loaded:
    run while a page that a click opened still waits for its stylesheet, axe measures the
    unstyled page (its links are then too small to touch, say)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            },
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    summary = "\n".join(
        f"- {v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{[n['target'] for n in v['nodes'][:3]]})"
        for v in violations
    )
    assert not violations, f"axe violations {context} on {page.url}:\n{summary}"
