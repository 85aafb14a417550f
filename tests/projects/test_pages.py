"""Project pages as a person sees them: forms that keep what was typed, clear errors,
escaped text, and lists whose query count does not grow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.models import User
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from peerassist.projects.panels import ProjectPanel, _panels, register_project_panel
from tests.factories import PeerAssistFactory, ProjectFactory, ProjectMemberFactory, UserFactory


@pytest.fixture
def as_host(host: User) -> Client:
    client = Client()
    client.force_login(host)
    return client


def _bar_post(bar: BeforeActionReview, **extra: str) -> dict[str, str]:
    data = {
        "intended_results": bar.intended_results,
        "anticipated_challenges": bar.anticipated_challenges,
        "previous_learning": bar.previous_learning,
        "success_factors": bar.success_factors,
    }
    data.update(extra)
    return data


def test_project_list_query_count_does_not_grow(
    org: object, member: User, django_assert_num_queries: object
) -> None:
    """The list shows each project's host team without a query per project."""
    client = Client()
    client.force_login(member)

    def make(n: int) -> None:
        for _ in range(n):
            project = ProjectFactory(organisation=org)
            ProjectMemberFactory(project=project, user=UserFactory(organisation=org))

    make(2)
    client.get("/projects/")  # warm the session and caches
    with django_assert_num_queries(6) as first:  # type: ignore[operator]
        client.get("/projects/")
    make(10)
    with django_assert_num_queries(len(first.captured_queries)):  # type: ignore[operator]
        response = client.get("/projects/")
    assert response.content.count(b"Host team:") == 12


def test_starting_a_project_with_bad_input_shows_the_error_summary(member: User) -> None:
    """Empty and 10,000-character titles come back with an error summary and the text kept."""
    client = Client()
    client.force_login(member)
    response = client.post("/projects/new/", {"title": "", "aim": "Keep me", "stage": "planning"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a title for the project." in response.content
    assert b"Keep me" in response.content
    response = client.post("/projects/new/", {"title": "t" * 10_000, "stage": "planning"})
    assert b"at most 200 characters" in response.content
    assert not Project.objects.exists()


def test_script_in_a_title_is_shown_as_text(member: User) -> None:
    """A title with a script tag is escaped on the project page and in the list."""
    client = Client()
    client.force_login(member)
    response = client.post(
        "/projects/new/", {"title": "<script>alert('x')</script>", "stage": "planning"}
    )
    assert response.status_code == 302
    for url in (response["Location"], "/projects/"):
        page = client.get(url).content
        assert b"<script>alert" not in page
        assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_project_page_lists_learning_events_newest_first_and_panels(
    as_host: Client, project: Project, bar: BeforeActionReview
) -> None:
    """BARs and peer assists appear newest first; a panel another app registers is shown."""
    today = timezone.localdate()
    bar.title = "Kick-off BAR"
    bar.save()
    PeerAssistFactory(project=project, title="Older assist", date=today - timedelta(days=400))
    PeerAssistFactory(project=project, title="Future assist", date=today + timedelta(days=9))

    def open_actions(actor: object, p: Project) -> ProjectPanel:
        items = [{"title": "<b>Book the room</b>", "url": "", "detail": "due Friday"}]
        return ProjectPanel(
            key="actions",
            title="Open actions",
            template="projects/_panel_list.html",
            context={"items": items},
        )

    register_project_panel(open_actions)
    html = as_host.get(f"/projects/{project.pk}/").content.decode()
    events = html[html.index('id="learning-events"') : html.index('id="peer-assists"')]
    order = [events.index(t) for t in ("Future assist", bar.title, "Older assist")]
    assert order == sorted(order)
    assert 'id="panel-actions">Open actions</h2>' in html
    assert "&lt;b&gt;Book the room&lt;/b&gt;" in html


def test_missing_enablers_show_on_the_project_page(
    as_host: Client, project: Project, enabler: Enabler
) -> None:
    html = as_host.get(f"/projects/{project.pk}/").content.decode()
    assert "Missing enablers" in html
    assert "Sessions free from interruptions" in html
    assert "Turn into a learning need" in html


def test_colleagues_read_the_project_without_edit_controls(
    member: User, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
) -> None:
    """Someone outside the host team sees the BAR read-only, with no form to submit."""
    client = Client()
    client.force_login(member)
    html = client.get(f"/projects/{project.pk}/bars/{bar.pk}/").content.decode()
    assert "How did you protect nurses&#x27; time?" in html
    assert "<textarea" not in html and "Save draft" not in html
    assert "Edit project details" not in client.get(f"/projects/{project.pk}/").content.decode()


class TestBarPage:
    """The BAR form never drops what was typed, whichever button is pressed."""

    def test_a_too_long_answer_keeps_every_typed_field_and_saves_nothing(
        self, as_host: Client, project: Project, bar: BeforeActionReview
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        data = _bar_post(bar, success_factors="Typed but rejected", previous_learning="p" * 10_001)
        response = as_host.post(url, {**data, "action": "save"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was saved yet" in html
        assert "Typed but rejected" in html
        assert "p" * 10_001 in html
        bar.refresh_from_db()
        assert bar.success_factors == ""

    def test_adding_an_empty_need_keeps_answers_typed_and_saves_nothing(
        self, as_host: Client, project: Project, bar: BeforeActionReview
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        data = _bar_post(bar, success_factors="Half-typed thought", question="  ")
        html = as_host.post(url, {**data, "action": "add_need"}).content.decode()
        assert "Enter the question you want to ask." in html
        assert "Half-typed thought" in html
        bar.refresh_from_db()
        assert bar.success_factors == "" and not bar.learning_needs.exists()

    def test_adding_a_need_also_saves_the_answers(
        self, as_host: Client, project: Project, bar: BeforeActionReview
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        data = _bar_post(bar, success_factors="Protected time", question="Who?", priority="high")
        response = as_host.post(url, {**data, "action": "add_need"})
        assert response.status_code == 302 and response["Location"].endswith("#learning-needs")
        bar.refresh_from_db()
        assert bar.success_factors == "Protected time"
        assert [(n.question, n.priority) for n in bar.learning_needs.all()] == [("Who?", "high")]

    def test_a_question_typed_in_add_need_is_kept_when_save_draft_is_pressed(
        self, as_host: Client, project: Project, bar: BeforeActionReview
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        data = _bar_post(bar, question="Typed, then Save draft", priority="low")
        as_host.post(url, {**data, "action": "save"})
        assert list(bar.learning_needs.values_list("question", flat=True)) == [
            "Typed, then Save draft"
        ]

    def test_move_edit_and_delete_needs_without_javascript(
        self, as_host: Client, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        first, second = needs
        edits = {
            f"need-{first.pk}-question": "Edited while moving",
            f"need-{first.pk}-priority": "low",
        }
        as_host.post(url, {**_bar_post(bar), **edits, "move": f"{second.pk}:up"})
        assert list(bar.learning_needs.values_list("question", "priority")) == [
            ("How did you win over pharmacy?", "medium"),
            ("Edited while moving", "low"),
        ]
        as_host.post(url, {**_bar_post(bar), "delete": str(first.pk)})
        assert list(bar.learning_needs.values_list("pk", flat=True)) == [second.pk]

    def test_an_emptied_need_is_an_error_that_keeps_everything(
        self, as_host: Client, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        data = {**_bar_post(bar, success_factors="Keep"), f"need-{needs[0].pk}-question": ""}
        html = as_host.post(url, {**data, "action": "save"}).content.decode()
        assert "Learning need 1: Enter the question." in html
        bar.refresh_from_db()
        assert bar.success_factors == ""

    def test_missing_enabler_goes_into_the_challenges_with_one_click(
        self, as_host: Client, project: Project, bar: BeforeActionReview, enabler: Enabler
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        page = as_host.get(url).content.decode()
        assert "Add to challenges" in page
        data = _bar_post(bar, anticipated_challenges="Typed first")
        as_host.post(url, {**data, "challenge": str(enabler.pk)})
        bar.refresh_from_db()
        assert bar.anticipated_challenges.startswith("Typed first\nMissing enabler")

    def test_mark_complete(
        self, as_host: Client, project: Project, bar: BeforeActionReview
    ) -> None:
        url = f"/projects/{project.pk}/bars/{bar.pk}/"
        as_host.post(url, {**_bar_post(bar), "action": "complete"})
        bar.refresh_from_db()
        assert bar.status == "complete"

    def test_related_panel_explains_matches(
        self, as_host: Client, project: Project, bar: BeforeActionReview, needs: list[LearningNeed]
    ) -> None:
        other = ProjectFactory(organisation=project.organisation)
        PeerAssistFactory(project=other, title="Winning over pharmacy colleagues")
        html = as_host.get(f"/projects/{project.pk}/bars/{bar.pk}/").content.decode()
        assert "Has this been solved before?" in html
        assert "Winning over pharmacy colleagues" in html
        assert "Why: Mentions “pharmacy”" in html


def test_starting_a_bar_from_the_tools_catalogue(as_host: Client, project: Project) -> None:
    """The tool card's project picker leads to starting a BAR on the chosen project."""
    page = as_host.get("/projects/tools/").content.decode()
    assert "4 out of 5" in page and "5 out of 5" in page and "(indicative)" in page
    response = as_host.get("/projects/tools/before-action-review/", {"project": project.pk})
    assert response["Location"] == f"/projects/{project.pk}/bars/new/"
    created = as_host.post(f"/projects/{project.pk}/bars/new/")
    bar = project.bars.get()
    assert created["Location"] == f"/projects/{project.pk}/bars/{bar.pk}/"


@pytest.mark.parametrize("chosen", ["999999", "abc", ""])
def test_tool_picker_with_an_unknown_project_shows_an_error(
    as_host: Client, project: Project, chosen: str
) -> None:
    response = as_host.get("/projects/tools/peer-assist/", {"project": chosen})
    assert response.status_code == 200
    assert "Choose one of your organisation" in response.content.decode()


def test_host_team_page_refuses_unknown_people(
    as_host: Client, project: Project, outsider: User
) -> None:
    """Only colleagues can be picked; an outsider's id is a form error, not a 500."""
    response = as_host.post(
        f"/projects/{project.pk}/team/", {"user_id": outsider.pk, "role": "member"}
    )
    assert response.status_code == 200
    assert "Choose a person from your organisation." in response.content.decode()
    assert project.members.count() == 1


def test_removing_the_last_host_shows_the_reason(as_host: Client, project: Project) -> None:
    member = project.members.get()
    response = as_host.post(f"/projects/{project.pk}/team/{member.pk}/remove/", follow=True)
    assert "A host team needs at least one person" in response.content.decode()


def test_enablers_page_suggestions_and_one_click_learning_need(
    as_host: Client, project: Project
) -> None:
    """A suggestion is added with one click and then turned into a learning need."""
    page = as_host.get(f"/projects/{project.pk}/enablers/").content.decode()
    assert "Suggestions from other teams" in page
    assert "External funding secured for two years" in page
    as_host.post(
        f"/projects/{project.pk}/enablers/suggested/",
        {"key": "external-funding-secured-for-two-years"},
    )
    enabler = project.enablers.get()
    assert enabler.status == "missing"
    page = as_host.get(f"/projects/{project.pk}/enablers/").content.decode()
    assert 'value="external-funding-secured-for-two-years"' not in page  # suggestion used
    response = as_host.post(f"/projects/{project.pk}/enablers/{enabler.pk}/learning-need/")
    need = LearningNeed.objects.get(project=project)
    assert response["Location"] == f"/projects/{project.pk}/bars/{need.bar_id}/#learning-needs"


def test_enabler_form_errors_are_shown(as_host: Client, project: Project) -> None:
    response = as_host.post(
        f"/projects/{project.pk}/enablers/",
        {"description": "", "category": "x", "status": "missing"},
    )
    html = response.content.decode()
    assert "Describe the enabler." in html and "There is a problem" in html
    assert not project.enablers.exists()


@pytest.fixture(autouse=True)
def _no_leftover_panels() -> Iterator[None]:
    before = list(_panels)
    yield
    _panels[:] = before


def test_only_learning_tools_is_current_in_the_menu_on_the_tools_page(as_host: Client) -> None:
    """/projects/tools/ marks "Learning tools" as the current page, not "Projects" too."""
    html = as_host.get("/projects/tools/").content.decode()
    assert html.count('aria-current="page"') == 1
    assert 'href="/projects/tools/" aria-current="page">Learning tools' in html
