"""The Learning Handbook's logistics checklist for a peer assist, with ticks kept in
``PeerAssist.logistics`` as ``{"ticks": {key: bool}}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from peerassist.assists.models import PeerAssist
from peerassist.core.errors import Invalid


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    hint: str


def logistics_checklist(mode: str) -> list[ChecklistItem]:
    """The checklist for a session held in person, online or both."""
    items = [
        ChecklistItem(
            "facilitator",
            "A facilitator",
            "Ideally from outside the host team, to keep the session open and on time.",
        )
    ]
    if mode in {PeerAssist.Mode.IN_PERSON, PeerAssist.Mode.HYBRID}:
        items.append(
            ChecklistItem(
                "space",
                "An open space to move around in",
                "Room for everyone to stand at the walls, group notes and talk in small groups.",
            )
        )
        items.append(
            ChecklistItem(
                "materials",
                "Sticky notes, flipcharts and pens",
                "Enough for every visitor; the note taker can type them into the board later.",
            )
        )
    if mode in {PeerAssist.Mode.ONLINE, PeerAssist.Mode.HYBRID}:
        items.append(
            ChecklistItem(
                "board_link",
                "The board link shared with everyone",
                "Visitors open their invitation link to reach the live board; test it first.",
            )
        )
    items.append(
        ChecklistItem(
            "note_taker",
            "A note taker",
            "From the host team, to capture what is said on the speaker's behalf.",
        )
    )
    items.append(
        ChecklistItem(
            "briefing_sent",
            "Briefing pack sent to the visitors",
            "A week before, so that visitors come prepared.",
        )
    )
    return items


def logistics_ticks(assist: PeerAssist) -> dict[str, bool]:
    ticks = (assist.logistics or {}).get("ticks", {})
    return {str(k): bool(v) for k, v in ticks.items()} if isinstance(ticks, dict) else {}


@transaction.atomic
def logistics_set(*, assist: PeerAssist, ticks: dict[str, bool]) -> PeerAssist:
    """Record which checklist items are done; unknown items are refused, not stored."""
    known = {item.key for item in logistics_checklist(PeerAssist.Mode.HYBRID)}
    unknown = sorted(set(ticks) - known)
    if unknown:
        raise Invalid(
            f"Unknown checklist item: {', '.join(unknown)[:200]}. "
            f"Use one of: {', '.join(sorted(known))}.",
            code="unknown_checklist_item",
        )
    assist = PeerAssist.objects.select_for_update().get(pk=assist.pk)
    current = logistics_ticks(assist)
    current.update({k: bool(v) for k, v in ticks.items()})
    assist.logistics = {**(assist.logistics or {}), "ticks": current}
    assist.save(update_fields=["logistics", "updated_at"])
    return assist
