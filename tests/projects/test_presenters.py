"""Presenters and registries: dates in words, the project warnings, pluggable finders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from peerassist.accounts.models import User
from peerassist.projects import related
from peerassist.projects.models import BeforeActionReview, LearningNeed, Project
from peerassist.projects.presenters import date_in_words, project_warnings
from peerassist.projects.related import RelatedItem, register_related_finder, search_terms
from tests.projects.conftest import api_as

TODAY = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "Not set"),
        (date(2027, 3, 1), "1 March 2027 (today)"),
        (date(2027, 3, 2), "2 March 2027 (tomorrow)"),
        (date(2027, 4, 10), "10 April 2027 (in 40 days)"),
        (date(2019, 6, 1), "1 June 2019 (past)"),
    ],
)
def test_dates_in_words(value: date | None, words: str) -> None:
    assert date_in_words(value, today=TODAY) == words


def test_warnings_for_a_passed_decision_and_a_decision_after_the_start() -> None:
    """A passed key decision and a decision after the start date are both pointed out."""
    project = Project(key_decision_date=date(2027, 2, 1), start_date=date(2027, 1, 1))
    warnings = project_warnings(project, today=TODAY)
    assert len(warnings) == 2
    assert warnings[0].startswith("The key decision date has passed.")
    assert project_warnings(Project(), today=TODAY) == []


def test_search_terms_keep_distinctive_words() -> None:
    """Short and common words are dropped; longer words come first."""
    assert search_terms("How did you protect nurses' time from interruptions?") == [
        "interruptions",
        "protect",
        "nurses",
        "time",
    ]


@pytest.fixture
def extra_finder() -> Iterator[None]:
    def finder(actor: object, need: LearningNeed) -> list[RelatedItem]:
        return [
            RelatedItem(
                kind="Lesson",
                title="<i>Protected time</i>",
                url="/lessons/1/",
                excerpt="Block diaries.",
                reason="Similar in meaning",
                score=99,
            )
        ]

    before = list(related._finders)
    register_related_finder(finder)
    register_related_finder(finder)  # twice is once
    yield
    related._finders[:] = before


def test_a_registered_finder_adds_results_with_reasons(
    extra_finder: None,
    host: User,
    project: Project,
    bar: BeforeActionReview,
    needs: list[LearningNeed],
) -> None:
    """Another app's finder (the lessons search) shows up first when it scores highest."""
    api = api_as(host)
    url = f"/api/v1/projects/{project.pk}/bars/{bar.pk}/needs/{needs[0].pk}/related"
    items = api.get(url).json()
    assert [i["title"] for i in items].count("<i>Protected time</i>") == 1
    assert items[0]["reason"] == "Similar in meaning"
    page = api.client.get(f"/projects/{project.pk}/bars/{bar.pk}/").content.decode()
    assert "&lt;i&gt;Protected time&lt;/i&gt;" in page
    assert "Why: Similar in meaning" in page
