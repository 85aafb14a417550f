"""What the lessons app adds to the home page and to project pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.core.home import HomeSection
from peerassist.lessons.models import Lesson
from peerassist.projects.models import Project

if TYPE_CHECKING:
    from peerassist.projects.panels import LearningEvent, ProjectPanel

HOME_LESSONS = 5


def recent_lessons_section(actor: Actor) -> HomeSection | None:
    """The newest approved lessons the user may see (visibility rule applies)."""
    if not isinstance(actor, User):
        return None
    from peerassist.lessons.selectors import lesson_list, review_queue

    lessons = list(lesson_list(actor, status=Lesson.Status.APPROVED)[:HOME_LESSONS])
    return HomeSection(
        key="lessons",
        title="Recent lessons",
        template="lessons/home_section.html",
        context={"lessons": lessons, "queue_count": review_queue(actor).count()},
        order=50,
    )


def project_lessons_panel(actor: Actor, project: Project) -> ProjectPanel | None:
    """Lessons, the log, reports and retrospects of a project, on its page."""
    if not isinstance(actor, User):
        return None
    from peerassist.lessons.selectors import project_lessons
    from peerassist.projects.access import project_can_edit
    from peerassist.projects.panels import ProjectPanel

    lessons = list(project_lessons(actor, project.pk)[:10])
    return ProjectPanel(
        key="lessons",
        title="Lessons",
        template="lessons/project_panel.html",
        context={
            "lessons": lessons,
            "log_count": project.lessons_log.count(),
            "retrospects": list(project.retrospects.all()[:5]),
            "can_write": project_can_edit(actor, project),
        },
        order=60,
    )


def project_retrospect_events(actor: Actor, project: Project) -> list[LearningEvent]:
    from peerassist.projects.panels import LearningEvent

    return [
        LearningEvent(
            kind="Retrospect",
            title=r.title,
            url=reverse("lessons:retrospect", args=[r.pk]),
            status="Held" if r.held_on else "Recorded",
            when=r.held_on or r.created_at,
        )
        for r in project.retrospects.all()
    ]
