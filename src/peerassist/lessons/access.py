"""The doors to lessons and to a project's log, reports and retrospects.

Reading a lesson goes through ``lessons.visibility`` (the one rule); changing one needs the
author, the host team or a knowledge manager; reviewing needs a knowledge manager of the
lesson's organisation. Outside the actor's reach looks the same as missing (NotFound).
"""

from __future__ import annotations

from enum import Enum

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound
from peerassist.lessons.models import Lesson, LessonsLogEntry, LessonsReport, Retrospect
from peerassist.lessons.visibility import lesson_is_insider, lessons_visible
from peerassist.projects.access import ProjectNeed, access_project_record


class LessonNeed(Enum):
    VIEW = "view"
    EDIT = "edit"
    REVIEW = "review"


EDITABLE_STATUSES = (Lesson.Status.DRAFT, Lesson.Status.RETURNED)


def access_lesson(
    actor: Actor | None, lesson_id: object, *, need: LessonNeed = LessonNeed.VIEW
) -> Lesson:
    """The lesson if the actor may see it; EDIT and REVIEW add the role checks."""
    lesson_id = ensure_id(lesson_id, "lesson")
    lesson = (
        lessons_visible(actor)
        .select_related("organisation", "project", "assist", "author", "reviewed_by")
        .filter(pk=lesson_id)
        .first()
    )
    if lesson is None:
        raise NotFound("No such lesson.")
    if need is LessonNeed.EDIT:
        ensure_can_edit_lesson(actor, lesson)
    if need is LessonNeed.REVIEW:
        ensure_can_review_lesson(actor, lesson)
    return lesson


def lesson_can_edit(actor: Actor | None, lesson: Lesson) -> bool:
    """Knowledge managers always; the author and host team while it is a draft or returned."""
    if actor_is_knowledge_manager(actor, lesson.organisation_id):
        return True
    return lesson.status in EDITABLE_STATUSES and lesson_is_insider(actor, lesson)


def ensure_can_edit_lesson(actor: Actor | None, lesson: Lesson) -> None:
    if lesson_can_edit(actor, lesson):
        return
    if lesson_is_insider(actor, lesson):
        raise Forbidden(
            "This lesson is with the knowledge managers; it can be changed again if they "
            "return it.",
            code="lesson_locked",
        )
    raise Forbidden(
        "Only the author, the host team and knowledge managers can change this lesson.",
        code="not_lesson_team",
    )


def lesson_can_review(actor: Actor | None, lesson: Lesson) -> bool:
    return actor_is_knowledge_manager(actor, lesson.organisation_id)


def ensure_can_review_lesson(actor: Actor | None, lesson: Lesson) -> None:
    if not lesson_can_review(actor, lesson):
        raise Forbidden(
            "Only the organisation's knowledge managers review lessons.", code="not_reviewer"
        )


def access_retrospect(
    actor: Actor | None, retrospect_id: object, *, need: ProjectNeed = ProjectNeed.VIEW
) -> Retrospect:
    return access_project_record(actor, Retrospect, retrospect_id, what="retrospect", need=need)


def access_log_entry(
    actor: Actor | None, entry_id: object, *, need: ProjectNeed = ProjectNeed.EDIT
) -> LessonsLogEntry:
    return access_project_record(actor, LessonsLogEntry, entry_id, what="log entry", need=need)


def access_lessons_report(
    actor: Actor | None, report_id: object, *, need: ProjectNeed = ProjectNeed.VIEW
) -> LessonsReport:
    return access_project_record(actor, LessonsReport, report_id, what="report", need=need)
