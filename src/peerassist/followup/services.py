"""Follow-up after a peer assist: reminders, share-back, visitors' replies, the AAR.

Writes here follow the house rules (keyword-only, typed, atomic). E-mails go out from
background tasks (django-tasks) and every one is recorded first (``followup.models``), so the
periodic ``peerassist send_reminders`` command can run as often as cron likes without sending
anything twice:

- an action's owner gets one "due soon" reminder when the due date is
  ``REMINDER_DAYS_BEFORE`` days away or less, and one "overdue" reminder after it passes;
  moving the due date allows a fresh pair;
- the visitors get the action list and the report once, on the date the host team promised
  (``PeerAssist.action_list_due``) or earlier when the host presses "Send now"; sending
  again needs an explicit request and makes a new numbered round.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from peerassist.accounts.models import Guest, User
from peerassist.accounts.services import guest_token
from peerassist.analysis.models import Action, AfterActionReview
from peerassist.assists.access import assist_can_plan
from peerassist.assists.models import Participant, PeerAssist, Status
from peerassist.core.errors import Conflict, Forbidden, Invalid
from peerassist.followup.action_lists import due_text
from peerassist.followup.models import (
    ActionReminder,
    ShareBack,
    ShareBackComment,
    ShareBackDelivery,
)
from peerassist.followup.report_source import report_source

log = logging.getLogger(__name__)

REMINDER_DAYS_BEFORE = 3
# The session has happened: there is something to share back.
SHARE_BACK_STATUSES = {Status.ANALYSIS, Status.ACTIONS_AGREED, Status.FOLLOW_UP, Status.CLOSED}
GUEST_LINK_DAYS = 60


# --- Reminders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderDue:
    action_id: int
    kind: str


def reminders_due(*, today: date | None = None) -> list[ReminderDue]:
    """Open actions with an owner whose reminder of this kind and due date has not gone."""
    today = today or timezone.localdate()
    candidates = list(
        Action.objects.filter(
            status__in=Action.OPEN_STATUSES,
            owner__isnull=False,
            owner__is_active=True,
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
        ).values_list("pk", "due_date")
    )
    sent = set(
        ActionReminder.objects.filter(action_id__in=[pk for pk, _ in candidates]).values_list(
            "action_id", "kind", "due_date"
        )
    )
    due: list[ReminderDue] = []
    for pk, due_date in candidates:
        if due_date is None:
            continue
        kind = ActionReminder.Kind.OVERDUE if due_date < today else ActionReminder.Kind.DUE_SOON
        if (pk, kind, due_date) not in sent:
            due.append(ReminderDue(pk, kind))
    return due


def action_reminder_send(*, action_id: int, kind: str, today: date | None = None) -> bool:
    """E-mail one reminder, once: the record is written in the e-mail's transaction.

    Returns False when there is nothing to send (already sent by another run, action done,
    owner gone). A failed send rolls the record back, so the next run tries again.
    """
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            action = (
                Action.objects.select_for_update(of=("self",))
                .select_related("owner", "project", "assist")
                .filter(pk=action_id, status__in=Action.OPEN_STATUSES, due_date__isnull=False)
                .first()
            )
            if action is None or action.owner is None or action.due_date is None:
                return False
            if kind == ActionReminder.Kind.DUE_SOON and action.due_date < today:
                kind = ActionReminder.Kind.OVERDUE
            ActionReminder.objects.create(
                action=action, kind=kind, due_date=action.due_date, email=action.owner.email
            )
            _send_reminder_email(action, kind, today)
    except IntegrityError:
        return False
    return True


def _send_reminder_email(action: Action, kind: str, today: date) -> None:
    assert action.owner is not None and action.due_date is not None
    overdue = kind == ActionReminder.Kind.OVERDUE
    context = {
        "action": action,
        "owner": action.owner,
        "overdue": overdue,
        "due_words": due_text(action.due_date, today),
        "actions_url": settings.SITE_URL + reverse("followup:actions") + "?scope=mine",
        "product_name": "Peer Assist",
    }
    subject = (
        f"Overdue action: {_short(action.text)}"
        if overdue
        else f"Action due {action.due_date:%d %B %Y}: {_short(action.text)}"
    )
    EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("analysis/actions_email_reminder.txt", context),
        to=[action.owner.email],
    ).send()


@task()
def send_action_reminders(today: str | None = None) -> int:
    """Send every reminder due today; safe to run any number of times. Returns how many."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    for item in reminders_due(today=day):
        if action_reminder_send(action_id=item.action_id, kind=item.kind, today=day):
            sent += 1
    return sent


# --- Share back --------------------------------------------------------------------------


def share_back_recipients(assist: PeerAssist) -> list[tuple[Participant, str]]:
    """The visitors to send to, with the address to use; revoked guests are left out."""
    rows = Participant.objects.filter(assist=assist, role=Participant.Role.VISITOR).select_related(
        "user", "guest"
    )
    recipients: list[tuple[Participant, str]] = []
    for p in rows:
        if p.guest is not None and p.guest.revoked_at is None and p.guest.email:
            recipients.append((p, p.guest.email))
        elif p.user is not None and p.user.is_active and p.revoked_at is None:
            recipients.append((p, p.user.email))
    return recipients


@transaction.atomic
def share_back_send(
    *,
    assist: PeerAssist,
    by: User | None,
    message: str = "",
    again: bool = False,
    trigger: str = ShareBack.Trigger.MANUAL,
) -> ShareBack:
    """Record a share-back round and queue its e-mails (sent after commit).

    ``by`` None means the scheduled sending; people must be on the host team. A second
    sending needs ``again``; the scheduled one never repeats.
    """
    if by is not None and not assist_can_plan(by, assist):
        raise Forbidden(
            "Only the host team and the facilitator can share the action list back.",
            code="not_host_team",
        )
    if assist.status not in SHARE_BACK_STATUSES:
        raise Invalid(
            "Share back once the peer assist has taken place and the host team has analysed "
            "the notes.",
            code="too_early",
        )
    message = message.strip()
    if len(message) > 2000:
        raise Invalid("Keep the covering message under 2,000 characters.", code="too_long")
    PeerAssist.objects.select_for_update().filter(pk=assist.pk).first()
    last = ShareBack.objects.filter(assist=assist).aggregate(n=Max("round"))["n"] or 0
    if last and not again:
        sent = ShareBack.objects.get(assist=assist, round=last)
        raise Conflict(
            f"The action list was already shared back on "
            f"{timezone.localtime(sent.created_at):%d %B %Y}. Choose 'Send again' to send "
            f"it once more.",
            code="already_shared_back",
        )
    recipients = share_back_recipients(assist)
    if not recipients:
        raise Invalid(
            "There are no visitors to send the action list to. Add the visiting team first.",
            code="no_visitors",
        )
    share_back = ShareBack.objects.create(
        assist=assist, round=last + 1, trigger=trigger, sent_by=by, message=message
    )
    ShareBackDelivery.objects.bulk_create(
        ShareBackDelivery(share_back=share_back, participant=p, email=email)
        for p, email in recipients
    )
    # The e-mailed link must still open the page weeks later; a revoked guest stays out.
    until = timezone.now() + timedelta(days=GUEST_LINK_DAYS)
    Guest.objects.filter(
        pk__in=[p.guest_id for p, _ in recipients if p.guest_id], revoked_at__isnull=True
    ).filter(expires_at__lt=until).update(expires_at=until, updated_at=timezone.now())
    transaction.on_commit(lambda: share_back_deliver.enqueue(share_back.pk))
    return share_back


@task()
def share_back_deliver(share_back_id: int) -> int:
    """E-mail each visitor in a round who has not had it yet. Returns how many were sent."""
    share_back = (
        ShareBack.objects.select_related("assist__project", "assist__organisation", "assist__bar")
        .filter(pk=share_back_id)
        .first()
    )
    if share_back is None:
        return 0
    source = report_source()
    report = source.present(share_back.assist)
    pdf = source.pdf(report)
    sent = 0
    for delivery_id in share_back.deliveries.filter(sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            delivery = (
                ShareBackDelivery.objects.select_for_update(of=("self",))
                .select_related("participant__guest", "participant__user")
                .filter(pk=delivery_id, sent_at__isnull=True)
                .first()
            )
            if delivery is None:
                continue
            link = share_back_link(delivery.participant)
            body = render_to_string(
                "analysis/actions_email_share_back.txt",
                {
                    "report": report,
                    "share_back": share_back,
                    "participant": delivery.participant,
                    "link": link,
                },
            )
            email = EmailMultiAlternatives(
                subject=f"Action list from the peer assist: {report.title}",
                body=body,
                to=[delivery.email],
            )
            email.attach(f"peer-assist-report-{share_back.assist_id}.pdf", pdf, "application/pdf")
            email.send()
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
            sent += 1
    return sent


def share_back_link(participant: Participant) -> str:
    """Where a visitor reads the action list and replies: their guest link, or the page."""
    if participant.guest is not None:
        return settings.SITE_URL + reverse(
            "followup:shared_enter", args=[guest_token(participant.guest)]
        )
    return settings.SITE_URL + reverse("followup:shared", args=[participant.assist_id])


def share_back_deliveries_stuck(*, older_than: timedelta = timedelta(minutes=15)) -> list[int]:
    """Rounds with visitors still waiting for their e-mail (a worker died, the mail server
    was down): the periodic command queues them again."""
    cutoff = timezone.now() - older_than
    return list(
        ShareBack.objects.filter(created_at__lt=cutoff, deliveries__sent_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def share_backs_due(*, today: date | None = None) -> list[int]:
    """Peer assists whose promised date has come and that were never shared back."""
    today = today or timezone.localdate()
    return list(
        PeerAssist.objects.filter(
            action_list_due__isnull=False,
            action_list_due__lte=today,
            status__in=SHARE_BACK_STATUSES,
            share_backs__isnull=True,
        ).values_list("pk", flat=True)
    )


@task()
def send_due_share_backs(today: str | None = None) -> int:
    """Share back every peer assist whose date has come; returns how many rounds started."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    started = 0
    for assist_id in share_backs_due(today=day):
        assist = PeerAssist.objects.get(pk=assist_id)
        try:
            share_back_send(assist=assist, by=None, trigger=ShareBack.Trigger.SCHEDULED)
        except (Conflict, Invalid) as error:
            log.info("Share-back of peer assist %s skipped: %s", assist_id, error.detail)
            continue
        except IntegrityError:
            continue  # another worker started the same round
        started += 1
    return started


@transaction.atomic
def share_back_comment_add(
    *, assist: PeerAssist, participant: Participant, text: str
) -> ShareBackComment:
    """A visitor's reply to the shared-back action list."""
    text = (text or "").strip()
    if not text:
        raise Invalid("Write your comment before sending it.", code="empty")
    if len(text) > ShareBackComment.MAX_LENGTH:
        raise Invalid(
            f"Keep your comment under {ShareBackComment.MAX_LENGTH:,} characters "
            f"(it has {len(text):,}).",
            code="too_long",
        )
    return ShareBackComment.objects.create(assist=assist, participant=participant, text=text)


# --- After Action Review -----------------------------------------------------------------

AAR_FIELDS = ("supposed_to_happen", "actually_happened", "why_different", "what_we_learn")
AAR_MAX = 10000


@transaction.atomic
def aar_save(*, assist: PeerAssist, by: User, answers: dict[str, str]) -> AfterActionReview:
    """Create or update the peer assist's After Action Review, linked to its BAR."""
    if not assist_can_plan(by, assist):
        raise Forbidden(
            "Only the host team and the facilitator can write the After Action Review.",
            code="not_host_team",
        )
    cleaned = {name: (answers.get(name) or "").strip() for name in AAR_FIELDS}
    if not any(cleaned.values()):
        raise Invalid("Answer at least one of the four questions.", code="empty")
    for value in cleaned.values():
        if len(value) > AAR_MAX:
            raise Invalid(f"Keep each answer under {AAR_MAX:,} characters.", code="too_long")
    review = AfterActionReview.objects.select_for_update().filter(assist=assist).first()
    if review is None:
        review = AfterActionReview(
            assist=assist, project_id=assist.project_id, bar_id=assist.bar_id, created_by=by
        )
    for name, value in cleaned.items():
        setattr(review, name, value)
    review.updated_by = by
    if review.bar_id is None:
        review.bar_id = assist.bar_id
    review.save()
    return review


def _short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"
