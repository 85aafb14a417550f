"""A project of the ``org`` fixture with a host lead, a BAR with two needs and two enablers."""

from __future__ import annotations

import pytest

from peerassist.accounts.models import Organisation, User
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from tests.conftest import ApiClient
from tests.factories import (
    BarFactory,
    LearningNeedFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)


@pytest.fixture
def host(org: Organisation) -> User:
    return UserFactory(organisation=org, full_name="Hana Host")


@pytest.fixture
def project(org: Organisation, host: User) -> Project:
    project = ProjectFactory(organisation=org, title="Nurse-led recovery sessions")
    ProjectMemberFactory(project=project, user=host)
    return project


@pytest.fixture
def bar(project: Project) -> BeforeActionReview:
    return BarFactory(project=project, intended_results="Weekly sessions for every nurse.")


@pytest.fixture
def needs(bar: BeforeActionReview) -> list[LearningNeed]:
    return [
        LearningNeedFactory(bar=bar, question="How did you protect nurses' time?", order=0),
        LearningNeedFactory(bar=bar, question="How did you win over pharmacy?", order=1),
    ]


@pytest.fixture
def enabler(project: Project, host: User) -> Enabler:
    return Enabler.objects.create(
        project=project,
        category=Enabler.Category.STAFF_CAPACITY,
        description="Sessions free from interruptions",
        status=Enabler.Status.MISSING,
        owner=host,
    )


def api_as(user: User) -> ApiClient:
    """An API client signed in as ``user`` holding a CSRF cookie (fetched before signing in,
    because the sign-in page redirects people who are already signed in)."""
    api = ApiClient()
    api.client.get("/accounts/sign-in/")
    return api.login(user)
