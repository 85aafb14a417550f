"""Who sees which lesson: the one rule in lessons/visibility.py."""

from __future__ import annotations

import pytest

from peerassist.accounts.models import Membership, Organisation, User
from peerassist.lessons.models import Lesson
from peerassist.lessons.visibility import lesson_is_insider, lessons_visible, public_lesson
from tests.factories import (
    GuestFactory,
    LessonFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org: Organisation) -> dict[str, object]:
    project = ProjectFactory(organisation=org)
    host = UserFactory(organisation=org)
    ProjectMemberFactory(project=project, user=host)
    return {"project": project, "host": host}


def ids(user: object) -> set[int]:
    return set(lessons_visible(user).values_list("pk", flat=True))


def test_organisation_lessons_stay_in_the_organisation(
    org: Organisation, member: User, outsider: User, team: dict
) -> None:
    """An approved organisation lesson is seen by members, never by another organisation."""
    lesson = LessonFactory(project=team["project"], visibility="organisation")
    assert lesson.pk in ids(member)
    assert lesson.pk not in ids(outsider)


def test_shared_and_public_lessons_reach_every_organisation(
    member: User, outsider: User, team: dict
) -> None:
    """Shared and public approved lessons are seen by signed-in users of any organisation."""
    shared = LessonFactory(project=team["project"], visibility="shared")
    public = LessonFactory(project=team["project"], visibility="public", public_token="tok")
    assert {shared.pk, public.pk} <= ids(outsider)
    assert {shared.pk, public.pk} <= ids(member)


def test_project_lessons_only_for_host_team_and_knowledge_managers(
    member: User, knowledge_manager: User, outsider: User, team: dict
) -> None:
    """A project-only lesson is hidden from other members of the same organisation."""
    lesson = LessonFactory(project=team["project"], visibility="project")
    assert lesson.pk in ids(team["host"])
    assert lesson.pk in ids(knowledge_manager)
    assert lesson.pk not in ids(member)
    assert lesson.pk not in ids(outsider)


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "rejected"])
def test_unapproved_lessons_never_leave_the_insiders(
    status: str, member: User, knowledge_manager: User, outsider: User, team: dict, org
) -> None:
    """Drafts and lessons under review: author, host team and knowledge managers only."""
    author = UserFactory(organisation=org)
    lesson = LessonFactory(
        project=team["project"], visibility="shared", status=status, author=author
    )
    assert lesson.pk in ids(author)
    assert lesson.pk in ids(team["host"])
    assert lesson.pk in ids(knowledge_manager)
    assert lesson.pk not in ids(member)
    assert lesson.pk not in ids(outsider)


def test_knowledge_manager_of_another_organisation_sees_no_drafts(
    other_org: Organisation, team: dict
) -> None:
    """Reviewing rights stop at the organisation's edge."""
    km = UserFactory(organisation=other_org, organisation__role=Membership.Role.KNOWLEDGE_MANAGER)
    lesson = LessonFactory(project=team["project"], status="submitted")
    assert lesson.pk not in ids(km)


def test_author_who_left_the_organisation_loses_access(org: Organisation, team: dict) -> None:
    """Leaving the organisation ends an author's access to their drafts."""
    author = UserFactory(organisation=org)
    lesson = LessonFactory(project=team["project"], status="draft", author=author)
    Membership.objects.filter(user=author).delete()
    author = User.objects.get(pk=author.pk)
    assert lesson.pk not in ids(author)
    assert not lesson_is_insider(author, lesson)


def test_guests_anonymous_and_inactive_users_see_nothing(org: Organisation, team: dict) -> None:
    """Guests, anonymous visitors and deactivated users see no lessons at all."""
    LessonFactory(project=team["project"], visibility="shared")
    inactive = UserFactory(organisation=org, is_active=False)
    assert ids(GuestFactory(organisation=org)) == set()
    assert ids(None) == set()
    assert ids(inactive) == set()


def test_public_link_only_for_approved_public_lessons(team: dict) -> None:
    """The public link opens approved public lessons only."""
    public = LessonFactory(project=team["project"], visibility="public", public_token="a" * 20)
    LessonFactory(project=team["project"], visibility="shared", public_token="b" * 20)
    LessonFactory(
        project=team["project"], visibility="public", status="submitted", public_token="c" * 20
    )
    assert public_lesson("a" * 20) == public
    assert public_lesson("b" * 20) is None
    assert public_lesson("c" * 20) is None
    assert public_lesson("") is None
    assert Lesson.objects.count() == 3
