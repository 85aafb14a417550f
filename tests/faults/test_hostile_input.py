"""Hostile text in every field people type into: stored exactly or refused with a clear 4xx,
always rendered escaped, never a 500.

Table-driven: each FIELD says how to write a value through the JSON API, where to read it
back and which page shows it; each VALUE is something people (or attackers) really paste.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from peerassist.assists.models import Participant, Phase, Status
from tests.factories import (
    BarFactory,
    LearningNeedFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    ProjectMemberFactory,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024

VALUES: dict[str, str] = {
    "script": "<script>alert('pwned')</script>",
    "html attribute": '"><img src=x onerror="alert(1)">',
    "html entities": "&lt;b&gt; &amp; &#x3C;script&#x3E;",
    "right-to-left": "\u202eevil.exe\u202c مرحبا بالعالم שלום",
    "zero-width": "pro\u200btect\u200c ti\u200dme\ufeff",
    "emoji": "👩🏽‍⚕️ nurses 💉 🏥 👍🏿",
    "sql": "'; DROP TABLE assists_note; -- 1' OR '1'='1",
    "null byte": "before\x00after",
    "one megabyte": "x" * MB,
}
# Markup that must never appear unescaped in a page.
DANGEROUS = ["<script>alert('pwned')</script>", '<img src=x onerror="alert(1)">']


@dataclass
class Field:
    name: str
    # (member, value) -> (method, path, body); reads back the stored text from the answer
    write: Callable[[Any, str], tuple[str, str, dict[str, Any]]]
    read: Callable[[dict[str, Any]], str]
    page: Callable[[Any], str | None]


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class World:
    """A live peer assist the member takes part in, on a project the member leads."""

    def __init__(self, member: Any) -> None:
        self.project = ProjectFactory(organisation=member.memberships.first().organisation)
        ProjectMemberFactory(project=self.project, user=member)
        self.bar = BarFactory(project=self.project)
        self.need = LearningNeedFactory(bar=self.bar, project=self.project)
        self.assist = PeerAssistFactory(
            project=self.project, bar=self.bar, status=Status.LIVE, phase=Phase.ASK
        )
        ParticipantFactory(
            assist=self.assist,
            user=member,
            role=Participant.Role.HOST_MEMBER,
            display_name=member.full_name,
        )


def _note(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    body = {"client_id": str(uuid.uuid4()), "text": v, "confirm_sensitive": True}
    return "POST", f"/api/v1/assists/{w.assist.pk}/notes", body


def _project_title(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/projects/{w.project.pk}", {"title": v}


def _project_aim(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/projects/{w.project.pk}", {"aim": v}


def _bar_answer(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/projects/{w.project.pk}/bars/{w.bar.pk}", {"intended_results": v}


def _need_question(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    return "POST", f"/api/v1/projects/{w.project.pk}/bars/{w.bar.pk}/needs", {"question": v}


def _assist_title(w: World, v: str) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/assists/{w.assist.pk}", {"title": v}


FIELDS = [
    Field(
        "note text",
        _note,
        lambda a: a["note"]["text"],
        lambda w: _url("assists:detail", assist_id=w.assist.pk),
    ),
    Field(
        "project title",
        _project_title,
        lambda a: a["title"],
        lambda w: _url("projects:detail", project_id=w.project.pk),
    ),
    Field(
        "project aim",
        _project_aim,
        lambda a: a["aim"],
        lambda w: _url("projects:detail", project_id=w.project.pk),
    ),
    Field(
        "BAR answer",
        _bar_answer,
        lambda a: a["intended_results"],
        lambda w: _url("projects:bar", project_id=w.project.pk, bar_id=w.bar.pk),
    ),
    Field(
        "learning need question",
        _need_question,
        lambda a: a["question"],
        lambda w: _url("projects:bar", project_id=w.project.pk, bar_id=w.bar.pk),
    ),
    Field(
        "peer assist title",
        _assist_title,
        lambda a: a["title"],
        lambda w: _url("assists:detail", assist_id=w.assist.pk),
    ),
]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_hostile_text_is_stored_exactly_or_refused_and_always_escaped(api, member, field):
    """For every hostile value: 2xx with the text stored exactly (read back through the API;
    only NUL characters may be dropped), or a 4xx with ``{"detail", "code"}``; never a 5xx;
    the page that shows it escapes it."""
    world = World(member)
    api._csrf()  # the sign-in page sets the CSRF cookie; signed in, it redirects
    api.login(member)
    stored_any = False
    for label, value in VALUES.items():
        method, path, body = field.write(world, value)
        answer = api.send(method, path, body)
        assert answer.status_code < 500, f"{field.name} / {label}: {answer.status_code}"
        if answer.status_code == 404 and label == "script":
            pytest.skip(f"{path} is not in the API yet")
        data = answer.json()
        if answer.status_code >= 400:
            assert set(data) >= {"detail", "code"}, f"{field.name} / {label}: {data}"
            assert data["detail"].strip(), f"{field.name} / {label}: empty message"
            assert answer.status_code in {400, 409, 413, 422}, (
                f"{field.name} / {label}: {answer.status_code} {data}"
            )
            continue
        stored = field.read(data)
        # NUL cannot be stored in PostgreSQL text; dropping it is the one allowed change.
        assert stored in {value, value.replace("\x00", "")}, (
            f"{field.name} / {label}: not stored exactly"
        )
        stored_any = True
        page = field.page(world)
        if page is None:
            continue
        html = api.get(page).content.decode()
        for bad in DANGEROUS:
            assert bad not in html, f"{field.name} / {label}: unescaped on {page}"
    assert stored_any, f"{field.name}: even ordinary hostile text was refused"


@pytest.mark.timeout(60)
def test_one_megabyte_json_body_is_refused_with_a_clear_4xx(api, member):
    """A body over the upload limit (2 MB) is refused before it reaches a service."""
    world = World(member)
    api._csrf()  # the sign-in page sets the CSRF cookie; signed in, it redirects
    api.login(member)
    body = {"client_id": str(uuid.uuid4()), "text": "y" * (3 * MB)}
    answer = api.post(f"/api/v1/assists/{world.assist.pk}/notes", body)
    assert 400 <= answer.status_code < 500, answer.status_code
