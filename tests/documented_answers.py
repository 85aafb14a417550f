"""Every API answer any test sees must have a status its route documents.

An autouse fixture (imported by tests/conftest.py) wraps Django's test ``Client``: after each
request under ``/api/v1/`` that reached a documented operation, the answer's status must be
one of that operation's documented responses in ``/api/v1/openapi.json``. A route that can
answer 409 but does not say so fails the test that saw the 409, naming the route, so the
fix is an ``@answers(...)`` line beside it (api/answers.py). Requests to paths or methods
the document does not have (405, the JSON 404 for unknown routes) are not operations and are
left alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

API_PREFIX = "/api/v1/"
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@functools.cache
def documented_paths() -> dict[str, Any]:
    from peerassist.api.app import api

    return dict(api.get_openapi_schema()["paths"])


def documented_statuses(method: str, path: str) -> tuple[str, set[str]] | None:
    """The OpenAPI path and the statuses documented for this request, if it is an operation."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    template = "/" + CONVERTER.sub(r"{\1}", match.route)
    operation = documented_paths().get(template, {}).get(method.lower())
    if operation is None:
        return None
    return template, {str(status) for status in operation["responses"]}


def check_documented(method: str, path: str, status: int) -> None:
    if not path.startswith(API_PREFIX):
        return
    found = documented_statuses(method, path)
    if found is None:
        return
    template, statuses = found
    assert str(status) in statuses, (
        f"{method} {template} answered {status}, which its OpenAPI operation does not document "
        f"(documented: {', '.join(sorted(statuses))}). Declare it beside the route with "
        "@answers(...) (peerassist/api/answers.py)."
    )


@pytest.fixture(autouse=True)
def api_answers_documented(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold every API answer a test's client sees to the OpenAPI document."""
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        response = original(self, **environ)
        check_documented(
            str(environ.get("REQUEST_METHOD", "GET")),
            str(environ.get("PATH_INFO", "")),
            response.status_code,
        )
        return response

    monkeypatch.setattr(Client, "request", request)
    yield
