"""Lesson pages: write, submit, review, read, export; visibility on every page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from peerassist.accounts.models import Organisation, User
from peerassist.analysis.models import CfirConstruct
from peerassist.lessons.models import Lesson, LessonReview
from tests.factories import (
    LessonFactory,
    ProjectFactory,
    ProjectMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org: Organisation, member: User) -> Any:
    project = ProjectFactory(organisation=org, care_setting="Community", service="Nursing")
    ProjectMemberFactory(project=project, user=member)
    return project


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lesson_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Protect time before the pilot",
        "context": "Nurses ran recovery sessions.",
        "what_happened": "Diary time vanished.",
        "lesson": "Move other tasks first.",
        "recommendation": "Reallocate tasks.",
        "care_setting": "Community",
        "service": "Addiction",
        "population": "Adults",
        "valence": "barrier",
        "evidence_level": "experience",
        "citations": "",
        "visibility": "shared",
    }
    data.update(overrides)
    return data


def test_member_writes_a_draft_lesson_for_their_project(member: User, project: Any) -> None:
    """A host team member writes a lesson; it is saved as their draft with its CFIR codes."""
    construct = CfirConstruct.objects.get(code="III.A3")
    response = signed_in(member).post(
        f"/lessons/new/?project={project.pk}",
        lesson_form(constructs=[construct.pk], project=project.pk),
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert lesson.status == "draft"
    assert lesson.author == member
    assert lesson.project == project
    assert list(lesson.constructs.values_list("code", flat=True)) == ["III.A3"]
    page = signed_in(member).get(response["Location"])
    assert b"Protect time before the pilot" in page.content
    assert b"Submit for review" in page.content


def test_the_form_groups_constructs_by_domain_and_works_without_javascript(
    member: User,
) -> None:
    """The picker lists every CFIR domain as a disclosure of real checkboxes."""
    page = signed_in(member).get("/lessons/new/")
    html = page.content.decode()
    assert page.status_code == 200
    for domain in ("Innovation", "Outer Setting", "Inner Setting", "Individuals"):
        assert domain in html
    assert html.count('name="constructs" type="checkbox"') == CfirConstruct.objects.count()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "", "lesson": ""}, "Enter a title for the lesson."),
        (
            {"evidence_level": "research", "citations": "not a doi"},
            "is not a DOI",
        ),
        ({"evidence_level": "research", "citations": ""}, "Add at least one citation"),
        ({"citations": "10.12/x"}, "is not a DOI"),
    ],
)
def test_bad_lessons_are_refused_with_a_message(
    member: User, project: Any, overrides: dict[str, str], message: str
) -> None:
    """Empty lessons and malformed citations show the error summary; nothing is saved."""
    response = signed_in(member).post(
        f"/lessons/new/?project={project.pk}", lesson_form(**overrides)
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert message in response.content.decode()
    assert Lesson.objects.count() == 0


def test_valid_citations_are_kept_and_linked(member: User, project: Any) -> None:
    """DOIs, web addresses and guideline ids are accepted; DOIs link to doi.org."""
    signed_in(member).post(
        f"/lessons/new/?project={project.pk}",
        lesson_form(
            evidence_level="research",
            citations="10.1136/bmj.n71\nhttps://www.nice.org.uk/guidance/ng64\nNICE NG64",
        ),
    )
    lesson = Lesson.objects.get()
    page = signed_in(member).get(f"/lessons/{lesson.pk}/")
    assert b'href="https://doi.org/10.1136/bmj.n71"' in page.content
    assert b"NICE NG64" in page.content


def test_script_in_a_title_is_shown_as_text(member: User, project: Any) -> None:
    """Markup typed into a lesson is escaped on every page."""
    lesson = LessonFactory(project=project, title="<script>alert(1)</script>", lesson="<b>bold</b>")
    client = signed_in(member)
    for path in (f"/lessons/{lesson.pk}/", "/lessons/", "/"):
        html = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_review_flow_submit_return_resubmit_approve(
    member: User,
    knowledge_manager: User,
    project: Any,
    outsider: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Submit → KM returns with comments → author fixes and resubmits → KM approves.
    Knowledge managers are e-mailed on submit, the author on each decision, and the
    history is recorded. Only then does the shared lesson reach another organisation."""
    author = signed_in(member)
    author.post(f"/lessons/new/?project={project.pk}", lesson_form())
    lesson = Lesson.objects.get()
    assert signed_in(outsider).get(f"/lessons/{lesson.pk}/").status_code == 404

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = author.post(f"/lessons/{lesson.pk}/submit/")
    assert submitted.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "submitted"
    assert [m.to for m in mail.outbox] == [[knowledge_manager.email]]
    assert "Lesson to review" in mail.outbox[0].subject

    # The author cannot change it while it is with the reviewers, nor review it.
    assert author.get(f"/lessons/{lesson.pk}/edit/").status_code == 403
    assert author.get(f"/lessons/{lesson.pk}/review/").status_code == 403

    km = signed_in(knowledge_manager)
    assert b"Protect time" in km.get("/lessons/review/").content
    missing_comment = km.post(f"/lessons/{lesson.pk}/review/", {"decision": "return"})
    assert b"Say what the author should change" in missing_comment.content
    with django_capture_on_commit_callbacks(execute=True):
        km.post(
            f"/lessons/{lesson.pk}/review/",
            {"decision": "return", "comment": "Please add the CFIR codes."},
        )
    lesson.refresh_from_db()
    assert lesson.status == "returned"
    assert mail.outbox[-1].to == [member.email]
    assert "Please add the CFIR codes." in mail.outbox[-1].body
    page = author.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "Please add the CFIR codes." in page

    construct = CfirConstruct.objects.get(code="III.A3")
    author.post(f"/lessons/{lesson.pk}/edit/", lesson_form(constructs=[construct.pk]))
    author.post(f"/lessons/{lesson.pk}/submit/")
    km.post(f"/lessons/{lesson.pk}/review/", {"decision": "approve"})
    lesson.refresh_from_db()
    assert lesson.status == "approved"
    assert lesson.published_at is not None
    assert list(LessonReview.objects.filter(lesson=lesson).values_list("decision", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert signed_in(outsider).get(f"/lessons/{lesson.pk}/").status_code == 200
    # Review comments and history stay with the organisation.
    assert (
        "Please add the CFIR codes."
        not in signed_in(outsider).get(f"/lessons/{lesson.pk}/").content.decode()
    )


def test_only_knowledge_managers_of_the_organisation_review(
    member: User, project: Any, other_org: Organisation
) -> None:
    """A member cannot review; another organisation's KM does not even find the lesson."""
    lesson = LessonFactory(project=project, status="submitted", author=member)
    other_km = UserFactory(organisation=other_org, organisation__role="knowledge_manager")
    colleague = UserFactory(organisation=project.organisation)
    assert signed_in(colleague).get(f"/lessons/{lesson.pk}/review/").status_code == 404
    assert (
        signed_in(member).post(f"/lessons/{lesson.pk}/review/", {"decision": "approve"}).status_code
        == 403
    )
    assert (
        signed_in(other_km)
        .post(f"/lessons/{lesson.pk}/review/", {"decision": "approve"})
        .status_code
        == 404
    )
    lesson.refresh_from_db()
    assert lesson.status == "submitted"


# --- visibility on every page ----------------------------------------------------------


@pytest.fixture
def spread(org: Organisation, project: Any, member: User) -> dict[str, Lesson]:
    """One lesson of each kind in ``org``."""
    author = UserFactory(organisation=org)
    return {
        "organisation": LessonFactory(
            project=project, title="Org lesson", visibility="organisation"
        ),
        "shared": LessonFactory(project=project, title="Shared lesson", visibility="shared"),
        "project": LessonFactory(project=project, title="Team lesson", visibility="project"),
        "draft": LessonFactory(
            project=project,
            title="Draft lesson",
            status="draft",
            visibility="shared",
            author=author,
        ),
        "public": LessonFactory(
            project=project, title="Public lesson", visibility="public", public_token="p" * 32
        ),
    }


def _titles(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    if response.get("Content-Type", "").startswith("text/csv"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize(
    "path", ["/lessons/", "/lessons/export.csv", "/", "/lessons/insights/?scope=shared"]
)
def test_another_organisation_sees_only_shared_and_public_lessons(
    spread: dict[str, Lesson], outsider: User, path: str
) -> None:
    """Lists, exports, the home page and insights show another organisation only what is
    shared with everyone; organisation, project-only and draft lessons never appear."""
    html = _titles(signed_in(outsider), path)
    if "insights" in path:
        assert "2 approved lessons" in html
        return
    assert "Shared lesson" in html
    assert "Public lesson" in html
    for hidden in ("Org lesson", "Team lesson", "Draft lesson"):
        assert hidden not in html


@pytest.mark.parametrize("path", ["/lessons/", "/lessons/export.csv", "/"])
def test_colleague_outside_the_host_team_never_sees_project_only_or_drafts(
    spread: dict[str, Lesson], org: Organisation, path: str
) -> None:
    """A member of the same organisation sees organisation-wide lessons, not the team's."""
    colleague = UserFactory(organisation=org)
    html = _titles(signed_in(colleague), path)
    assert "Org lesson" in html
    assert "Team lesson" not in html
    assert "Draft lesson" not in html


def test_detail_pages_follow_the_rule(
    spread: dict[str, Lesson], member: User, outsider: User, org: Organisation
) -> None:
    """Detail pages: 404 wherever the lesson is not visible, for every kind."""
    colleague = UserFactory(organisation=org)
    expectations = {
        # kind: (host member, colleague, outsider)
        "organisation": (200, 200, 404),
        "shared": (200, 200, 200),
        "project": (200, 404, 404),
        "draft": (200, 404, 404),
        "public": (200, 200, 200),
    }
    for kind, codes in expectations.items():
        lesson = spread[kind]
        got = tuple(
            signed_in(u).get(f"/lessons/{lesson.pk}/").status_code
            for u in (member, colleague, outsider)
        )
        assert got == codes, kind


def test_public_link_opens_only_approved_public_lessons_without_signing_in(
    spread: dict[str, Lesson],
) -> None:
    """The public link works signed out; other tokens and lessons are not found."""
    client = Client()
    assert b"Public lesson" in client.get(f"/lessons/public/{'p' * 32}/").content
    assert client.get(f"/lessons/public/{'q' * 32}/").status_code == 404
    spread["shared"].public_token = "s" * 32
    spread["shared"].save()
    assert client.get(f"/lessons/public/{'s' * 32}/").status_code == 404
    assert client.get(f"/lessons/{spread['public'].pk}/").status_code == 302  # sign in


def test_signed_out_visitors_are_sent_to_sign_in(spread: dict[str, Lesson]) -> None:
    """Every lesson page except the public link needs an account."""
    client = Client()
    for path in ["/lessons/", "/lessons/export.csv", "/lessons/insights/", "/lessons/review/"]:
        assert client.get(path).status_code == 302, path


def test_export_defuses_spreadsheet_formulas(member: User, project: Any) -> None:
    """A title starting with = is written with a leading apostrophe in the CSV."""
    LessonFactory(project=project, title='=HYPERLINK("http://evil")')
    body = _titles(signed_in(member), "/lessons/export.csv")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][1].startswith("'=")


def test_lesson_list_query_count_does_not_grow(
    member: User, project: Any, django_assert_max_num_queries: Any
) -> None:
    """The list costs the same few queries for 3 lessons as for 20."""
    construct = CfirConstruct.objects.first()
    for _ in range(3):
        LessonFactory(project=project).constructs.add(construct)
    client = signed_in(member)
    client.get("/lessons/")
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        client.get("/lessons/")
    for _ in range(17):
        LessonFactory(project=project).constructs.add(construct)
    with CaptureQueriesContext(django.db.connection) as many:
        client.get("/lessons/")
    assert len(many) == len(few)
    with django_assert_max_num_queries(12):
        client.get("/lessons/")


def test_approving_a_public_lesson_gives_it_a_working_public_link(
    member: User, knowledge_manager: User, project: Any
) -> None:
    """A public lesson gets its link on approval; the link opens it signed out, and stops
    working when the lesson is made organisation-only again."""
    signed_in(member).post(f"/lessons/new/?project={project.pk}", lesson_form(visibility="public"))
    lesson = Lesson.objects.get()
    assert Client().get(f"/lessons/public/{lesson.public_token}/").status_code == 404
    signed_in(member).post(f"/lessons/{lesson.pk}/submit/")
    km = signed_in(knowledge_manager)
    km.post(f"/lessons/{lesson.pk}/review/", {"decision": "approve"})
    lesson.refresh_from_db()
    detail = km.get(f"/lessons/{lesson.pk}/").content.decode()
    assert f"/lessons/public/{lesson.public_token}/" in detail
    public = Client().get(f"/lessons/public/{lesson.public_token}/")
    assert public.status_code == 200
    assert public["X-Robots-Tag"] == "noindex"
    km.post(f"/lessons/{lesson.pk}/edit/", lesson_form(visibility="organisation"))
    assert Client().get(f"/lessons/public/{lesson.public_token}/").status_code == 404


def test_after_action_review_page_offers_publish_as_lesson(member: User, project: Any) -> None:
    """The AAR page links to a lesson form pre-filled from the review."""
    from peerassist.analysis.models import AfterActionReview
    from tests.factories import PeerAssistFactory

    assist = PeerAssistFactory(project=project)
    aar = AfterActionReview.objects.create(
        project=project, assist=assist, what_we_learn="Agree cover first"
    )
    page = signed_in(member).get(f"/analysis/assists/{assist.pk}/after-action-review/")
    assert page.status_code == 200
    assert f"/lessons/new/?source=aar&amp;id={aar.pk}" in page.content.decode()
