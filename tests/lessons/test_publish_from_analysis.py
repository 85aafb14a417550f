"""Publish a theme or a coded determinant as a lesson in one step, through the API and the page.

Notes become the evidence, CFIR codes and valence are carried over, and the lesson goes to
review; a retry makes nothing new; wrong roles get 403, other organisations 404, bad input a
400 that says what to fix, and nothing is saved half-way.
"""

from __future__ import annotations

import pytest

from peerassist.accounts.models import Organisation
from peerassist.analysis.models import CfirConstruct, Determinant, NotePlacement, Theme
from peerassist.lessons.models import Lesson, LessonReview
from tests.analysis.conftest import Analysis, make_analysis
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(org: Organisation, other_org: Organisation) -> Analysis:
    return make_analysis(org, other_org)


@pytest.fixture
def api(api: ApiClient) -> ApiClient:
    api._csrf()
    return api


PUBLISH = "/api/v1/lessons/publish"


def _theme(an: Analysis) -> Theme:
    """A theme of three notes, coded once as a barrier with two constructs."""
    theme = Theme.objects.create(assist=an.assist, title="Protected time for the sessions")
    for order, note in enumerate(an.notes[:3]):
        NotePlacement.objects.create(note=note, theme=theme, order=order)
    determinant = Determinant.objects.create(
        project=an.assist.project, assist=an.assist, theme=theme, valence="-1"
    )
    determinant.constructs.set(
        CfirConstruct.objects.filter(organisation=None, code__in=["III.F", "IV.A"])
    )
    return theme


def _snapshot() -> tuple:
    return (Lesson.objects.count(), LessonReview.objects.count())


def test_host_publishes_a_theme_with_its_notes_codes_and_valence(
    api: ApiClient, an: Analysis
) -> None:
    """201: the lesson quotes the notes, carries the codes and the valence, and awaits review;
    the same request again answers 200 with the same lesson."""
    theme = _theme(an)
    api.login(an.host)
    response = api.post(PUBLISH, {"source_kind": "theme", "source_id": theme.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    lesson = Lesson.objects.get(pk=body["id"])
    assert lesson.status == Lesson.Status.SUBMITTED
    assert lesson.title == theme.title
    assert lesson.valence == Lesson.Valence.BARRIER
    assert sorted(c.code for c in lesson.constructs.all()) == ["III.F", "IV.A"]
    for note in an.notes[:3]:
        assert note.text in lesson.what_happened
    assert an.notes[3].text not in lesson.what_happened
    assert (lesson.source_kind, lesson.source_id) == ("theme", theme.pk)
    again = api.post(PUBLISH, {"source_kind": "theme", "source_id": theme.pk})
    assert again.status_code == 200 and again.json()["id"] == lesson.pk
    assert _snapshot() == (1, 1)


def test_host_publishes_a_determinant_with_its_evidence(api: ApiClient, an: Analysis) -> None:
    construct = CfirConstruct.objects.get(organisation=None, code="II.F")
    determinant = Determinant.objects.create(
        project=an.assist.project,
        assist=an.assist,
        note=an.notes[2],
        valence="+2",
        description="A signed scope of practice statement",
    )
    determinant.constructs.set([construct])
    determinant.evidence.set([an.notes[2], an.notes[3]])
    api.login(an.host)
    response = api.post(PUBLISH, {"source_kind": "determinant", "source_id": determinant.pk})
    assert response.status_code == 201, response.content
    lesson = Lesson.objects.get(pk=response.json()["id"])
    assert lesson.valence == Lesson.Valence.ENABLER
    assert [c.pk for c in lesson.constructs.all()] == [construct.pk]
    assert an.notes[2].text in lesson.what_happened and an.notes[3].text in lesson.what_happened
    assert lesson.status == Lesson.Status.SUBMITTED


def test_people_outside_the_host_team_cannot_publish(
    api: ApiClient, an: Analysis, outsider
) -> None:
    """A colleague off the host team: 403 with the reason; another organisation: 404; a
    visitor with an invitation: refused; nothing is written."""
    theme = _theme(an)
    body = {"source_kind": "theme", "source_id": theme.pk}
    api.login(an.colleague)
    refused = api.post(PUBLISH, body)
    assert refused.status_code == 403 and refused.json()["detail"]
    api.login(outsider)
    assert api.post(PUBLISH, body).status_code == 404
    guest = ApiClient()
    guest._csrf()
    guest.as_guest(an.visitor)
    assert guest.post(PUBLISH, body).status_code in {401, 403, 404}
    assert _snapshot() == (0, 0)


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"source_kind": "aar", "source_id": 1}, 400, "theme or a determinant"),
        ({"source_kind": "theme", "source_id": 999999}, 404, ""),
        ({"source_kind": "theme"}, 400, "source_id"),
        ({"source_kind": "theme", "source_id": "abc"}, 400, "source_id"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    api: ApiClient, an: Analysis, body: dict, status: int, words: str
) -> None:
    api.login(an.host)
    response = api.post(PUBLISH, body)
    assert response.status_code == status, response.content
    assert words in str(response.json())
    assert _snapshot() == (0, 0)


def test_an_unknown_visibility_saves_nothing(api: ApiClient, an: Analysis) -> None:
    """The lesson would be written, then refused on its visibility: nothing is left behind."""
    theme = _theme(an)
    api.login(an.host)
    response = api.post(
        PUBLISH, {"source_kind": "theme", "source_id": theme.pk, "visibility": "everyone"}
    )
    assert response.status_code == 400
    assert "visibility" in response.json()["detail"]
    assert _snapshot() == (0, 0)


def test_publish_page_previews_then_publishes(client, an: Analysis, outsider) -> None:
    """GET shows the notes, codes and valence; POST publishes and opens the lesson;
    a colleague gets 403, another organisation 404, a bad visibility 400 with a message."""
    theme = _theme(an)
    url = f"/lessons/publish/theme/{theme.pk}/"
    client.force_login(an.colleague)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"visibility": "organisation"}).status_code == 404
    client.force_login(an.host)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert an.notes[0].text.replace("'", "&#x27;") in html
    assert "III.F" in html and "Barrier" in html
    bad = client.post(url, {"visibility": "everyone"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert _snapshot() == (0, 0)
    done = client.post(url, {"visibility": "organisation"})
    lesson = Lesson.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/lessons/{lesson.pk}/"
    assert lesson.status == Lesson.Status.SUBMITTED
    assert client.get("/lessons/publish/aar/1/").status_code == 404


def test_insights_count_a_code_once_whether_or_not_it_became_a_lesson(
    api: ApiClient, an: Analysis, knowledge_manager
) -> None:
    """A coded barrier counts in insights from analysis; once published and approved, it
    counts as the lesson instead, never twice."""
    construct = CfirConstruct.objects.get(organisation=None, code="III.A3")
    determinant = Determinant.objects.create(
        project=an.assist.project, assist=an.assist, note=an.notes[0], valence="-1"
    )
    determinant.constructs.set([construct])
    api.login(an.host)

    def inner_barriers() -> tuple[int, int, int]:
        body = api.get("/api/v1/lessons/insights").json()
        inner = next(r for r in body["domains"] if r["label"] == "Inner Setting")
        return body["lesson_count"], body["determinant_count"], inner["barrier"]

    assert inner_barriers() == (0, 1, 1)
    published = api.post(PUBLISH, {"source_kind": "determinant", "source_id": determinant.pk})
    assert inner_barriers() == (0, 1, 1)  # awaiting review: still counted from analysis
    reviewer = ApiClient()
    reviewer._csrf()
    reviewer.login(knowledge_manager)
    lesson_id = published.json()["id"]
    approved = reviewer.post(f"/api/v1/lessons/{lesson_id}/review", {"decision": "approve"})
    assert approved.status_code == 200, approved.content
    assert inner_barriers() == (1, 0, 1)
