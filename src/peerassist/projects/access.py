"""The doors to projects, their BARs and the records they own.

Outside the actor's reach looks the same as missing.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol, TypeVar

from django.db.models import Model

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager, actor_membership
from peerassist.accounts.models import User
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project


class ProjectNeed(Enum):
    VIEW = "view"
    EDIT = "edit"


class ProjectRecord(Protocol):
    """A record that belongs to exactly one project (a log entry, a retrospect, a report)."""

    project_id: int
    project: Project


RecordT = TypeVar("RecordT", bound=ProjectRecord)


def access_project(
    actor: Actor | None, project_id: int, *, need: ProjectNeed = ProjectNeed.VIEW
) -> Project:
    """The project, if the actor's organisation owns it; EDIT needs the host team or a KM."""
    project_id = ensure_id(project_id, "project")
    project = Project.objects.select_related("organisation").filter(pk=project_id).first()
    if project is None:
        raise NotFound("No such project.")
    if actor_membership(actor, project.organisation_id) is None:
        raise NotFound("No such project.")
    if need is ProjectNeed.EDIT and not project_can_edit(actor, project):
        raise Forbidden(
            "Only the host team and the organisation's knowledge managers can change this project.",
            code="not_host_team",
        )
    return project


def access_project_record(
    actor: Actor | None,
    model: type[RecordT],
    record_id: object,
    *,
    what: str,
    need: ProjectNeed,
) -> RecordT:
    """A project's record fetched by its own id, if the actor may reach the project.

    Every failure, the project's own included, says "No such <what>.": naming the project
    would tell an outsider that the record exists.
    """
    record_id = ensure_id(record_id, what)
    assert issubclass(model, Model)  # a model class that also has a project (narrows the type)
    record = model._default_manager.filter(pk=record_id).first()
    if record is None:
        raise NotFound(f"No such {what}.")
    try:
        record.project = access_project(actor, record.project_id, need=need)
    except NotFound:
        raise NotFound(f"No such {what}.") from None
    return record


def project_can_edit(actor: Actor | None, project: Project) -> bool:
    if not isinstance(actor, User):
        return False
    if actor_is_knowledge_manager(actor, project.organisation_id):
        return True
    return project.members.filter(user=actor).exists()


def access_bar(
    actor: Actor | None, project_id: int, bar_id: int, *, need: ProjectNeed = ProjectNeed.VIEW
) -> BeforeActionReview:
    """A BAR of a project the actor may reach; a BAR of another project is not found."""
    project = access_project(actor, project_id, need=need)
    bar_id = ensure_id(bar_id, "Before Action Review")
    bar = BeforeActionReview.objects.filter(pk=bar_id, project=project).first()
    if bar is None:
        raise NotFound("No such Before Action Review.")
    bar.project = project
    return bar


def access_learning_need(
    actor: Actor | None,
    project_id: int,
    bar_id: int,
    need_id: int,
    *,
    need: ProjectNeed = ProjectNeed.VIEW,
) -> LearningNeed:
    bar = access_bar(actor, project_id, bar_id, need=need)
    need_id = ensure_id(need_id, "learning need")
    learning_need = LearningNeed.objects.filter(pk=need_id, bar=bar).first()
    if learning_need is None:
        raise NotFound("No such learning need.")
    learning_need.bar = bar
    return learning_need


def access_enabler(
    actor: Actor | None, project_id: int, enabler_id: int, *, need: ProjectNeed = ProjectNeed.VIEW
) -> Enabler:
    project = access_project(actor, project_id, need=need)
    enabler_id = ensure_id(enabler_id, "enabler")
    enabler = Enabler.objects.filter(pk=enabler_id, project=project).first()
    if enabler is None:
        raise NotFound("No such enabler.")
    enabler.project = project
    return enabler
