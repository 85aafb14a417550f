"""``peerassist send_digests``: e-mail each follower the new lessons they may see (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from peerassist.finding.digest import digest_send_all, digests_send_task


class Command(BaseCommand):
    help = "Send the lessons digest to everybody who follows a construct, setting or keyword."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = digests_send_task.enqueue()
            self.stdout.write(f"Queued digest task {result.id}")
            return
        totals = digest_send_all()
        self.stdout.write(
            f"Sent {totals['lessons']} lessons to {totals['people']} people "
            f"({totals['failed']} failed)"
        )
