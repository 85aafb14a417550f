"""Who may see which lesson — the ONE place that decides it.

Every list, detail, search, suggestion, people finder, digest, export, API, feed and insight
that shows lessons (or anything derived from lessons, such as counts or authors) MUST start
from ``lessons_visible(actor)`` or filter with ``lesson_visible_to(actor)``. Do not write
your own ``status``/``visibility`` filters: if the rule changes it changes here only.

The rule, for a signed-in, active user (the *actor*):

* **Approved** lessons, by ``visibility``:

  - ``organisation`` → members of the lesson's organisation;
  - ``shared`` → every signed-in user who belongs to any organisation on this instance;
  - ``public`` → the same as ``shared`` inside the product; people without an account see a
    public lesson **only** through the public-link page (``lessons:public`` with the
    ``public_token``), never through lists, search or the API — see ``public_lesson``;
  - ``project`` → the project's host team and the organisation's knowledge managers.

* **Not approved** (draft, submitted, returned, rejected) → only the author, the project's
  host team and the organisation's knowledge managers (who review it).

* In every case the author, the host team and the knowledge managers must still be members
  of the lesson's organisation: leaving the organisation ends their access.

Guests (people admitted to one peer assist by a link), anonymous visitors and inactive users
see **no** lessons.

Usage::

    from peerassist.lessons.visibility import lessons_visible, lesson_visible_to

    qs = lessons_visible(request.actor).filter(valence="barrier")
    qs = SomeModel.objects.filter(lesson__in=lessons_visible(actor))   # derived data
    Lesson.objects.filter(lesson_visible_to(actor) & Q(...))           # composing

``lesson_visible_to`` returns a ``Q`` on the ``Lesson`` model (use ``prefix`` to apply it
through a relation, e.g. ``lesson_visible_to(actor, prefix="lesson__")``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import Membership, User
from peerassist.lessons.models import Lesson
from peerassist.projects.models import ProjectMember

KM_ROLES = (Membership.Role.KNOWLEDGE_MANAGER, Membership.Role.ADMIN)

NOTHING = Q(pk__in=[])


def _km_organisation_ids(user: User) -> set[int]:
    # actor_organisation_ids caches memberships on the user; reuse that cache.
    actor_organisation_ids(user)
    memberships = getattr(user, "_membership_cache", None) or []
    return {m.organisation_id for m in memberships if m.role in KM_ROLES}


def lesson_visible_to(actor: Actor | None, *, prefix: str = "") -> Q:
    """A ``Q`` selecting the lessons ``actor`` may see (see the module docstring for the rule)."""
    if not isinstance(actor, User) or not actor.is_active:
        return NOTHING
    org_ids = actor_organisation_ids(actor)
    if not org_ids:
        return NOTHING
    km_org_ids = _km_organisation_ids(actor)
    p = prefix

    def q(**kwargs: object) -> Q:
        return Q(**{f"{p}{key}": value for key, value in kwargs.items()})

    in_my_orgs = q(organisation_id__in=org_ids)
    host_team = in_my_orgs & q(
        project_id__in=ProjectMember.objects.filter(user=actor).values("project_id")
    )
    insiders = host_team | (in_my_orgs & q(author_id=actor.pk))
    if km_org_ids:
        insiders |= q(organisation_id__in=km_org_ids)

    approved = q(status=Lesson.Status.APPROVED)
    return (
        (approved & q(visibility__in=[Lesson.Visibility.SHARED, Lesson.Visibility.PUBLIC]))
        | (approved & q(visibility=Lesson.Visibility.ORGANISATION) & in_my_orgs)
        | insiders
    )


def lessons_visible(actor: Actor | None) -> QuerySet[Lesson]:
    """Every lesson ``actor`` may see, as a queryset to filter further."""
    return Lesson.objects.filter(lesson_visible_to(actor))


def lesson_is_visible(actor: Actor | None, lesson: Lesson) -> bool:
    """Whether ``actor`` may see this one lesson (one query)."""
    return lessons_visible(actor).filter(pk=lesson.pk).exists()


def lesson_is_insider(actor: Actor | None, lesson: Lesson) -> bool:
    """Author, host team or knowledge manager of the lesson's organisation (sees every state)."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if lesson.organisation_id not in actor_organisation_ids(actor):
        return False
    if lesson.organisation_id in _km_organisation_ids(actor):
        return True
    if lesson.author_id == actor.pk:
        return True
    return (
        lesson.project_id is not None
        and ProjectMember.objects.filter(project_id=lesson.project_id, user=actor).exists()
    )


def insider_checker(actor: Actor | None) -> Callable[[Lesson], bool]:
    """``lesson_is_insider`` for many lessons at the cost of one query (for lists)."""
    if not isinstance(actor, User) or not actor.is_active:
        return lambda lesson: False
    org_ids = actor_organisation_ids(actor)
    km_org_ids = _km_organisation_ids(actor)
    team_projects = set(
        ProjectMember.objects.filter(user=actor).values_list("project_id", flat=True)
    )

    def check(lesson: Lesson) -> bool:
        if lesson.organisation_id not in org_ids:
            return False
        return (
            lesson.organisation_id in km_org_ids
            or lesson.author_id == actor.pk
            or lesson.project_id in team_projects
        )

    return check


def public_lesson(token: str) -> Lesson | None:
    """The approved, public lesson behind a public link, or None. Only the public-link page
    may call this: it is the one way a person without an account sees a lesson."""
    if not token or len(token) > 40:
        return None
    return (
        Lesson.objects.filter(
            public_token=token,
            status=Lesson.Status.APPROVED,
            visibility=Lesson.Visibility.PUBLIC,
        )
        .select_related("organisation")
        .first()
    )
