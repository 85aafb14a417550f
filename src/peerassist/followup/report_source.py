"""The session report, as follow-up needs it, without importing ``reports``.

The share-back sends the report (as a PDF) and the visitors' page shows it, but ``reports``
sits above ``followup`` (it reads the share-back records for its "shared back on" line), so
the dependency is turned round: ``ReportsConfig.ready()`` registers how a report is built
and printed, and follow-up calls that. Before issue #11 this was a function-level import of
``reports`` from ``analysis`` (ADR 0006).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from peerassist.assists.models import PeerAssist


@dataclass(frozen=True)
class ReportSource:
    """``present`` gives the report for templates (``title`` and the report body's fields);
    ``pdf`` prints what ``present`` gave."""

    present: Callable[[PeerAssist], Any]
    pdf: Callable[[Any], bytes]


_source: ReportSource | None = None


def register_report_source(source: ReportSource) -> None:
    global _source
    _source = source


def report_source() -> ReportSource:
    if _source is None:
        raise ImproperlyConfigured(
            "No report source registered: add peerassist.reports to INSTALLED_APPS."
        )
    return _source
