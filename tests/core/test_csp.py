"""No page breaks the Content-Security-Policy with inline styles (it allows none)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/no-such-page/", "/assists/999999/board/", "/lessons/0/"])
def test_the_not_found_page_has_no_inline_style(
    member: User, settings: Any, debug: bool, path: str
) -> None:
    """Also with DEBUG on, as `make run` has it: Django's own debug page has inline CSS."""
    settings.DEBUG = debug
    client = Client()
    client.force_login(member)
    answer = client.get(path)
    assert answer.status_code == 404
    assert "style-src 'self'" in answer["Content-Security-Policy"]
    body = answer.content.decode()
    assert "<style" not in body and "style=" not in body
    assert "Page not found" in body


def test_no_script_sets_an_inline_style() -> None:
    """Scripts change classes or data attributes; app.css holds every style."""
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in (ROOT / "frontend" / "src").glob("*.js")
        for line in path.read_text().splitlines()
        if re.search(r"\.style\.|setAttribute\(\s*['\"]style|style=", line)
    ]
    assert offenders == []


def test_no_served_template_has_an_inline_style() -> None:
    templates = ROOT / "src" / "peerassist" / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if ("style=" in path.read_text() or "<style" in path.read_text())
        and not path.name.endswith("_pdf.html")  # read by WeasyPrint, never served
    ]
    assert offenders == []
