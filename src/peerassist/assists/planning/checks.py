"""Warnings for a peer assist plan: advice from the method, never a block.

Pure functions over ``PlanFacts`` (no database), so every rule is unit-tested on its own.
Each warning carries the reason, because a host team may have a good reason to go ahead.
The rules come from Collison & Parcell (*Learning to Fly*) and the NHS IQ Learning Handbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

HOST_TELL_SHARE_MAX = 0.25
MIN_TOTAL_MINUTES = 90
MIN_VISITORS = 4
MAX_VISITORS = 8


@dataclass(frozen=True)
class PlanFacts:
    """What the rules need to know about one plan."""

    total_minutes: int
    host_presentation_minutes: int
    session_date: date | None
    key_decision_date: date | None
    project_start_date: date | None
    facilitator_in_host_team: bool
    visitor_count: int
    has_briefing_pack: bool
    open_decisions: tuple[str, ...]
    has_agenda: bool = True
    has_facilitator: bool = True
    has_note_taker: bool = True


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str
    reason: str


def open_decisions_list(text: str) -> tuple[str, ...]:
    """The decisions still open, one per non-empty line."""
    return tuple(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


def plan_warnings(facts: PlanFacts) -> list[PlanWarning]:
    """Every warning that applies to the plan, in the order a planner meets them."""
    warnings: list[PlanWarning] = []
    if not facts.open_decisions:
        warnings.append(
            PlanWarning(
                "no_open_decisions",
                "No decisions are listed as still open.",
                "A peer assist is for learning before you decide, not for endorsing a "
                "decision already made. List the decisions the visitors' experience could "
                "still change.",
            )
        )
    if facts.has_agenda and facts.total_minutes > 0:
        share = facts.host_presentation_minutes / facts.total_minutes
        if share > HOST_TELL_SHARE_MAX:
            warnings.append(
                PlanWarning(
                    "host_presentation_long",
                    f"The host team presents for {round(share * 100)}% of the time.",
                    "Keep the host's presentation to a quarter of the session or less: the "
                    "value is in the visitors' questions and experience, not in telling.",
                )
            )
    if facts.total_minutes < MIN_TOTAL_MINUTES:
        warnings.append(
            PlanWarning(
                "too_short",
                f"The agenda is {facts.total_minutes} minutes in all.",
                "Allow at least 90 minutes (the short form); half a day to a full day "
                "gives time for discussion and for the host team's analysis.",
            )
        )
    if facts.session_date is not None:
        late_for = _late_for(facts)
        if late_for:
            warnings.append(
                PlanWarning(
                    "after_key_date",
                    f"The session is after the project's {late_for}.",
                    "Hold the peer assist before the decision or start, while what the "
                    "visitors share can still change the plan.",
                )
            )
    if not facts.has_facilitator:
        warnings.append(
            PlanWarning(
                "no_facilitator",
                "Nobody is the facilitator yet.",
                "On the day the facilitator moves the phases, keeps time and runs the board; "
                "without one nobody has the controls. Add a facilitator, ideally from outside "
                "the host team.",
            )
        )
    if not facts.has_note_taker:
        warnings.append(
            PlanWarning(
                "no_note_taker",
                "Nobody is the note taker yet.",
                "A note taker from the host team captures what is said as notes, naming the "
                "speaker, so that the visitors can talk freely and nothing is lost.",
            )
        )
    if facts.facilitator_in_host_team:
        warnings.append(
            PlanWarning(
                "facilitator_in_host_team",
                "The facilitator is a member of the host team.",
                "A facilitator from outside the host team can keep the session open and "
                "neutral, and lets every host member take part.",
            )
        )
    if facts.visitor_count < MIN_VISITORS or facts.visitor_count > MAX_VISITORS:
        warnings.append(
            PlanWarning(
                "visitor_count",
                f"{facts.visitor_count} visitor{'s' if facts.visitor_count != 1 else ''} invited.",
                "Aim for 4 to 8 visitors with recent, practical experience: fewer gives too "
                "narrow a view, more leaves too little time for each.",
            )
        )
    if not facts.has_briefing_pack:
        warnings.append(
            PlanWarning(
                "no_briefing_pack",
                "There is no briefing pack yet.",
                "Visitors come prepared when they get the project's context, the BAR and the "
                "learning needs beforehand. Add papers to the briefing pack, or tick that it "
                "has been sent.",
            )
        )
    return warnings


def _late_for(facts: PlanFacts) -> str:
    day = facts.session_date
    assert day is not None
    if facts.key_decision_date is not None and day > facts.key_decision_date:
        return "key decision date"
    if facts.project_start_date is not None and day > facts.project_start_date:
        return "start date"
    return ""
