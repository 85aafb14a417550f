from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peerassist.accounts.models import User
from peerassist.demo.loader import demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the demo organisations, people and case studies (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="only load when there are no users yet"
        )
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Database already has data; demo not loaded again.")
        else:
            demo_load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["quiet"]:
            self.stdout.write("\nDemo logins (password for all: peer-assist-demo):")
            for email, _password, what in demo_logins():
                self.stdout.write(f"  {email:<40} {what}")
