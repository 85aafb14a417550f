"""The projects demo data: both case studies, loaded twice without change."""

from __future__ import annotations

import pytest

from peerassist.accounts import demo as accounts_demo
from peerassist.projects import demo
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from peerassist.projects.suggestions import suggested_enablers


@pytest.mark.django_db
def test_demo_projects_load_idempotently() -> None:
    """Loading twice gives the same projects, BAR, needs and enablers."""
    accounts_demo.load()
    demo.load()

    def counts() -> tuple[int, ...]:
        return tuple(
            m.objects.count() for m in (Project, BeforeActionReview, LearningNeed, Enabler)
        )

    first = counts()
    demo.load()
    assert counts() == first == (2, 1, 4, len(demo.HAT_ENABLERS) + len(demo.STIGMA_ENABLERS))
    # Every suggestion names a real demo enabler, so suggestions and demo cannot drift apart.
    described = set(Enabler.objects.values_list("description", flat=True))
    assert {s.description for s in suggested_enablers()} == described
