"""The planning warnings: each rule on its own, with its reason (pure, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from peerassist.assists.planning.checks import PlanFacts, open_decisions_list, plan_warnings
from peerassist.assists.planning.selectors import minutes_label

GOOD = PlanFacts(
    total_minutes=220,
    host_presentation_minutes=30,
    session_date=date(2027, 3, 1),
    key_decision_date=date(2027, 4, 1),
    project_start_date=date(2027, 5, 1),
    facilitator_in_host_team=False,
    visitor_count=5,
    has_briefing_pack=True,
    open_decisions=("Which team starts first",),
)


def codes(facts: PlanFacts) -> list[str]:
    return [w.code for w in plan_warnings(facts)]


def test_a_sound_plan_has_no_warnings() -> None:
    """A plan that follows the method gets no warning."""
    assert plan_warnings(GOOD) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"open_decisions": ()}, "no_open_decisions"),
        ({"host_presentation_minutes": 60}, "host_presentation_long"),
        ({"total_minutes": 85, "host_presentation_minutes": 10}, "too_short"),
        ({"session_date": date(2027, 4, 2)}, "after_key_date"),
        ({"key_decision_date": None, "session_date": date(2027, 5, 2)}, "after_key_date"),
        ({"facilitator_in_host_team": True}, "facilitator_in_host_team"),
        ({"visitor_count": 3}, "visitor_count"),
        ({"visitor_count": 9}, "visitor_count"),
        ({"has_briefing_pack": False}, "no_briefing_pack"),
        ({"has_facilitator": False}, "no_facilitator"),
        ({"has_note_taker": False}, "no_note_taker"),
    ],
)
def test_each_rule_warns_with_a_reason(change: dict[str, object], code: str) -> None:
    """Breaking one rule gives exactly that warning, and it says why."""
    facts = replace(GOOD, **change)  # type: ignore[arg-type]
    warnings = plan_warnings(facts)
    assert [w.code for w in warnings] == [code]
    assert warnings[0].reason and warnings[0].message


def test_boundaries_are_inclusive() -> None:
    """Exactly 25% host presentation, 90 minutes, 4 or 8 visitors and the decision day are fine."""
    assert codes(replace(GOOD, total_minutes=120, host_presentation_minutes=30)) == []
    assert codes(replace(GOOD, total_minutes=90, host_presentation_minutes=10)) == []
    assert codes(replace(GOOD, visitor_count=4)) == []
    assert codes(replace(GOOD, visitor_count=8)) == []
    assert codes(replace(GOOD, session_date=GOOD.key_decision_date)) == []


def test_no_date_and_no_agenda_skip_the_rules_that_need_them() -> None:
    """Without a date there is no lateness warning; an empty agenda is "too short", not 0%."""
    facts = replace(
        GOOD, session_date=None, total_minutes=0, host_presentation_minutes=0, has_agenda=False
    )
    assert codes(facts) == ["too_short"]


def test_open_decisions_are_one_per_line_ignoring_bullets_and_blanks() -> None:
    assert open_decisions_list("- First\n\n • Second \n   \n") == ("First", "Second")


def test_minutes_read_as_words() -> None:
    assert minutes_label(225) == "3 hours 45 minutes"
    assert minutes_label(90) == "1 hour 30 minutes"
    assert minutes_label(60) == "1 hour"
    assert minutes_label(0) == "0 minutes"
