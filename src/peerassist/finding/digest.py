"""The digest e-mail: new lessons matching what each person follows, each lesson once.

``digest_send_all`` (the ``send_digests`` command and the ``digests_send_task`` task) goes
through the people who follow something; for each it takes the lessons they may see
(``lessons_visible``), approved and published after the subscription began, not yet sent to
them, matching any of their subscriptions; sends one e-mail; and records each lesson in
``DigestDelivery`` (unique per person and lesson), in the same transaction as the send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from peerassist.accounts.models import User
from peerassist.finding.fts import fts_search, parse_query
from peerassist.finding.models import DigestDelivery, Subscription
from peerassist.finding.search import lesson_url
from peerassist.lessons.models import Lesson
from peerassist.lessons.visibility import lessons_visible

log = logging.getLogger(__name__)
SALT = "peerassist.finding.unsubscribe"
MAX_LESSONS = 20


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "u": subscription.user_id}, salt=SALT)


def subscription_from_token(token: str) -> Subscription | None:
    """The subscription a signed link names, or None when tampered with or already ended."""
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=SALT)
        pk, user_id = int(data["s"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        Subscription.objects.filter(pk=pk, user_id=user_id)
        .select_related("user", "construct")
        .first()
    )


def _base_url() -> str:
    return str(settings.SITE_URL)


def matching_lessons(subscription: Subscription, candidates: QuerySet[Lesson]) -> list[int]:
    """Ids of the candidates that match one subscription."""
    candidates = candidates.filter(published_at__gte=subscription.created_at)
    if subscription.kind == Subscription.Kind.CONSTRUCT and subscription.construct_id:
        construct = subscription.construct_id
        return list(
            candidates.filter(Q(constructs=construct) | Q(constructs__parent_id=construct))
            .distinct()
            .values_list("pk", flat=True)
        )
    if subscription.kind == Subscription.Kind.SETTING:
        return list(
            candidates.filter(care_setting__icontains=subscription.value).values_list(
                "pk", flat=True
            )
        )
    return [pk for pk, _ in fts_search(parse_query(subscription.value), candidates, limit=100)]


@dataclass
class DigestItem:
    lesson: Lesson
    url: str
    because: str


def digest_for_user(user: User) -> list[tuple[Subscription, list[Lesson]]]:
    """What the next digest would hold: per subscription, its new lessons (each lesson once)."""
    candidates = (
        lessons_visible(user)
        .filter(status=Lesson.Status.APPROVED)
        .exclude(pk__in=DigestDelivery.objects.filter(user=user).values("lesson_id"))
    )
    seen: set[int] = set()
    sections: list[tuple[Subscription, list[Lesson]]] = []
    for subscription in Subscription.objects.filter(user=user).select_related("construct"):
        ids = [pk for pk in matching_lessons(subscription, candidates) if pk not in seen]
        if not ids:
            continue
        lessons = list(
            Lesson.objects.filter(pk__in=ids)
            .select_related("organisation")
            .order_by("-published_at")[:MAX_LESSONS]
        )
        seen.update(lesson.pk for lesson in lessons)
        sections.append((subscription, lessons))
    return sections


@transaction.atomic
def digest_send(*, user: User) -> int:
    """Send one person's digest if anything is new; returns the number of lessons sent."""
    if not user.is_active:
        return 0
    sections = digest_for_user(user)
    if not sections:
        return 0
    base = _base_url()
    context_sections = [
        {
            "what": subscription.describe(),
            "unsubscribe_url": base
            + reverse("finding:unsubscribe", args=[unsubscribe_token(subscription)]),
            "lessons": [{"lesson": lesson, "url": base + lesson_url(lesson)} for lesson in lessons],
        }
        for subscription, lessons in sections
    ]
    count = sum(len(lessons) for _, lessons in sections)
    context = {"user": user, "sections": context_sections, "count": count, "base_url": base}
    message = EmailMultiAlternatives(
        subject=f"{count} new lesson{'s' if count != 1 else ''} you follow on Peer Assist",
        body=render_to_string("finding/digest_email.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context_sections[0]['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("finding/digest_email.html", context), "text/html")
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(user=user, lesson=lesson, subscription=subscription)
            for subscription, lessons in sections
            for lesson in lessons
        ],
        ignore_conflicts=True,
    )
    message.send()
    return count


def digest_send_all() -> dict[str, int]:
    """Every follower's digest; one person's failure does not stop the others."""
    sent_people = sent_lessons = failed = 0
    user_ids = Subscription.objects.values_list("user_id", flat=True).distinct()
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk"):
        try:
            count = digest_send(user=user)
        except Exception:
            failed += 1
            log.exception("Digest for user %s failed", user.pk)
            continue
        if count:
            sent_people += 1
            sent_lessons += count
    return {"people": sent_people, "lessons": sent_lessons, "failed": failed}


@task()
def digests_send_task() -> dict[str, int]:
    """Background form of ``digest_send_all`` (schedule it, or run ``send_digests`` by cron)."""
    return digest_send_all()
