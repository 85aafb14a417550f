from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from peerassist.api.auth import user_auth
from peerassist.projects.access import access_project
from peerassist.projects.models import Project
from peerassist.projects.selectors import project_list

router = Router(tags=["projects"], auth=user_auth)


class ProjectOut(Schema):
    id: int
    organisation_id: int
    title: str
    aim: str
    care_setting: str
    service: str
    stage: str
    start_date: date | None
    key_decision_date: date | None


class ProjectFilter(Schema):
    q: str = ""


@router.get("", response=list[ProjectOut], summary="Projects in your organisations")
@paginate(LimitOffsetPagination)
def projects_list(request: HttpRequest, filters: Query[ProjectFilter]) -> list[Project]:
    return project_list(actor=request.auth, query=filters.q[:200])  # type: ignore[attr-defined, return-value]


@router.get("/{project_id}", response=ProjectOut, summary="One project")
def project_detail(request: HttpRequest, project_id: int) -> Project:
    return access_project(request.auth, project_id)  # type: ignore[attr-defined]
