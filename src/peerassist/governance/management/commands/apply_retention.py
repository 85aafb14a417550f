"""``peerassist apply_retention``: every organisation's retention rules, once a day (cron).

Deletes raw notes (and photos of the board) of peer assists closed longer ago than the rule,
anonymises guests past theirs, removes old audit entries (through the one path the PostgreSQL
trigger allows) and expired subject access exports. Each organisation's run is one audit
entry. Running it twice in a day removes nothing twice.

    # crontab: daily at 02:30
    30 2 * * *  cd /srv/peerassist && .venv/bin/peerassist apply_retention
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peerassist.governance.retention import retention_apply_all, retention_apply_all_task


class Command(BaseCommand):
    help = "Apply every organisation's retention rules now (or queue it with --enqueue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = retention_apply_all_task.enqueue()
            self.stdout.write(f"Queued retention task {result.id}")
            return
        totals = retention_apply_all()
        self.stdout.write(
            f"Applied retention for {totals['organisations']} organisations: removed "
            f"{totals['notes']} raw notes, {totals['photos']} board photos and "
            f"{totals['audit_entries']} audit entries, "
            f"anonymised {totals['guests']} guests, expired {totals['exports']} exports."
        )
