"""``peerassist send_reminders``: the periodic follow-up trigger, meant for cron.

Queues (or with ``--now`` runs) four idempotent jobs: action reminders due today, the
share-backs whose promised date has come, and any share-back or invitation e-mails left
unsent by a failed worker or a refusing mail server. Running it every hour, or twice by
mistake, sends nothing twice.

    # crontab: every hour at minute 5
    5 * * * *  cd /srv/peerassist && .venv/bin/peerassist send_reminders
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerassist.assists.planning.invitations import invitations_deliver, invitations_waiting
from peerassist.followup.services import (
    send_action_reminders,
    send_due_share_backs,
    share_back_deliver,
    share_back_deliveries_stuck,
)


class Command(BaseCommand):
    help = (
        "Queue action reminders, due share-backs and delayed e-mails (safe to run as often as "
        "you like)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="Act as if today were this date (YYYY-MM-DD); for testing."
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="Do the work in this process instead of queueing it for the task worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("today")
        if today:
            try:
                date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must be a date like 2026-11-22.") from None
        if options["now"]:
            reminders = send_action_reminders.call(today)
            rounds = send_due_share_backs.call(today)
            retried = sum(share_back_deliver.call(pk) for pk in share_back_deliveries_stuck())
            invited = invitations_deliver.call(invitations_waiting())
            self.stdout.write(
                f"Sent {reminders} reminders; started {rounds} share-backs; "
                f"sent {retried} delayed share-back e-mails and {invited} delayed invitations."
            )
            return
        send_action_reminders.enqueue(today)
        send_due_share_backs.enqueue(today)
        stuck = share_back_deliveries_stuck()
        for pk in stuck:
            share_back_deliver.enqueue(pk)
        waiting = invitations_waiting()
        if waiting:
            invitations_deliver.enqueue(waiting)
        self.stdout.write(
            f"Queued reminders and share-backs ({len(stuck)} delayed share-backs and "
            f"{len(waiting)} delayed invitations retried)."
        )
