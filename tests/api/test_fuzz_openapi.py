"""Property-based fuzzing of the whole JSON API against its own OpenAPI document.

Schemathesis generates requests for every operation from /api/v1/openapi.json, valid and
not, and each generated request is sent as every kind of caller in turn: a member who leads
a project with a live peer assist, a knowledge manager who facilitates it, an administrator
of another organisation invited as a visitor, and a guest visitor. So every operation meets
every caller in both modes, and the cost of generating a request is paid once, not once per
caller. Valid requests name the world's real objects in their path (random ids are nearly
always 404). Every answer must be no 5xx, a documented status code, a documented content
type and a body that matches the documented schema.

Bounded and deterministic: a fixed number of examples per operation and mode
(``PEERASSIST_FUZZ_EXAMPLES``, default 2 valid and 1 invalid), derandomized Hypothesis (the
same requests on every run), no shrinking, no example database. The operations run in the
document's order, one test per mode.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Membership, Organisation
from peerassist.assists.models import Participant
from tests.assists.live.live_fixtures import make_live
from tests.factories import ProjectMemberFactory, UserFactory

EXAMPLES = int(os.environ.get("PEERASSIST_FUZZ_EXAMPLES", "1"))
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a 32-character CSRF secret, cookie and header
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_document(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The document, fetched once for both modes (building it costs seconds)."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def api_schema(api_document: Any, db: None) -> Iterator[Any]:
    """The document, whose calls Django's WSGI handler serves in this test's transaction.

    Like Django's test client, the handler must not close the test's database connection at
    the end of each request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield api_document
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class World:
    cookies: dict[str, str]  # a session cookie per kind of caller
    ids: dict[str, int]  # path parameter → the id of a real object of that kind


@pytest.fixture
def world(org: Organisation, other_org: Organisation, tfidf: None) -> World:
    """Callers of every kind around a live peer assist, and the ids of what they can reach.

    The semantic routes (CFIR suggestions, related lessons) run on TF-IDF: they answer in the
    same documented shapes with either backend, and tests/semantic and tests/analysis
    exercise the sentence model.
    """
    live = make_live(org)
    Membership.objects.filter(user=live.facilitator).update(role=Membership.Role.KNOWLEDGE_MANAGER)
    admin = UserFactory(organisation=other_org, organisation__role=Membership.Role.ADMIN)
    Participant.objects.create(
        assist=live.assist, user=admin, role=Participant.Role.VISITOR, display_name="Admin"
    )
    ProjectMemberFactory(project=live.assist.project, user=live.host_lead)
    cookies = {}
    for name, user in (
        ("member", live.host_lead),
        ("knowledge_manager", live.facilitator),
        ("admin_elsewhere", admin),
    ):
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    session = SessionStore()
    session[GUEST_SESSION_KEY] = live.visitor.pk
    session.create()
    cookies["guest"] = str(session.session_key)
    need = live.needs[0]
    ids = {
        "assist_id": live.assist.pk,
        "project_id": live.assist.project_id,
        "bar_id": need.bar_id,
        "need_id": need.pk,
        "participant_id": live.people["visitor2"].pk,
    }
    return World(cookies=cookies, ids=ids)


def fuzz(operation: Any, mode: GenerationMode, world: World, callers: list[str]) -> list[str]:
    """EXAMPLES generated requests for one operation, each sent as each of ``callers``."""
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            for name in list(case.path_parameters or {}):
                if name in world.ids:
                    case.path_parameters[name] = world.ids[name]
        for who in callers:
            response = case.call(
                headers={"X-CSRFToken": CSRF, "Referer": "http://localhost/"},
                cookies={"sessionid": world.cookies[who], "csrftoken": CSRF},
            )
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:  # a check failed: note it, go on
                summary = " ".join(str(error).strip().splitlines()[:4])
                failures.append(
                    f"{operation.label} as {who} ({mode.value}): {response.status_code} "
                    f"{summary} — {case.path_parameters} {case.query} {str(case.body)[:80]}"
                )

    # Unsatisfiable: nothing to make invalid (an operation without parameters or body).
    with contextlib.suppress(Unsatisfiable):
        run()
    return failures


@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented(
    api_schema: Any, world: World, mode: GenerationMode
) -> None:
    """Valid requests go to every operation as every caller; invalid ones (whose answer is
    decided before any role is) as one caller per operation, taking turns in a fixed order."""
    callers = sorted(world.cookies)
    failures: list[str] = []
    for index, result in enumerate(api_schema.get_all_operations()):
        who = callers if mode is GenerationMode.POSITIVE else [callers[index % len(callers)]]
        failures.extend(fuzz(result.ok(), mode, world, who))
    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} answers break the document:\n" + "\n".join(unique[:60])
