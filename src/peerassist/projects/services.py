"""Writes to projects, host teams, Before Action Reviews, learning needs and enablers.

Every function here is the one way its change happens: pages and the API both call it.
Callers pass objects they reached through ``projects.access``; the services check rules
about values (and who may be added), not who the actor is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_membership, actor_organisation_ids
from peerassist.accounts.models import Membership, Organisation, User
from peerassist.core.access import ensure_id
from peerassist.core.errors import Invalid, NotFound
from peerassist.projects.models import (
    BeforeActionReview,
    Enabler,
    LearningNeed,
    Project,
    ProjectMember,
)
from peerassist.projects.suggestions import suggested_enabler

EARLIEST_DATE = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 20

PROJECT_TEXT_LIMITS = {"aim": 5000, "care_setting": 120, "service": 120}
BAR_FIELDS = ("intended_results", "anticipated_challenges", "previous_learning", "success_factors")
BAR_FIELD_LIMIT = 10000


# --- value checks -------------------------------------------------------------------------


def clean_text(value: Any, *, label: str, limit: int, required: bool = False) -> str:
    """Text as stored: trimmed, without NUL characters, within ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{label} must be text.", code="invalid_text")
    text = value.replace("\x00", "").strip()
    if required and not text:
        raise Invalid(f"Enter {label[0].lower() + label[1:]}.", code="required")
    if len(text) > limit:
        raise Invalid(
            f"{label} must be {limit:,} characters or fewer (it has {len(text):,}).",
            code="too_long",
        )
    return text


def clean_date(value: date | None, *, label: str) -> date | None:
    """A plausible project date. Past dates are allowed: a project may already be under way."""
    if value is None:
        return None
    latest = timezone.localdate().replace(year=timezone.localdate().year + LATEST_YEARS_AHEAD)
    if value < EARLIEST_DATE or value > latest:
        raise Invalid(
            f"{label} must be between {EARLIEST_DATE:%Y} and {latest:%Y}.", code="date_out_of_range"
        )
    return value


def _choice(value: Any, choices: Any, *, label: str) -> str:
    if value not in choices.values:
        options = ", ".join(str(v) for v in choices.values)
        raise Invalid(f"{label} must be one of: {options}.", code="invalid_choice")
    return str(value)


def _org_for_new_project(actor: Actor, organisation_id: int | None) -> Organisation:
    ids = actor_organisation_ids(actor)
    if organisation_id is None:
        if len(ids) != 1:
            raise Invalid("Choose the organisation this project belongs to.", code="organisation")
        organisation_id = next(iter(ids))
    membership = actor_membership(actor, ensure_id(organisation_id, "organisation"))
    if membership is None:
        raise NotFound("No such organisation.")
    return membership.organisation


# --- projects -----------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: User,
    title: str,
    aim: str = "",
    care_setting: str = "",
    service: str = "",
    stage: str = Project.Stage.PLANNING,
    start_date: date | None = None,
    key_decision_date: date | None = None,
    organisation_id: int | None = None,
) -> Project:
    """Create a project; the person creating it becomes its host lead (a team of one)."""
    organisation = _org_for_new_project(actor, organisation_id)
    project = Project.objects.create(
        organisation=organisation,
        title=clean_text(title, label="Title", limit=200, required=True),
        aim=clean_text(aim, label="Aim", limit=5000),
        care_setting=clean_text(care_setting, label="Care setting", limit=120),
        service=clean_text(service, label="Service", limit=120),
        stage=_choice(stage, Project.Stage, label="Stage"),
        start_date=clean_date(start_date, label="Start date"),
        key_decision_date=clean_date(key_decision_date, label="Key decision date"),
        created_by=actor,
    )
    ProjectMember.objects.create(project=project, user=actor, role=ProjectMember.Role.LEAD)
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **changes: Any) -> Project:
    """Change the given fields only; anything not passed stays as it was."""
    cleaners = {
        "title": lambda v: clean_text(v, label="Title", limit=200, required=True),
        "aim": lambda v: clean_text(v, label="Aim", limit=5000),
        "care_setting": lambda v: clean_text(v, label="Care setting", limit=120),
        "service": lambda v: clean_text(v, label="Service", limit=120),
        "stage": lambda v: _choice(v, Project.Stage, label="Stage"),
        "start_date": lambda v: clean_date(v, label="Start date"),
        "key_decision_date": lambda v: clean_date(v, label="Key decision date"),
    }
    unknown = set(changes) - set(cleaners)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    cleaned = {name: cleaners[name](value) for name, value in changes.items()}
    for name, value in cleaned.items():
        setattr(project, name, value)
    if cleaned:
        project.save(update_fields=[*cleaned, "updated_at"])
    return project


@transaction.atomic
def project_member_add(
    *, actor: User, project: Project, user_id: Any, role: str = ProjectMember.Role.MEMBER
) -> ProjectMember:
    """Add a colleague from the project's organisation to the host team, or change their role."""
    role = _choice(role, ProjectMember.Role, label="Role")
    try:
        user_pk = ensure_id(user_id, "person")
    except NotFound:
        raise Invalid("Choose a person from your organisation.", code="unknown_person") from None
    in_org = Membership.objects.filter(
        organisation_id=project.organisation_id, user_id=user_pk, user__is_active=True
    ).exists()
    if not in_org:
        raise Invalid("Choose a person from your organisation.", code="unknown_person")
    member, created = ProjectMember.objects.get_or_create(
        project=project, user_id=user_pk, defaults={"role": role}
    )
    if not created and member.role != role:
        _ensure_a_lead_remains(project, leaving=member, new_role=role)
        member.role = role
        member.save(update_fields=["role", "updated_at"])
    return member


@transaction.atomic
def project_member_remove(*, actor: User, project: Project, member_id: Any) -> None:
    """Take someone off the host team; the team keeps at least one person and one lead."""
    member = _project_member(project, member_id)
    if project.members.count() == 1:
        raise Invalid(
            "A host team needs at least one person. Add someone else before removing "
            f"{member.user.full_name}.",
            code="last_member",
        )
    _ensure_a_lead_remains(project, leaving=member, new_role=None)
    member.delete()


def _project_member(project: Project, member_id: Any) -> ProjectMember:
    pk = ensure_id(member_id, "host team member")
    member = project.members.select_related("user").filter(pk=pk).first()
    if member is None:
        raise NotFound("No such host team member.")
    return member


def _ensure_a_lead_remains(
    project: Project, *, leaving: ProjectMember, new_role: str | None
) -> None:
    if leaving.role != ProjectMember.Role.LEAD or new_role == ProjectMember.Role.LEAD:
        return
    others = project.members.filter(role=ProjectMember.Role.LEAD).exclude(pk=leaving.pk)
    if not others.exists():
        raise Invalid(
            "The host team needs a lead. Make someone else the lead first.", code="last_lead"
        )


# --- Before Action Reviews ----------------------------------------------------------------


@transaction.atomic
def bar_create(*, actor: User, project: Project) -> BeforeActionReview:
    """Start a draft Before Action Review for the project."""
    return BeforeActionReview.objects.create(project=project, updated_by=actor)


@transaction.atomic
def bar_update(
    *, actor: User, bar: BeforeActionReview, status: str | None = None, **answers: Any
) -> BeforeActionReview:
    """Save the answers given (a draft save may send only one); nothing else changes.

    Raises ``Invalid`` before writing anything, so a rejected save leaves the draft as it was.
    """
    unknown = set(answers) - set(BAR_FIELDS)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    labels = {
        "intended_results": "Intended results",
        "anticipated_challenges": "Challenges we can anticipate",
        "previous_learning": "What we or others have learned",
        "success_factors": "What will make us successful",
    }
    cleaned = {
        name: clean_text(value, label=labels[name], limit=BAR_FIELD_LIMIT)
        for name, value in answers.items()
    }
    if status is not None:
        cleaned["status"] = _choice(status, BeforeActionReview.Status, label="Status")
    for name, value in cleaned.items():
        setattr(bar, name, value)
    bar.updated_by = actor
    bar.save(update_fields=[*cleaned, "updated_by", "updated_at"])
    return bar


@transaction.atomic
def bar_challenge_add_enabler(
    *, actor: User, bar: BeforeActionReview, enabler: Enabler
) -> BeforeActionReview:
    """Add a missing enabler to "challenges we can anticipate", once."""
    line = f"Missing enabler ({enabler.get_category_display().lower()}): {enabler.description}"
    current = bar.anticipated_challenges.rstrip()
    if line in current:
        return bar
    combined = f"{current}\n{line}" if current else line
    if len(combined) > BAR_FIELD_LIMIT:
        raise Invalid(
            "The challenges answer is full. Shorten it before adding this enabler.",
            code="too_long",
        )
    bar.anticipated_challenges = combined
    bar.updated_by = actor
    bar.save(update_fields=["anticipated_challenges", "updated_by", "updated_at"])
    return bar


# --- learning needs -----------------------------------------------------------------------


@transaction.atomic
def learning_need_create(
    *,
    actor: User,
    bar: BeforeActionReview,
    question: str,
    detail: str = "",
    priority: str = LearningNeed.Priority.MEDIUM,
) -> LearningNeed:
    """Add a learning need at the end of the BAR's list; the same question is not added twice."""
    question = clean_text(question, label="The question", limit=500, required=True)
    detail = clean_text(detail, label="Detail", limit=5000)
    priority = _choice(priority, LearningNeed.Priority, label="Priority")
    # Lock the BAR so two additions at once get distinct positions.
    BeforeActionReview.objects.select_for_update().filter(pk=bar.pk).first()
    existing = bar.learning_needs.filter(question=question).first()
    if existing is not None:
        return existing
    last = bar.learning_needs.aggregate(last=Max("order"))["last"]
    return LearningNeed.objects.create(
        bar=bar,
        project_id=bar.project_id,
        question=question,
        detail=detail,
        priority=priority,
        order=0 if last is None else last + 1,
    )


@transaction.atomic
def learning_need_update(*, actor: User, need: LearningNeed, **changes: Any) -> LearningNeed:
    cleaners = {
        "question": lambda v: clean_text(v, label="The question", limit=500, required=True),
        "detail": lambda v: clean_text(v, label="Detail", limit=5000),
        "priority": lambda v: _choice(v, LearningNeed.Priority, label="Priority"),
    }
    unknown = set(changes) - set(cleaners)
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    cleaned = {name: cleaners[name](value) for name, value in changes.items()}
    for name, value in cleaned.items():
        setattr(need, name, value)
    if cleaned:
        need.save(update_fields=[*cleaned, "updated_at"])
    return need


@transaction.atomic
def learning_need_move(*, actor: User, need: LearningNeed, direction: str) -> LearningNeed:
    """Swap the need with its neighbour above ("up") or below ("down"); at an end, no change."""
    if direction not in {"up", "down"}:
        raise Invalid("Direction must be up or down.", code="invalid_choice")
    BeforeActionReview.objects.select_for_update().filter(pk=need.bar_id).first()
    needs = list(LearningNeed.objects.filter(bar_id=need.bar_id).order_by("order", "id"))
    index = next(i for i, n in enumerate(needs) if n.pk == need.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(needs):
        return need
    needs[index], needs[other] = needs[other], needs[index]
    for position, item in enumerate(needs):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order", "updated_at"])
    need.refresh_from_db()
    return need


@transaction.atomic
def learning_need_delete(*, actor: User, need: LearningNeed) -> None:
    need.delete()


@transaction.atomic
def learning_need_from_enabler(
    *, actor: User, enabler: Enabler, bar: BeforeActionReview | None = None
) -> LearningNeed:
    """Turn an enabler into a question for the visitors, in the newest BAR (started if none)."""
    if bar is None:
        bar = enabler.project.bars.order_by("-created_at").first()
    if bar is None:
        bar = bar_create(actor=actor, project=enabler.project)
    question = f"How did you get this in place: {enabler.description.rstrip('.')}?"
    return learning_need_create(
        actor=actor,
        bar=bar,
        question=question[:500],
        priority=LearningNeed.Priority.HIGH,
        detail=f"From the enablers check ({enabler.get_category_display().lower()}).",
    )


# --- enablers -----------------------------------------------------------------------------


def _owner(project: Project, owner_id: Any) -> User | None:
    if owner_id in (None, ""):
        return None
    try:
        pk = ensure_id(owner_id, "person")
    except NotFound:
        raise Invalid("Choose an owner from your organisation.", code="unknown_person") from None
    owner = User.objects.filter(
        pk=pk, is_active=True, memberships__organisation_id=project.organisation_id
    ).first()
    if owner is None:
        raise Invalid("Choose an owner from your organisation.", code="unknown_person")
    return owner


@transaction.atomic
def enabler_create(
    *,
    actor: User,
    project: Project,
    category: str,
    description: str,
    status: str = Enabler.Status.MISSING,
    owner_id: Any = None,
    notes: str = "",
) -> Enabler:
    """Record an enabler; the same description is recorded once per project."""
    category = _choice(category, Enabler.Category, label="Category")
    description = clean_text(description, label="The enabler", limit=500, required=True)
    status = _choice(status, Enabler.Status, label="Status")
    notes = clean_text(notes, label="Notes", limit=5000)
    owner = _owner(project, owner_id)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    existing = project.enablers.filter(description=description).first()
    if existing is not None:
        return existing
    last = project.enablers.aggregate(last=Max("order"))["last"]
    return Enabler.objects.create(
        project=project,
        category=category,
        description=description,
        status=status,
        owner=owner,
        notes=notes,
        order=0 if last is None else last + 1,
    )


@transaction.atomic
def enabler_add_suggested(*, actor: User, project: Project, key: str) -> Enabler:
    """Add one of the suggested enablers (from the case studies) as missing, owner to agree."""
    suggestion = suggested_enabler(key)
    if suggestion is None:
        raise Invalid("That suggestion is not on the list.", code="unknown_suggestion")
    return enabler_create(
        actor=actor,
        project=project,
        category=suggestion.category,
        description=suggestion.description,
        status=Enabler.Status.MISSING,
    )


@transaction.atomic
def enabler_update(*, actor: User, enabler: Enabler, **changes: Any) -> Enabler:
    project = enabler.project
    cleaners: dict[str, Any] = {
        "category": lambda v: _choice(v, Enabler.Category, label="Category"),
        "description": lambda v: clean_text(v, label="The enabler", limit=500, required=True),
        "status": lambda v: _choice(v, Enabler.Status, label="Status"),
        "notes": lambda v: clean_text(v, label="Notes", limit=5000),
    }
    unknown = set(changes) - set(cleaners) - {"owner_id"}
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    cleaned = {name: cleaners[name](v) for name, v in changes.items() if name != "owner_id"}
    if "owner_id" in changes:
        cleaned["owner"] = _owner(project, changes["owner_id"])
    for name, value in cleaned.items():
        setattr(enabler, name, value)
    if cleaned:
        enabler.save(update_fields=[*cleaned, "updated_at"])
    return enabler


@transaction.atomic
def enabler_delete(*, actor: User, enabler: Enabler) -> None:
    enabler.delete()


# --- the BAR page's one submit --------------------------------------------------------------


class LearningNeedsInvalid(Invalid):
    """Some learning-need edits were refused; ``errors`` maps each need's id to its reason."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__("Check the learning needs: a question cannot be empty or too long.")
        self.errors = errors


@dataclass(frozen=True)
class BarSubmission:
    """Everything one press of a BAR button asks for: answers as typed, plus one list change."""

    answers: dict[str, str]
    complete: bool = False
    need_edits: dict[int, dict[str, str]] = field(default_factory=dict)
    new_need: dict[str, str] | None = None
    move: tuple[int, str] | None = None
    delete: int | None = None
    challenge: Enabler | None = None


@transaction.atomic
def bar_submit(*, actor: User, bar: BeforeActionReview, submission: BarSubmission) -> str:
    """Save the BAR's answers and need edits, then apply the one list change asked for.

    One transaction: any refusal (a need left empty, a need no longer on the list, a full
    challenges answer) raises and saves nothing, so the page can show every field as typed.
    Returns the sentence to show the person.
    """
    status = BeforeActionReview.Status.COMPLETE if submission.complete else None
    bar_update(actor=actor, bar=bar, status=status, **submission.answers)
    needs = {n.pk: n for n in bar.learning_needs.all()}
    errors: dict[int, str] = {}
    for need_id, edits in submission.need_edits.items():
        if need_id not in needs:
            raise Invalid("That learning need is no longer on the list.", code="not_found")
        try:
            learning_need_update(actor=actor, need=needs[need_id], **edits)
        except Invalid as error:
            errors[need_id] = error.detail
    if errors:
        raise LearningNeedsInvalid(errors)
    message = (
        "Before Action Review saved and marked complete."
        if submission.complete
        else ("Draft saved.")
    )
    if submission.new_need is not None:
        learning_need_create(actor=actor, bar=bar, **submission.new_need)
        message = "Learning need added."
    if submission.move is not None:
        target = _listed_need(needs, submission.move[0])
        learning_need_move(actor=actor, need=target, direction=submission.move[1])
        message = f"Moved “{target.question[:60]}” {submission.move[1]}."
    if submission.delete is not None:
        target = _listed_need(needs, submission.delete)
        learning_need_delete(actor=actor, need=target)
        message = f"Removed “{target.question[:60]}”."
    if submission.challenge is not None:
        if submission.challenge.project_id != bar.project_id:
            raise Invalid("That enabler belongs to another project.", code="not_found")
        bar_challenge_add_enabler(actor=actor, bar=bar, enabler=submission.challenge)
        message = "Added the missing enabler to the challenges."
    return message


def _listed_need(needs: dict[int, LearningNeed], need_id: int) -> LearningNeed:
    target = needs.get(need_id)
    if target is None:
        raise Invalid("That learning need is no longer on the list.", code="not_found")
    return target
