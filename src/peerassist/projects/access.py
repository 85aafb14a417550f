"""The doors to projects and their BARs. Outside the actor's reach looks the same as missing."""

from __future__ import annotations

from enum import Enum

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager, actor_membership
from peerassist.accounts.models import User
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound
from peerassist.projects.models import Project


class ProjectNeed(Enum):
    VIEW = "view"
    EDIT = "edit"


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


def project_can_edit(actor: Actor | None, project: Project) -> bool:
    if not isinstance(actor, User):
        return False
    if actor_is_knowledge_manager(actor, project.organisation_id):
        return True
    return project.members.filter(user=actor).exists()
