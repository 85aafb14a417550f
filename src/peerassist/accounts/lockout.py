"""Sign-in lock-out: per account and address, and per account across every address.

django-axes counts failures for each lockout parameter set and compares the largest count
with one limit. Two limits are wanted: 5 failures from one address lock that address out of
the account (``AXES_FAILURE_LIMIT``), and ``AXES_ACCOUNT_FAILURE_LIMIT`` failures from any
number of addresses lock the account itself, so an attacker who rotates addresses (a botnet,
or forged forwarding headers if a proxy were misconfigured) still stops. The account count is
scaled onto the address limit, so axes's one comparison applies both.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AccountLockoutHandler(AxesDatabaseHandler):
    """Expects ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]``."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) < 2:
            return max(counts, default=0)
        per_address, per_account = counts[0], counts[1]
        limit = get_failure_limit(request, credentials)
        account_limit = max(int(settings.AXES_ACCOUNT_FAILURE_LIMIT), limit)
        return max(per_address, per_account * limit // account_limit)
