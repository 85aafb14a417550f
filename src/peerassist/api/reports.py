"""Reports and follow-up over JSON: the session report, action lists, share-back and replies."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from peerassist.analysis.models import Action
from peerassist.api.answers import (
    ALREADY_DONE,
    GUEST_NOT_ALLOWED,
    HOST_TEAM_ONLY,
    PARTICIPANTS_ONLY,
    RULES,
    answers,
)
from peerassist.api.auth import ApiRequest, request_user, user_auth
from peerassist.api.pagination import BoundedPagination
from peerassist.assists.access import access_peer_assist, assist_can_plan
from peerassist.core.errors import Forbidden
from peerassist.followup.access import visitor_for_share_back
from peerassist.followup.action_lists import ActionFilter, ActionScope, action_list
from peerassist.followup.models import ShareBack, ShareBackComment, ShareBackDelivery
from peerassist.followup.selectors import share_back_history
from peerassist.followup.services import share_back_comment_add, share_back_send
from peerassist.reports.access import access_report
from peerassist.reports.presenters import SessionReport, report_present
from peerassist.reports.selectors import report_data

router = Router(tags=["reports"])


class NoteOut(Schema):
    ref: str
    text: str
    kind: str
    attribution: str
    learning_need: str
    theme: str


class ThemeOut(Schema):
    ref: str
    title: str
    summary: str
    votes: int | None
    rank: int | None
    note_refs: list[str]


class DeterminantOut(Schema):
    ref: str
    subject: str
    valence: str
    score: int | None
    constructs: list[str]
    domains: list[str]
    description: str
    evidence: list[str]


class ReportActionOut(Schema):
    ref: str
    text: str
    owner: str
    due_date: date | None
    priority: str
    status: str
    source: str


class DomainCountOut(Schema):
    domain: str
    strong_barrier: int
    barrier: int
    mixed: int
    enabler: int
    strong_enabler: int


class ReportOut(Schema):
    assist_id: int
    title: str
    project: str
    organisation: str
    date: str
    anonymous: bool
    purpose: str
    learning_needs: list[str]
    note_count: int
    hidden_note_count: int
    notes: list[NoteOut]
    themes: list[ThemeOut]
    ungrouped: list[str] = Field(description="Refs of the notes in no theme.")
    voting_closed: bool
    determinants: list[DeterminantOut]
    cfir_domains: list[DomainCountOut]
    actions: list[ReportActionOut]
    takeaways: list[dict[str, str]]
    action_list_due: str
    shared_back: str


def _report_out(report: SessionReport) -> ReportOut:
    return ReportOut(
        assist_id=report.assist_id,
        title=report.title,
        project=report.project,
        organisation=report.organisation,
        date=report.date,
        anonymous=report.anonymous,
        purpose=report.purpose,
        learning_needs=[n.question for n in report.learning_needs],
        note_count=report.note_count,
        hidden_note_count=report.hidden_note_count,
        notes=[NoteOut(**n.__dict__) for n in report.all_notes],
        themes=[
            ThemeOut(
                ref=t.ref,
                title=t.title,
                summary=t.summary,
                votes=t.votes,
                rank=t.rank,
                note_refs=[n.ref for n in t.notes],
            )
            for t in report.themes
        ],
        ungrouped=[n.ref for n in report.ungrouped],
        voting_closed=report.voting_closed,
        determinants=[DeterminantOut(**d.__dict__) for d in report.determinants],
        cfir_domains=[DomainCountOut(**r.__dict__) for r in report.chart_rows],
        actions=[
            ReportActionOut(
                ref=a.ref,
                text=a.text,
                owner=a.owner,
                due_date=a.due_date,
                priority=a.priority,
                status=a.status,
                source=a.source,
            )
            for a in report.actions
        ],
        takeaways=[{"name": t.name, "text": t.text} for t in report.takeaways],
        action_list_due=report.action_list_due,
        shared_back=report.shared_back,
    )


@router.get("/assists/{assist_id}", response=ReportOut, summary="A peer assist's session report")
@answers(GUEST_NOT_ALLOWED)
def report_detail(request: ApiRequest, assist_id: int) -> ReportOut:
    assist = access_report(request.auth, assist_id)
    return _report_out(report_present(report_data(assist=assist)))


class ActionOut(Schema):
    id: int
    text: str
    project_id: int
    assist_id: int | None
    owner_id: int | None
    due_date: date | None
    priority: str
    status: str


class ActionQuery(Schema):
    scope: ActionScope = ActionScope.OPEN
    status: str = ""
    project: int | None = None
    q: str = ""


@router.get(
    "/actions",
    response=list[ActionOut],
    auth=user_auth,
    summary="Actions across your organisations: mine, overdue, due soon, open or all",
)
@paginate(BoundedPagination)
def actions_index(request: ApiRequest, filters: Query[ActionQuery]) -> list[Action]:
    return action_list(  # type: ignore[return-value]
        actor=request.auth,
        filters=ActionFilter(
            scope=filters.scope,
            status=filters.status,
            project_id=filters.project,
            query=filters.q[:200],
        ),
    )


class ShareBackIn(Schema):
    message: str = Field("", max_length=2000)
    again: bool = False


class DeliveryOut(Schema):
    participant: str
    email: str
    sent_at: datetime | None


class ShareBackOut(Schema):
    round: int
    trigger: str
    created_at: datetime
    deliveries: list[DeliveryOut]


class CommentOut(Schema):
    id: int
    participant: str
    text: str
    created_at: datetime


class ShareBackState(Schema):
    rounds: list[ShareBackOut]
    comments: list[CommentOut]


def _share_back_out(share_back: ShareBack, deliveries: list[ShareBackDelivery]) -> ShareBackOut:
    return ShareBackOut(
        round=share_back.round,
        trigger=share_back.trigger,
        created_at=share_back.created_at,
        deliveries=[
            DeliveryOut(participant=d.participant.display_name, email=d.email, sent_at=d.sent_at)
            for d in deliveries
            if d.share_back_id == share_back.pk
        ],
    )


def _comment_out(c: ShareBackComment) -> CommentOut:
    return CommentOut(
        id=c.pk, participant=c.participant.display_name, text=c.text, created_at=c.created_at
    )


@router.get(
    "/assists/{assist_id}/share-back",
    response=ShareBackState,
    auth=user_auth,
    summary="What was shared back, to whom, and the visitors' replies (host team)",
)
@answers(HOST_TEAM_ONLY)
def share_back_state(request: ApiRequest, assist_id: int) -> ShareBackState:
    assist = access_peer_assist(request.auth, assist_id)
    if not assist_can_plan(request.auth, assist):
        raise Forbidden("Only the host team sees the share-back.", code="not_host_team")
    history = share_back_history(assist)
    return ShareBackState(
        rounds=[_share_back_out(s, history.deliveries) for s in history.rounds],
        comments=[_comment_out(c) for c in history.comments],
    )


@router.post(
    "/assists/{assist_id}/share-back",
    response={201: ShareBackOut},
    auth=user_auth,
    summary="Send the action list and report to the visitors now",
)
@answers(HOST_TEAM_ONLY, ALREADY_DONE, RULES)
def share_back_create(
    request: ApiRequest, assist_id: int, payload: ShareBackIn
) -> Status[ShareBackOut]:
    assist = access_peer_assist(request.auth, assist_id)
    share_back = share_back_send(
        assist=assist,
        by=request_user(request),
        message=payload.message,
        again=payload.again,
    )
    deliveries = list(share_back.deliveries.select_related("participant"))
    return Status(201, _share_back_out(share_back, deliveries))


class CommentIn(Schema):
    text: str = Field(..., max_length=ShareBackComment.MAX_LENGTH)


@router.post(
    "/assists/{assist_id}/share-back/comments",
    response={201: CommentOut},
    summary="A visitor's reply to the shared-back action list",
)
@answers(PARTICIPANTS_ONLY)
def share_back_comment(
    request: ApiRequest, assist_id: int, payload: CommentIn
) -> Status[CommentOut]:
    assist = access_peer_assist(request.auth, assist_id)
    participant = visitor_for_share_back(request.auth, assist)
    comment = share_back_comment_add(assist=assist, participant=participant, text=payload.text)
    return Status(201, _comment_out(comment))
