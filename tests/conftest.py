"""Shared fixtures: people and organisations, an API client with CSRF, service checks.

``REQUIRE_SERVICES=1`` (set in CI) turns every skip for a missing PostgreSQL, Redis or
Chromium into a failure, so a green CI run proves those tests ran.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Guest, Membership, Organisation, User
from tests.documented_answers import api_answers_documented  # noqa: F401  (autouse)
from tests.factories import OrganisationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def missing_service(reason: str) -> None:
    """Skip (locally) or fail (CI) a test whose service or browser is not available."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def using_postgres() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))


class ApiClient:
    """A browser-like client: session cookie, CSRF token on unsafe methods, JSON in and out."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def login(self, user: User) -> ApiClient:
        self.client.force_login(user)
        return self

    def as_guest(self, guest: Guest) -> ApiClient:
        session = self.client.session
        session[GUEST_SESSION_KEY] = guest.pk
        session.save()
        return self

    def _csrf(self) -> str:
        cookie = self.client.cookies.get(settings.CSRF_COOKIE_NAME)
        if cookie is None:
            self.client.get("/api/v1/csrf")
            cookie = self.client.cookies[settings.CSRF_COOKIE_NAME]
        return cookie.value

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params)

    def send(self, method: str, path: str, body: Any = None, *, csrf: bool = True) -> Any:
        headers = {"X-CSRFToken": self._csrf()} if csrf else {}
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        return self.client.generic(
            method, path, data, content_type="application/json", headers=headers
        )

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("PUT", path, body, **kw)

    def delete(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("DELETE", path, body, **kw)


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def org(db: None) -> Organisation:
    return OrganisationFactory(name="Northmoor Trust")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return OrganisationFactory(name="Elsewhere Council")


@pytest.fixture
def member(org: Organisation) -> User:
    return UserFactory(organisation=org, full_name="Mina Member")


@pytest.fixture
def knowledge_manager(org: Organisation) -> User:
    return UserFactory(
        organisation=org,
        organisation__role=Membership.Role.KNOWLEDGE_MANAGER,
        full_name="Kit Knowledge",
    )


@pytest.fixture
def outsider(other_org: Organisation) -> User:
    return UserFactory(organisation=other_org, full_name="Oli Outsider")


@pytest.fixture(autouse=True)
def _fresh_cache_and_mail(settings: Any) -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def tfidf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The TF-IDF fallback instead of the sentence model, as if the model were not installed.

    ``PEERASSIST_EMBEDDINGS=tfidf`` makes any fresh load pick TF-IDF, and a TF-IDF backend is
    in place from the start, so code that only peeks at the loaded backend
    (``finding.search.model_loaded``) finds one and starts no loading thread. Loading the
    sentence model costs 10-30 s of a shared 2-core machine; tests of the model itself skip
    this fixture. Afterwards the backend is dropped and monkeypatch puts the process's own
    back.
    """
    from peerassist.semantic import embeddings

    monkeypatch.setenv("PEERASSIST_EMBEDDINGS", "tfidf")
    monkeypatch.setattr(embeddings, "_backend", embeddings.TfidfBackend())
    yield
    monkeypatch.setattr(embeddings, "_backend", None)


def require_postgres_and_redis() -> None:
    """For tests that need PostgreSQL and Redis: they run in the second pass of `make test`.

    Without DATABASE_URL/REDIS_URL (the SQLite pass) the test is skipped by design; with them
    set but not answering, it is a missing service (a failure under REQUIRE_SERVICES=1).
    """
    import socket
    from urllib.parse import urlparse

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        pytest.skip("needs PostgreSQL and Redis: runs in the DATABASE_URL/REDIS_URL pass")
    for url, default_port in ((database_url, 5432), (redis_url, 6379)):
        parts = urlparse(url)
        try:
            socket.create_connection((parts.hostname, parts.port or default_port), 3).close()
        except OSError:
            missing_service(f"{parts.scheme} at {parts.hostname}:{parts.port} is not answering")


@pytest.fixture
def cfir_loaded(transactional_db: None) -> None:
    """The CFIR 2.0 list for transactional tests: an earlier one's flush empties the table
    that the data migration filled, so reload it when it is missing."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from peerassist.analysis.models import CfirConstruct

    if not CfirConstruct.objects.filter(organisation__isnull=True).exists():
        import_module("peerassist.analysis.migrations.0002_load_cfir").load(django_apps, None)
