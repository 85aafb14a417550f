""" "Who has done this before?": people ranked by what they contributed that matches a need.

Evidence, each item only from what the actor may see:

* lessons they wrote — the hybrid lesson ranking (``rank_lessons``, so ``lessons_visible``);
* notes they wrote in peer assists of the actor's organisations (not deleted, hidden or
  anonymous, and not from anonymous sessions);
* projects of the actor's organisations they were in the host team of.

Notes and projects are scored with one TF-IDF fit over the need and their texts (cheap, and
comparable within the fit). People appear only with consent: users with ``findable`` and
guests (past visitors) with ``findable``; guests are grouped by e-mail address. The actor and
the need's own host team are left out: they are not visitors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Note, Participant, PeerAssist, Status
from peerassist.core.access import ensure_id
from peerassist.core.errors import NotFound
from peerassist.finding.related import need_text
from peerassist.finding.search import rank_lessons
from peerassist.lessons.models import Lesson
from peerassist.projects.access import access_project
from peerassist.projects.models import LearningNeed, Project, ProjectMember
from peerassist.semantic.embeddings import TfidfBackend

MAX_NOTES = 3000
MAX_PROJECTS = 500
MIN_TEXT_SCORE = 0.12
MAX_PEOPLE = 20


def access_need(actor: Actor | None, need_id: object) -> LearningNeed:
    """A learning need of a project the actor may view; anything else is not found."""
    pk = ensure_id(need_id, "learning need")
    need = LearningNeed.objects.select_related("project", "bar").filter(pk=pk).first()
    if need is None:
        raise NotFound("No such learning need.")
    need.project = access_project(actor, need.project_id)
    return need


@dataclass
class FoundPerson:
    key: tuple[str, str]
    name: str
    organisation: str = ""
    job_title: str = ""
    email: str = ""
    user_id: int | None = None
    same_organisation: bool = False
    score: float = 0.0
    lessons: list[str] = field(default_factory=list)
    notes: int = 0
    projects: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.lessons:
            n = len(self.lessons)
            reasons.append(f"Wrote {n} matching lesson{'s' if n != 1 else ''}")
        if self.notes:
            reasons.append(f"Wrote {self.notes} matching note{'s' if self.notes != 1 else ''}")
        if self.projects:
            n = len(self.projects)
            reasons.append(f"Worked on {n} matching project{'s' if n != 1 else ''}")
        return reasons


def _score_texts(query: str, texts: list[str]) -> list[float]:
    if not texts:
        return []
    matrix = TfidfBackend().encode([query, *texts])
    return [float(s) for s in matrix[1:] @ matrix[0]]


def people_for_need(
    *, actor: Actor, need: LearningNeed, limit: int = MAX_PEOPLE
) -> list[FoundPerson]:
    """People who have done this before, best first, with what they did."""
    org_ids = actor_organisation_ids(actor)
    if not org_ids:
        return []
    text = need_text(need)
    excluded_users = set(
        ProjectMember.objects.filter(project_id=need.project_id).values_list("user_id", flat=True)
    )
    excluded_users.add(actor.pk)
    people: dict[tuple[str, str], FoundPerson] = {}

    def user_person(user: User) -> FoundPerson | None:
        if user.pk in excluded_users or not user.findable or not user.is_active:
            return None
        key = ("user", str(user.pk))
        if key not in people:
            memberships = list(user.memberships.all())
            people[key] = FoundPerson(
                key=key,
                name=user.full_name or user.email,
                organisation=", ".join(m.organisation.name for m in memberships),
                job_title=user.job_title,
                email=user.email,
                user_id=user.pk,
                same_organisation=any(m.organisation_id in org_ids for m in memberships),
            )
        return people[key]

    def guest_person(guest: Guest) -> FoundPerson | None:
        if not guest.findable or not guest.email:
            return None
        key = ("guest", guest.email.lower())
        if key not in people:
            people[key] = FoundPerson(
                key=key,
                name=guest.name,
                organisation=guest.home_organisation,
                job_title=guest.job_title,
                email=guest.email,
            )
        return people[key]

    # Lessons they wrote (visibility through rank_lessons).
    fused, _, _, _ = rank_lessons(actor, text, limit=100, any_word=True)
    lesson_rank = {pk: rank for rank, (pk, _) in enumerate(fused)}
    lessons = (
        Lesson.objects.filter(pk__in=list(lesson_rank), author__isnull=False)
        .select_related("author")
        .prefetch_related("author__memberships__organisation")
    )
    for lesson in lessons:
        person = user_person(lesson.author)  # type: ignore[arg-type]
        if person is not None:
            person.score += 1.0 / (1 + lesson_rank[lesson.pk] / 10)
            person.lessons.append(lesson.title)

    # Notes they wrote in the actor's organisations' peer assists.
    notes = list(
        Note.objects.filter(
            assist__organisation_id__in=org_ids,
            deleted_at__isnull=True,
            hidden=False,
            anonymous=False,
            assist__anonymous=False,
        )
        .exclude(assist__project_id=need.project_id)
        .select_related("author__user", "author__guest")
        .prefetch_related("author__user__memberships__organisation")
        .order_by("-created_at")[:MAX_NOTES]
    )
    for note, score in zip(notes, _score_texts(text, [n.text for n in notes]), strict=True):
        if score < MIN_TEXT_SCORE:
            continue
        author = note.author
        person = (
            user_person(author.user)
            if author.user is not None
            else guest_person(author.guest)
            if author.guest is not None
            else None
        )
        if person is not None:
            person.score += 0.5 * score
            person.notes += 1

    # Projects they were in the host team of.
    projects = list(
        Project.objects.filter(organisation_id__in=org_ids)
        .exclude(pk=need.project_id)
        .prefetch_related("members__user__memberships__organisation")
        .order_by("-created_at")[:MAX_PROJECTS]
    )
    project_texts = [f"{p.title}\n{p.aim}\n{p.care_setting}\n{p.service}" for p in projects]
    for project, score in zip(projects, _score_texts(text, project_texts), strict=True):
        if score < MIN_TEXT_SCORE:
            continue
        for membership in project.members.all():
            person = user_person(membership.user)
            if person is not None:
                person.score += 0.5 * score
                person.projects.append(project.title)

    ranked = sorted((p for p in people.values() if p.score > 0), key=lambda p: (-p.score, p.name))
    return ranked[:limit]


def upcoming_assists(need: LearningNeed) -> list[PeerAssist]:
    """The need's project's peer assists that can still take visitors."""
    open_statuses = (Status.DRAFT, Status.PLANNING, Status.INVITED, Status.SCHEDULED)
    return list(
        PeerAssist.objects.filter(project_id=need.project_id, status__in=open_statuses).filter(
            Q(date__isnull=True) | Q(date__gte=timezone.localdate())
        )
    )


def invite_url(assist: PeerAssist, person: FoundPerson) -> str:
    """The planning page's "add people" form, pre-filled for this person."""
    base = reverse("assists:people", args=[assist.pk])
    if person.user_id is not None and person.same_organisation:
        query = {"colleague-user": str(person.user_id), "colleague-role": Participant.Role.VISITOR}
        return f"{base}?{urlencode(query)}#colleague"
    query = {
        "visitor-name": person.name,
        "visitor-email": person.email,
        "visitor-organisation_name": person.organisation,
        "visitor-job_title": person.job_title,
        "visitor-role": Participant.Role.VISITOR,
    }
    return f"{base}?{urlencode(query)}#visitor"
