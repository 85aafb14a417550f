"""A failure under /api/v1/ answers in the documented JSON error shape, never an HTML page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.middleware import ActorMiddleware
from peerassist.accounts.models import User

pytestmark = pytest.mark.django_db


def boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")


@pytest.fixture
def client_(member: User, settings: Any) -> Client:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


def test_a_bug_in_an_api_route_answers_json(
    client_: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peerassist.api.projects.project_list", boom)
    answer = client_.get("/api/v1/projects")
    assert answer.status_code == 500
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == "server_error"
    assert "nothing was saved" in answer.json()["detail"]


def test_a_bug_before_the_api_answers_json_too(
    client_: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ActorMiddleware, "_resolve", boom)
    answer = client_.get("/api/v1/me")
    assert answer.status_code == 500
    assert answer.json()["code"] == "server_error"


def test_pages_keep_the_html_error_page(client_: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ActorMiddleware, "_resolve", boom)
    answer = client_.get("/projects/")
    assert answer.status_code == 500
    assert answer["Content-Type"].startswith("text/html")
