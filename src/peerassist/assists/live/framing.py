"""The framing of a peer assist, shown on the board and the wall in Welcome and Tell.

The Learning Handbook opens a peer assist by restating why everyone is here: the purpose,
the decisions still open, the ground rules, and the host team's Before Action Review in
brief (intended results, learning needs). One presenter feeds both pages and the wall's
JSON, so they never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from peerassist.assists.live.selectors import board_learning_needs
from peerassist.assists.models import PeerAssist, Phase

FRAMING_PHASES = {Phase.WELCOME, Phase.TELL}


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


@dataclass(frozen=True)
class Framing:
    purpose: str
    open_decisions: list[str]
    ground_rules: list[str]
    intended_results: str
    learning_needs: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def framing_for(assist: PeerAssist) -> Framing:
    """Two queries: the BAR (if any) and the learning needs."""
    bar = assist.bar if assist.bar_id else None
    return Framing(
        purpose=assist.purpose,
        open_decisions=_lines(assist.open_decisions),
        ground_rules=_lines(assist.ground_rules),
        intended_results=bar.intended_results if bar is not None else "",
        learning_needs=[n.question for n in board_learning_needs(assist)],
    )
