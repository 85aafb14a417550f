"""Lessons learned log, report, retrospect and insights pages; who reaches each one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.models import Organisation, User
from peerassist.lessons.models import Lesson, LessonsLogEntry, LessonsReport, Retrospect
from tests.factories import LessonFactory, ProjectFactory, ProjectMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org: Organisation, member: User) -> Any:
    project = ProjectFactory(organisation=org)
    ProjectMemberFactory(project=project, user=member)
    return project


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_host_team_logs_reports_and_runs_a_retrospect(member: User, project: Any) -> None:
    """The whole Learning Handbook cycle through the pages, without JavaScript."""
    client = signed_in(member)
    assert (
        client.post(
            f"/lessons/projects/{project.pk}/log/",
            {"kind": "went_well", "text": "Diary blocks held this week"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/lessons/projects/{project.pk}/log/", {"kind": "went_well", "text": ""}
        ).status_code
        == 200
    )
    assert LessonsLogEntry.objects.count() == 1
    LessonFactory(project=project, title="Lesson in the report", status="draft", author=member)

    response = client.post(
        f"/lessons/projects/{project.pk}/reports/",
        {"title": "Pilot phase report", "phase": "Pilot", "summary": "It went well."},
    )
    report = LessonsReport.objects.get()
    assert response["Location"] == f"/lessons/reports/{report.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Diary blocks held this week" in page
    assert "Lesson in the report" in page

    response = client.post(
        f"/lessons/projects/{project.pk}/retrospects/new/",
        {
            "title": "End of pilot",
            "objectives": "Weekly sessions for every nurse",
            "went_well": "Training",
            "do_differently": "Agree cover first\nBook rooms early",
        },
    )
    retrospect = Retrospect.objects.get()
    client.post(f"/lessons/retrospects/{retrospect.pk}/draft-lessons/")
    drafts = Lesson.objects.filter(source_kind="retrospect", source_id=retrospect.pk)
    assert sorted(drafts.values_list("title", flat=True)) == [
        "Agree cover first",
        "Book rooms early",
    ]
    page = client.get(f"/lessons/retrospects/{retrospect.pk}/").content.decode()
    assert "Agree cover first" in page
    # The project page shows the lessons panel with links to the tools.
    project_page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/lessons/projects/{project.pk}/log/" in project_page


def test_empty_retrospect_is_refused(member: User, project: Any) -> None:
    """A retrospect with no answers shows an error and saves nothing."""
    response = signed_in(member).post(
        f"/lessons/projects/{project.pk}/retrospects/new/", {"title": "Empty"}
    )
    assert b"Answer at least one" in response.content
    assert Retrospect.objects.count() == 0


def test_who_reaches_each_project_tool_page(
    member: User, project: Any, org: Organisation, outsider: User
) -> None:
    """Another organisation gets 404 everywhere; a colleague outside the host team can read
    the log, reports and retrospects but not write them (403)."""
    entry = LessonsLogEntry.objects.create(project=project, text="x", author=member)
    report = LessonsReport.objects.create(project=project, title="R")
    retro = Retrospect.objects.create(project=project, objectives="o", do_differently="d")
    colleague = UserFactory(organisation=org)
    reads = [
        f"/lessons/projects/{project.pk}/log/",
        f"/lessons/projects/{project.pk}/reports/",
        f"/lessons/reports/{report.pk}/",
        f"/lessons/retrospects/{retro.pk}/",
    ]
    writes = [
        (f"/lessons/projects/{project.pk}/log/", {"kind": "idea", "text": "t"}),
        (f"/lessons/projects/{project.pk}/reports/", {"title": "t"}),
        (f"/lessons/projects/{project.pk}/retrospects/new/", {"objectives": "o"}),
        (f"/lessons/retrospects/{retro.pk}/", {"objectives": "changed"}),
        (f"/lessons/retrospects/{retro.pk}/draft-lessons/", {}),
        (f"/lessons/log/{entry.pk}/delete/", {}),
    ]
    for path in reads:
        assert signed_in(outsider).get(path).status_code == 404, path
        assert signed_in(colleague).get(path).status_code == 200, path
        assert Client().get(path).status_code == 302, path
    for path, data in writes:
        assert signed_in(outsider).post(path, data).status_code == 404, path
        assert signed_in(colleague).post(path, data).status_code == 403, path
    assert LessonsLogEntry.objects.count() == 1
    assert Lesson.objects.count() == 0
    retro.refresh_from_db()
    assert retro.objectives == "o"


def test_insights_page_shows_charts_and_tables_with_the_same_numbers(
    member: User, project: Any
) -> None:
    """The dashboard draws SVG charts with titles and the same counts in tables; the CSV
    export has the rows and defuses formulas."""
    from peerassist.analysis.models import CfirConstruct

    lesson = LessonFactory(project=project, valence="barrier", recommendation="Plan cover")
    lesson.constructs.add(CfirConstruct.objects.get(code="II.A"))
    client = signed_in(member)
    html = client.get("/lessons/insights/").content.decode()
    assert 'role="img"' in html
    assert '<title id="chart-domains-title">' in html
    assert "II.A Critical Incidents" in html
    assert "Plan cover" in html
    csv_body = b"".join(client.get("/lessons/insights.csv").streaming_content).decode()
    assert "CFIR construct,II.A Critical Incidents,0,1,0,1" in csv_body
    # Another organisation's member only sees it once shared.
    other_org = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    outsider = UserFactory(organisation=other_org)
    shared = signed_in(outsider).get("/lessons/insights/?scope=shared").content.decode()
    assert "II.A Critical Incidents" not in shared
    lesson.visibility = "shared"
    lesson.save()
    shared = signed_in(outsider).get("/lessons/insights/?scope=shared").content.decode()
    assert "II.A Critical Incidents" in shared


def test_insights_page_and_csv_count_codes_from_analysis_once(
    member: User, project: Any, outsider: User
) -> None:
    """In the organisation's own view, the page and the CSV count the barriers its host teams
    coded in analysis beside the lessons, a coded theme published as an approved lesson
    once (as the lesson); the shared view and other organisations count lessons only."""
    from peerassist.analysis.models import CfirConstruct, Determinant, Theme
    from tests.factories import PeerAssistFactory

    incidents = CfirConstruct.objects.get(organisation=None, code="II.A")
    assist = PeerAssistFactory(project=project)
    coded = Determinant.objects.create(project=project, assist=assist, valence="-1")
    coded.constructs.add(incidents)
    theme = Theme.objects.create(assist=assist, title="Cover for sickness")
    on_theme = Determinant.objects.create(project=project, assist=assist, theme=theme, valence="-1")
    on_theme.constructs.add(incidents)
    row = "CFIR construct,II.A Critical Incidents"

    def seen(user: User, query: str = "") -> tuple[str, str]:
        client = signed_in(user)
        html = client.get(f"/lessons/insights/{query}").content.decode()
        body = b"".join(client.get(f"/lessons/insights.csv{query}").streaming_content).decode()
        return html, body

    html, csv_body = seen(member)
    assert "2 enablers and barriers coded in analysis by your host teams" in html
    assert "II.A Critical Incidents" in html
    assert f"{row},0,2,0,2" in csv_body
    # The theme published and approved: counted once, as the lesson.
    lesson = LessonFactory(
        project=project, valence="barrier", source_kind="theme", source_id=theme.pk
    )
    lesson.constructs.add(incidents)
    html, csv_body = seen(member)
    assert "1 approved lesson, and 1 enabler and barrier coded in analysis" in html
    assert f"{row},0,2,0,2" in csv_body
    # A colleague outside the host team sees the organisation's view too.
    colleague = UserFactory(organisation=project.organisation)
    assert f"{row},0,2,0,2" in seen(colleague)[1]
    # The shared view and another organisation count the lesson only once it is shared.
    lesson.visibility = "shared"
    lesson.save(update_fields=["visibility"])
    for user in (member, outsider):
        html, csv_body = seen(user, "?scope=shared")
        assert "coded in analysis" not in html
        assert f"{row},0,1,0,1" in csv_body
    assert row not in seen(outsider)[1]


def test_home_page_lists_recent_visible_lessons_or_says_what_they_are_for(
    member: User, project: Any, outsider: User
) -> None:
    """The home section shows approved visible lessons, or an empty state that explains."""
    empty = signed_in(outsider).get("/").content.decode()
    assert "Lessons are what teams learned" in empty
    LessonFactory(project=project, title="A visible lesson")
    assert "A visible lesson" in signed_in(member).get("/").content.decode()
    assert "A visible lesson" not in signed_in(outsider).get("/").content.decode()


def test_demo_loads_shared_case_study_lessons_once(db: None) -> None:
    """Demo: both case studies appear as approved, shared, CFIR-coded lessons; loading twice
    adds nothing."""
    from peerassist.demo.loader import demo_load

    demo_load()
    count = Lesson.objects.count()
    demo_load()
    assert Lesson.objects.count() == count
    lessons = Lesson.objects.filter(status="approved", visibility="shared")
    assert lessons.count() == count >= 10
    orgs = set(lessons.values_list("organisation__slug", flat=True))
    assert orgs == {"northmoor-community-health", "eastbridge-city-council"}
    covid = lessons.get(title__icontains="COVID-19")
    assert covid.valence == "barrier"
    assert "II.A" in covid.constructs.values_list("code", flat=True)
    funding = lessons.get(title__icontains="external funding")
    assert (funding.valence, "II.F") == ("enabler", funding.constructs.get(code="II.F").code)
    assert not lessons.filter(constructs__isnull=True).exists()
