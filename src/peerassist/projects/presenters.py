"""What project pages show: labels, dates in words, and the warnings a team should see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format

from peerassist.projects.models import Project


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str


def date_in_words(value: date | None, *, today: date | None = None) -> str:
    """ "3 March 2027 (in 40 days)", "1 June 2019 (past)", or "Not set"."""
    if value is None:
        return "Not set"
    today = today or timezone.localdate()
    text = date_format(value, "j F Y")
    days = (value - today).days
    if days == 0:
        return f"{text} (today)"
    if days == 1:
        return f"{text} (tomorrow)"
    if days > 1:
        return f"{text} (in {days} days)"
    return f"{text} (past)"


def project_summary_rows(project: Project) -> list[SummaryRow]:
    return [
        SummaryRow("Organisation", project.organisation.name),
        SummaryRow("Stage", project.get_stage_display()),
        SummaryRow("Care setting", project.care_setting or "Not given"),
        SummaryRow("Service", project.service or "Not given"),
        SummaryRow("Start date", date_in_words(project.start_date)),
        SummaryRow("Next key decision", date_in_words(project.key_decision_date)),
    ]


def project_warnings(project: Project, *, today: date | None = None) -> list[str]:
    """Things worth knowing before planning learning events (never blocks anything)."""
    today = today or timezone.localdate()
    warnings = []
    if project.key_decision_date and project.key_decision_date < today:
        warnings.append(
            "The key decision date has passed. Set the date of the next decision, so that a "
            "peer assist can still inform it."
        )
    if (
        project.start_date
        and project.key_decision_date
        and project.key_decision_date > project.start_date
    ):
        warnings.append(
            "The key decision comes after the start date. Check the dates: learning before "
            "you start helps most while the decision is still open."
        )
    return warnings
