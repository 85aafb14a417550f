"""The test OpenID provider (``tests/oidc_provider``) as a process, and a person's way
through it: its login form, its consent page, and back with a code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.servers import ROOT, free_port

CALLBACK = "http://testserver/accounts/sso/callback/"
PASSWORD = "provider-password-1"
START_TIMEOUT = 120.0  # seconds; generous, the machine is shared


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str


@dataclass
class Provider:
    url: str
    log: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"


CLIENTS = {
    "trust": Client("trust-app", "trust-secret-0123456789"),
    "council": Client("council-app", "council-secret-0123456789"),
    "expired": Client("expired-app", "expired-secret-0123456789"),
    "wrong-audience": Client("wrong-audience-app", "wrong-audience-secret-0123"),
}
PEOPLE = {
    "alice": ("alice@trust.example", "Alice Ash"),
    "bob": ("bob@council.example", "Bob Birch"),
    "mallory": ("mallory@elsewhere.example", "Mallory Moss"),
    "pat": ("pat@sso-test.example", "Pat Rowe"),
}


def provider_config(callback: str = CALLBACK) -> dict[str, object]:
    return {
        "clients": [
            {
                "name": name,
                "client_id": c.client_id,
                "client_secret": c.client_secret,
                "redirect_uris": [callback],
            }
            for name, c in CLIENTS.items()
        ],
        "users": [
            {"email": email, "password": PASSWORD, "name": name} for email, name in PEOPLE.values()
        ],
    }


def provider_start(
    data_dir: Path, callback: str = CALLBACK
) -> tuple[Provider, subprocess.Popen[bytes]]:
    """Start the provider on a free port and wait until it describes itself; its clients
    send people back to ``callback``."""
    config = data_dir / "provider.json"
    config.write_text(json.dumps(provider_config(callback)))
    port = free_port()
    provider = Provider(url=f"http://127.0.0.1:{port}", log=data_dir / "provider.log")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider",
            "--port",
            str(port),
            "--config",
            str(config),
            "--data-dir",
            str(data_dir),
        ],
        cwd=ROOT,
        env=env,
        stdout=provider.log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test OpenID provider stopped:\n{provider.log.read_text()[-3000:]}")
        try:
            answer = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5)
            if answer.status_code == 200:
                return provider, process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"The test OpenID provider did not start:\n{provider.log.read_text()[-3000:]}")


def provider_stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


class _Form(HTMLParser):
    """The first form's action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif (
            tag == "input"
            and self.action is not None
            and not self.done
            and a.get("name")
            and a.get("type") != "submit"
        ):
            self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.done = True


def _form(page: requests.Response) -> tuple[str, dict[str, str]]:
    parser = _Form()
    parser.feed(page.text)
    assert parser.action is not None, page.text[:2000]
    return urljoin(page.url, parser.action), parser.fields


def through_provider(authorize_url: str, person: str, *, allow: bool = True) -> str:
    """Sign in at the provider as ``person`` and answer its consent page; the address it
    sends the browser back to (this site's callback, with code and state)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=30)
    assert "/login/" in page.url, page.text[:2000]
    action, fields = _form(page)
    fields.update(username=PEOPLE[person][0], password=PASSWORD)
    page = browser.post(action, data=fields, headers={"Referer": page.url}, timeout=30)
    assert page.status_code == 200 and "Authorize" in page.text, page.text[:2000]
    action, fields = _form(page)
    if allow:
        fields["allow"] = "Authorize"
    back = browser.post(
        action, data=fields, headers={"Referer": page.url}, allow_redirects=False, timeout=30
    )
    assert back.status_code == 302, back.text[:2000]
    location = back.headers["Location"]
    assert location.startswith(CALLBACK), location
    return location


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def code_of(location: str) -> str:
    match = re.search(r"[?&]code=([^&]+)", location)
    return match.group(1) if match else ""
