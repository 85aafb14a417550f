""" "Has this been solved before?" and "who has done this before?" for a learning need."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import Organisation, User
from peerassist.assists.models import Status
from peerassist.projects.models import LearningNeed
from peerassist.projects.related import related_for_need
from tests.conftest import ApiClient
from tests.factories import (
    GuestFactory,
    LearningNeedFactory,
    LessonFactory,
    NoteFactory,
    ParticipantFactory,
    PeerAssistFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUESTION = "How did you get community pharmacists to take discharge referrals?"


@pytest.fixture
def need(org: Organisation, member: User) -> LearningNeed:
    project = ProjectFactory(organisation=org, title="Discharge medicines")
    ProjectMemberFactory(project=project, user=member)
    return LearningNeedFactory(bar__project=project, question=QUESTION)


@pytest.fixture
def world(org: Organisation, other_org: Organisation) -> dict[str, object]:
    """A shared and a private lesson elsewhere, each by a findable author."""
    shared_author = UserFactory(organisation=other_org, full_name="Sam Shared")
    private_author = UserFactory(organisation=other_org, full_name="Pat Private")
    elsewhere = ProjectFactory(organisation=other_org)
    shared = LessonFactory(
        project=elsewhere,
        author=shared_author,
        visibility="shared",
        title="Community pharmacists and discharge referrals",
        lesson="Referrals to community pharmacists worked once discharge letters were sent.",
    )
    private = LessonFactory(
        project=elsewhere,
        author=private_author,
        visibility="organisation",
        title="Pharmacists discharge referrals private",
        lesson="Community pharmacists took discharge referrals after a phone call.",
    )
    return {
        "shared": shared,
        "private": private,
        "shared_author": shared_author,
        "private_author": private_author,
    }


def test_related_lessons_include_shared_and_never_private_of_others(
    member: User, need: LearningNeed, world: dict, api: ApiClient
) -> None:
    """The need's panel lists the shared lesson with why it matched, never the private one."""
    response = api.login(member).get(f"/api/v1/search/learning-needs/{need.pk}/related")
    assert response.status_code == 200
    items = response.json()
    lesson_ids = [i["id"] for i in items if i["kind"] == "lesson"]
    assert world["shared"].pk in lesson_ids  # type: ignore[attr-defined]
    assert world["private"].pk not in lesson_ids  # type: ignore[attr-defined]
    reason = next(i["reason"] for i in items if i["id"] == world["shared"].pk)  # type: ignore[attr-defined]
    assert "pharmacists" in reason.lower() or "similar" in reason.lower()


def test_lessons_join_the_bar_panel_registry(member: User, need: LearningNeed, world: dict) -> None:
    """The BAR/planning panel (projects/related.py) shows lessons from this finder."""
    items = related_for_need(member, need)
    titles = [i.title for i in items if i.kind == "Lesson"]
    assert "Community pharmacists and discharge referrals" in titles
    assert "Pharmacists discharge referrals private" not in titles


def test_related_lists_past_peer_assists_of_own_organisation(
    member: User, org: Organisation, other_org: Organisation, need: LearningNeed, api: ApiClient
) -> None:
    """Past peer assists of the actor's organisation match; another organisation's never do."""
    ours = PeerAssistFactory(
        project=ProjectFactory(organisation=org),
        title="Pharmacy discharge referrals peer assist",
        purpose="Learn how community pharmacists take discharge referrals.",
        status=Status.CLOSED,
    )
    theirs = PeerAssistFactory(
        project=ProjectFactory(organisation=other_org),
        title="Pharmacy discharge referrals elsewhere",
        purpose="Community pharmacists and discharge referrals.",
        status=Status.CLOSED,
    )
    items = api.login(member).get(f"/api/v1/search/learning-needs/{need.pk}/related").json()
    assist_ids = [i["id"] for i in items if i["kind"] == "assist"]
    assert ours.pk in assist_ids and theirs.pk not in assist_ids


def test_need_of_another_organisation_is_not_found(
    outsider: User, need: LearningNeed, api: ApiClient
) -> None:
    """Related and people answers for another organisation's need are 404, page and API."""
    api.login(outsider)
    assert api.get(f"/api/v1/search/learning-needs/{need.pk}/related").status_code == 404
    assert api.get(f"/api/v1/search/learning-needs/{need.pk}/people").status_code == 404
    assert api.get("/api/v1/search/learning-needs/999999/people").status_code == 404
    client = Client()
    client.force_login(outsider)
    assert client.get("/lessons/people/", {"need": need.pk}).status_code == 404
    assert client.get("/lessons/people/", {"need": "abc"}).status_code == 404
    assert client.get("/lessons/people/").status_code == 404


def test_people_finder_ranks_consenting_people_from_visible_work(
    org: Organisation, member: User, need: LearningNeed, world: dict, api: ApiClient
) -> None:
    """Authors of visible matching lessons and findable past visitors appear; others don't."""
    shy = UserFactory(organisation=org, full_name="Shy Author", findable=False)
    LessonFactory(
        project=ProjectFactory(organisation=org),
        author=shy,
        title="Discharge referrals to community pharmacists by e-mail",
    )
    past = PeerAssistFactory(project=ProjectFactory(organisation=org), status=Status.CLOSED)
    visitor = GuestFactory(
        organisation=org,
        name="Vic Visitor",
        findable=True,
        home_organisation="Far Trust",
        email="vic@far.example",
    )
    hidden_visitor = GuestFactory(organisation=org, name="Hal Hidden", findable=False)
    for guest in (visitor, hidden_visitor):
        participant = ParticipantFactory(assist=past, guest=guest, display_name=guest.name)
        NoteFactory(
            assist=past,
            author=participant,
            text="Community pharmacists took discharge referrals once we phoned them first.",
        )
    names = [
        p["name"]
        for p in api.login(member).get(f"/api/v1/search/learning-needs/{need.pk}/people").json()
    ]
    assert "Sam Shared" in names  # shared lesson from another organisation
    assert "Vic Visitor" in names  # consenting past visitor with matching notes
    assert "Pat Private" not in names  # private lesson of another organisation
    assert "Shy Author" not in names and "Hal Hidden" not in names  # no consent
    assert "Mina Member" not in names  # the actor (and host team) are not visitors


def test_people_page_offers_an_invitation_prefilled_for_planning(
    org: Organisation, member: User, need: LearningNeed, world: dict
) -> None:
    """Each person has an 'Invite as visitor' link to the planning people form, pre-filled."""
    assist = PeerAssistFactory(project=need.project, status=Status.PLANNING)
    client = Client()
    client.force_login(member)
    html = client.get("/lessons/people/", {"need": need.pk}).content.decode()
    assert "Sam Shared" in html and "Pat Private" not in html
    assert f"/assists/{assist.pk}/plan/people/?visitor-name=Sam+Shared" in html
    assert "Invite as visitor" in html


def test_people_page_query_count_does_not_grow_with_people(
    org: Organisation,
    other_org: Organisation,
    member: User,
    need: LearningNeed,
    django_assert_max_num_queries: Any,
) -> None:
    """Twelve matching authors cost no more queries than a fixed budget (no N+1)."""
    PeerAssistFactory(project=need.project, status=Status.PLANNING)
    for n in range(12):
        author = UserFactory(organisation=other_org, full_name=f"Author {n}")
        LessonFactory(
            project=ProjectFactory(organisation=other_org),
            author=author,
            visibility="shared",
            title=f"Community pharmacists discharge referrals {n}",
        )
    client = Client()
    client.force_login(member)
    client.get("/lessons/people/", {"need": need.pk})
    with django_assert_max_num_queries(30):
        html = client.get("/lessons/people/", {"need": need.pk}).content.decode()
    assert html.count("Invite as visitor") == 12


def test_related_lessons_with_tfidf_fallback_keep_visibility(
    member: User, need: LearningNeed, world: dict, api: ApiClient, tfidf: None
) -> None:
    """Without the sentence model the panel still finds the shared lesson, never the private."""
    items = api.login(member).get(f"/api/v1/search/learning-needs/{need.pk}/related").json()
    ids = [i["id"] for i in items if i["kind"] == "lesson"]
    assert world["shared"].pk in ids  # type: ignore[attr-defined]
    assert world["private"].pk not in ids  # type: ignore[attr-defined]


def test_guests_cannot_use_the_finding_api(need: LearningNeed, api: ApiClient) -> None:
    """A visitor admitted by link (a guest) gets 401 from search, related and people."""
    guest = GuestFactory(organisation=need.project.organisation)
    api.as_guest(guest)
    assert api.get("/api/v1/search/lessons", q="pharmacists").status_code == 401
    assert api.get(f"/api/v1/search/learning-needs/{need.pk}/related").status_code == 401
    assert api.get(f"/api/v1/search/learning-needs/{need.pk}/people").status_code == 401
