"""Projects, host teams, Before Action Reviews, learning needs, enablers and learning tools.

Every write calls the same service as the pages; ``projects.access`` decides who may reach what.
"""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from peerassist.api.answers import HOST_TEAM_ONLY, IDS_IN_INPUT, RULES, answers
from peerassist.api.auth import ApiRequest, request_user, user_auth
from peerassist.api.pagination import BoundedPagination
from peerassist.core.errors import NotFound
from peerassist.projects import services
from peerassist.projects.access import (
    ProjectNeed,
    access_bar,
    access_enabler,
    access_learning_need,
    access_project,
)
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from peerassist.projects.related import related_for_need
from peerassist.projects.selectors import (
    bar_learning_needs,
    project_enablers,
    project_list,
    project_team,
)
from peerassist.projects.suggestions import suggested_enablers
from peerassist.projects.tools import TOOLS, tool_by_slug

router = Router(tags=["projects"], auth=user_auth)
EDIT = ProjectNeed.EDIT


# --- schemas ------------------------------------------------------------------------------


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


class ProjectIn(Schema):
    title: str
    aim: str = ""
    care_setting: str = ""
    service: str = ""
    stage: str = Project.Stage.PLANNING
    start_date: date | None = None
    key_decision_date: date | None = None
    organisation_id: int | None = None


class ProjectPatch(Schema):
    title: str | None = None
    aim: str | None = None
    care_setting: str | None = None
    service: str | None = None
    stage: str | None = None
    start_date: date | None = None
    key_decision_date: date | None = None


class ProjectFilter(Schema):
    q: str = ""


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    role: str


class MemberIn(Schema):
    user_id: int
    role: str = "member"


class LearningNeedOut(Schema):
    id: int
    bar_id: int
    question: str
    detail: str
    priority: str
    order: int


class BarOut(Schema):
    id: int
    project_id: int
    title: str
    status: str
    intended_results: str
    anticipated_challenges: str
    previous_learning: str
    success_factors: str
    updated_at: datetime
    learning_needs: list[LearningNeedOut]


class BarPatch(Schema):
    status: str | None = None
    intended_results: str | None = None
    anticipated_challenges: str | None = None
    previous_learning: str | None = None
    success_factors: str | None = None


class LearningNeedIn(Schema):
    question: str
    detail: str = ""
    priority: str = LearningNeed.Priority.MEDIUM


class LearningNeedPatch(Schema):
    question: str | None = None
    detail: str | None = None
    priority: str | None = None


class NeedEditIn(Schema):
    id: int
    question: str | None = None
    priority: str | None = None


class NeedMoveIn(Schema):
    id: int
    direction: Literal["up", "down"]


class BarSubmitIn(Schema):
    """One press of a BAR page button: the answers as typed, edits, and at most one change."""

    intended_results: str | None = None
    anticipated_challenges: str | None = None
    previous_learning: str | None = None
    success_factors: str | None = None
    complete: bool = False
    learning_needs: list[NeedEditIn] = Field(default_factory=list)
    add_need: LearningNeedIn | None = None
    move: NeedMoveIn | None = None
    delete: int | None = None
    add_challenge_enabler: int | None = None


class BarSubmitOut(BarOut):
    message: str


class NeedErrorsOut(Schema):
    """The error shape; ``learning_needs`` names each refused need when that was the reason."""

    detail: str
    code: str
    learning_needs: dict[int, str] = Field(default_factory=dict)


class MoveIn(Schema):
    direction: Literal["up", "down"]


class RelatedOut(Schema):
    """The same item as /search/learning-needs/{id}/related gives."""

    kind: str
    id: int
    title: str
    url: str
    excerpt: str
    reason: str
    matched_terms: list[str]
    similarity: float | None


class EnablerOut(Schema):
    id: int
    project_id: int
    category: str
    description: str
    status: str
    owner_id: int | None
    notes: str
    order: int


class EnablerIn(Schema):
    category: str
    description: str
    status: str = Enabler.Status.MISSING
    owner_id: int | None = None
    notes: str = ""


class EnablerPatch(Schema):
    category: str | None = None
    description: str | None = None
    status: str | None = None
    owner_id: int | None = None
    notes: str | None = None


class SuggestedIn(Schema):
    key: str


class SuggestedOut(Schema):
    key: str
    category: str
    description: str
    source: str


class ChallengeIn(Schema):
    enabler_id: int


class FromEnablerIn(Schema):
    bar_id: int | None = None


class RatingOut(Schema):
    name: str
    score: int
    meaning: str


class ToolOut(Schema):
    slug: str
    name: str
    stage: str
    summary: str
    when_to_use: list[str]
    who_takes_part: list[str]
    how_it_runs: list[str]
    what_you_need: list[str]
    ratings: list[RatingOut]
    ratings_from_handbook: bool


def _changes(payload: Schema, exclude: set[str] | None = None) -> dict[str, Any]:
    return payload.dict(exclude_unset=True, exclude=exclude)


def _bar_out(bar: BeforeActionReview) -> dict[str, Any]:
    return {
        "id": bar.pk,
        "project_id": bar.project_id,
        "title": bar.title,
        "status": bar.status,
        "intended_results": bar.intended_results,
        "anticipated_challenges": bar.anticipated_challenges,
        "previous_learning": bar.previous_learning,
        "success_factors": bar.success_factors,
        "updated_at": bar.updated_at,
        "learning_needs": list(bar_learning_needs(bar)),
    }


def _member_out(member: Any) -> dict[str, Any]:
    return {
        "id": member.pk,
        "user_id": member.user_id,
        "name": member.user.full_name,
        "role": member.role,
    }


# --- learning tools -----------------------------------------------------------------------


@router.get("/tools", response=list[ToolOut], summary="The learning tools catalogue")
def tools_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [_tool_out(tool) for tool in TOOLS]


@router.get("/tools/{slug}", response=ToolOut, summary="One learning tool")
def tool_detail(request: ApiRequest, slug: str) -> dict[str, Any]:
    tool = tool_by_slug(slug)
    if tool is None:
        raise NotFound("No such learning tool.")
    return _tool_out(tool)


def _tool_out(tool: Any) -> dict[str, Any]:
    return {**tool.__dict__, "ratings": [r.__dict__ for r in tool.ratings]}


@router.get("/enablers/suggested", response=list[SuggestedOut], summary="Suggested enablers to add")
def enablers_suggested(request: ApiRequest) -> list[Any]:
    return list(suggested_enablers())


# --- projects -----------------------------------------------------------------------------


@router.get("", response=list[ProjectOut], summary="Projects in your organisations")
@paginate(BoundedPagination)
def projects_list(request: ApiRequest, filters: Query[ProjectFilter]) -> list[Project]:
    return project_list(actor=request_user(request), query=filters.q[:200])  # type: ignore[return-value]


@router.post("", response={201: ProjectOut}, summary="Start a project (you become its lead)")
@answers(IDS_IN_INPUT)
def project_create(request: ApiRequest, payload: ProjectIn) -> Status[Project]:
    return Status(201, services.project_create(actor=request_user(request), **payload.dict()))


@router.get("/{project_id}", response=ProjectOut, summary="One project")
def project_detail(request: ApiRequest, project_id: int) -> Project:
    return access_project(request_user(request), project_id)


@router.patch("/{project_id}", response=ProjectOut, summary="Change a project")
@answers(HOST_TEAM_ONLY)
def project_update(request: ApiRequest, project_id: int, payload: ProjectPatch) -> Project:
    project = access_project(request_user(request), project_id, need=EDIT)
    return services.project_update(
        actor=request_user(request), project=project, **_changes(payload)
    )


@router.get("/{project_id}/members", response=list[MemberOut], summary="The host team")
def members_list(request: ApiRequest, project_id: int) -> list[dict[str, Any]]:
    project = access_project(request_user(request), project_id)
    return [_member_out(m) for m in project_team(project)]


@router.post(
    "/{project_id}/members",
    response={201: MemberOut},
    summary="Add a colleague to the host team (or change their role)",
)
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def member_add(request: ApiRequest, project_id: int, payload: MemberIn) -> Status[dict[str, Any]]:
    project = access_project(request_user(request), project_id, need=EDIT)
    member = services.project_member_add(
        actor=request_user(request), project=project, user_id=payload.user_id, role=payload.role
    )
    return Status(201, _member_out(member))


@router.delete(
    "/{project_id}/members/{member_id}", response={204: None}, summary="Leave the host team"
)
@answers(HOST_TEAM_ONLY, RULES)
def member_remove(request: ApiRequest, project_id: int, member_id: int) -> Status[None]:
    project = access_project(request_user(request), project_id, need=EDIT)
    services.project_member_remove(
        actor=request_user(request), project=project, member_id=member_id
    )
    return Status(204, None)


# --- Before Action Reviews ----------------------------------------------------------------


@router.get("/{project_id}/bars", response=list[BarOut], summary="The project's BARs")
def bars_list(request: ApiRequest, project_id: int) -> list[dict[str, Any]]:
    project = access_project(request_user(request), project_id)
    return [_bar_out(bar) for bar in project.bars.order_by("-created_at")]


@router.post("/{project_id}/bars", response={201: BarOut}, summary="Start a BAR")
@answers(HOST_TEAM_ONLY)
def bar_create(request: ApiRequest, project_id: int) -> Status[dict[str, Any]]:
    project = access_project(request_user(request), project_id, need=EDIT)
    return Status(201, _bar_out(services.bar_create(actor=request_user(request), project=project)))


@router.get("/{project_id}/bars/{bar_id}", response=BarOut, summary="One BAR")
def bar_detail(request: ApiRequest, project_id: int, bar_id: int) -> dict[str, Any]:
    return _bar_out(access_bar(request_user(request), project_id, bar_id))


@router.patch(
    "/{project_id}/bars/{bar_id}",
    response=BarOut,
    summary="Save BAR answers (a draft may send one field at a time)",
)
@answers(HOST_TEAM_ONLY)
def bar_update(
    request: ApiRequest, project_id: int, bar_id: int, payload: BarPatch
) -> dict[str, Any]:
    bar = access_bar(request_user(request), project_id, bar_id, need=EDIT)
    return _bar_out(services.bar_update(actor=request_user(request), bar=bar, **_changes(payload)))


@router.post(
    "/{project_id}/bars/{bar_id}/submit",
    response={200: BarSubmitOut, 400: NeedErrorsOut},
    summary="Save the whole BAR form at once, as the BAR page does (all or nothing)",
)
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def bar_submit(
    request: ApiRequest, project_id: int, bar_id: int, payload: BarSubmitIn
) -> Status[dict[str, Any]]:
    actor = request_user(request)
    bar = access_bar(actor, project_id, bar_id, need=EDIT)
    challenge = None
    if payload.add_challenge_enabler is not None:
        challenge = access_enabler(actor, project_id, payload.add_challenge_enabler)
    submission = services.BarSubmission(
        answers={
            name: getattr(payload, name)
            for name in services.BAR_FIELDS
            if getattr(payload, name) is not None
        },
        complete=payload.complete,
        need_edits={
            edit.id: changes
            for edit in payload.learning_needs
            if (changes := _changes(edit, exclude={"id"}))
        },
        new_need=payload.add_need.dict() if payload.add_need else None,
        move=(payload.move.id, payload.move.direction) if payload.move else None,
        delete=payload.delete,
        challenge=challenge,
    )
    try:
        message = services.bar_submit(actor=actor, bar=bar, submission=submission)
    except services.LearningNeedsInvalid as error:
        body = {"detail": error.detail, "code": error.code, "learning_needs": error.errors}
        return Status(400, body)
    bar.refresh_from_db()
    return Status(200, {**_bar_out(bar), "message": message})


@router.post(
    "/{project_id}/bars/{bar_id}/challenges",
    response=BarOut,
    summary="Add a missing enabler to the challenges we can anticipate",
)
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def bar_challenge_add(
    request: ApiRequest, project_id: int, bar_id: int, payload: ChallengeIn
) -> dict[str, Any]:
    bar = access_bar(request_user(request), project_id, bar_id, need=EDIT)
    enabler = access_enabler(request_user(request), project_id, payload.enabler_id)
    return _bar_out(
        services.bar_challenge_add_enabler(actor=request_user(request), bar=bar, enabler=enabler)
    )


@router.post(
    "/{project_id}/bars/{bar_id}/needs",
    response={201: LearningNeedOut},
    summary="Add a learning need at the end of the list",
)
@answers(HOST_TEAM_ONLY)
def need_create(
    request: ApiRequest, project_id: int, bar_id: int, payload: LearningNeedIn
) -> Status[LearningNeed]:
    bar = access_bar(request_user(request), project_id, bar_id, need=EDIT)
    return Status(
        201, services.learning_need_create(actor=request_user(request), bar=bar, **payload.dict())
    )


@router.patch(
    "/{project_id}/bars/{bar_id}/needs/{need_id}",
    response=LearningNeedOut,
    summary="Change a learning need",
)
@answers(HOST_TEAM_ONLY)
def need_update(
    request: ApiRequest, project_id: int, bar_id: int, need_id: int, payload: LearningNeedPatch
) -> LearningNeed:
    need = access_learning_need(request_user(request), project_id, bar_id, need_id, need=EDIT)
    return services.learning_need_update(
        actor=request_user(request), need=need, **_changes(payload)
    )


@router.post(
    "/{project_id}/bars/{bar_id}/needs/{need_id}/move",
    response=list[LearningNeedOut],
    summary="Move a learning need up or down; returns the list in its new order",
)
@answers(HOST_TEAM_ONLY)
def need_move(
    request: ApiRequest, project_id: int, bar_id: int, need_id: int, payload: MoveIn
) -> list[LearningNeed]:
    need = access_learning_need(request_user(request), project_id, bar_id, need_id, need=EDIT)
    services.learning_need_move(actor=request_user(request), need=need, direction=payload.direction)
    return list(bar_learning_needs(need.bar))


@router.delete(
    "/{project_id}/bars/{bar_id}/needs/{need_id}",
    response={204: None},
    summary="Remove a learning need",
)
@answers(HOST_TEAM_ONLY)
def need_delete(request: ApiRequest, project_id: int, bar_id: int, need_id: int) -> Status[None]:
    need = access_learning_need(request_user(request), project_id, bar_id, need_id, need=EDIT)
    services.learning_need_delete(actor=request_user(request), need=need)
    return Status(204, None)


@router.get(
    "/{project_id}/bars/{bar_id}/needs/{need_id}/related",
    response=list[RelatedOut],
    summary="Has this been solved before? Past peer assists, notes and lessons, with reasons",
)
def need_related(request: ApiRequest, project_id: int, bar_id: int, need_id: int) -> list[Any]:
    need = access_learning_need(request_user(request), project_id, bar_id, need_id)
    return related_for_need(request_user(request), need)


# --- enablers -----------------------------------------------------------------------------


@router.get("/{project_id}/enablers", response=list[EnablerOut], summary="The enablers check")
def enablers_list(request: ApiRequest, project_id: int) -> list[Enabler]:
    return list(project_enablers(access_project(request_user(request), project_id)))


@router.post("/{project_id}/enablers", response={201: EnablerOut}, summary="Record an enabler")
@answers(HOST_TEAM_ONLY)
def enabler_create(request: ApiRequest, project_id: int, payload: EnablerIn) -> Status[Enabler]:
    project = access_project(request_user(request), project_id, need=EDIT)
    return Status(
        201, services.enabler_create(actor=request_user(request), project=project, **payload.dict())
    )


@router.post(
    "/{project_id}/enablers/suggested",
    response={201: EnablerOut},
    summary="Add a suggested enabler (arrives as missing)",
)
@answers(HOST_TEAM_ONLY)
def enabler_add_suggested(
    request: ApiRequest, project_id: int, payload: SuggestedIn
) -> Status[Enabler]:
    project = access_project(request_user(request), project_id, need=EDIT)
    return Status(
        201,
        services.enabler_add_suggested(
            actor=request_user(request), project=project, key=payload.key
        ),
    )


@router.patch(
    "/{project_id}/enablers/{enabler_id}", response=EnablerOut, summary="Change an enabler"
)
@answers(HOST_TEAM_ONLY)
def enabler_update(
    request: ApiRequest, project_id: int, enabler_id: int, payload: EnablerPatch
) -> Enabler:
    enabler = access_enabler(request_user(request), project_id, enabler_id, need=EDIT)
    return services.enabler_update(
        actor=request_user(request), enabler=enabler, **_changes(payload)
    )


@router.delete(
    "/{project_id}/enablers/{enabler_id}", response={204: None}, summary="Remove an enabler"
)
@answers(HOST_TEAM_ONLY)
def enabler_delete(request: ApiRequest, project_id: int, enabler_id: int) -> Status[None]:
    enabler = access_enabler(request_user(request), project_id, enabler_id, need=EDIT)
    services.enabler_delete(actor=request_user(request), enabler=enabler)
    return Status(204, None)


@router.post(
    "/{project_id}/enablers/{enabler_id}/learning-need",
    response={201: LearningNeedOut},
    summary="Turn an enabler into a learning need (in the newest BAR, or the one given)",
)
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def enabler_to_need(
    request: ApiRequest, project_id: int, enabler_id: int, payload: FromEnablerIn
) -> Status[LearningNeed]:
    enabler = access_enabler(request_user(request), project_id, enabler_id, need=EDIT)
    bar = None
    if payload.bar_id is not None:
        bar = access_bar(request_user(request), project_id, payload.bar_id, need=EDIT)
    return Status(
        201,
        services.learning_need_from_enabler(actor=request_user(request), enabler=enabler, bar=bar),
    )
