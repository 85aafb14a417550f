"""The API's documentation page works behind the app's own CSP, with no CDN to reach."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_page_renders_the_operations_from_local_assets(new_page: Any) -> None:
    """Swagger UI loads from our static files and lists the API's operations; nothing blocked."""
    page = new_page("host.lead@northmoor.example")
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/api/v1/docs")
    page.get_by_role("heading", name="Peer Assist API").wait_for()
    assert page.locator(".opblock").count() > 50
    assert failed == []
    blocked = [e for e in page.console_errors if "Content Security Policy" in e]
    assert blocked == []
