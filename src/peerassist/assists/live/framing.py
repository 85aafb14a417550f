"""The framing of a peer assist, shown on the board and the wall in Welcome and Tell.

The Learning Handbook opens a peer assist by restating why everyone is here: the purpose,
the decisions still open, the ground rules, and the host team's Before Action Review in
brief (intended results, learning needs). One presenter feeds both pages and the wall's
JSON, so they never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from peerassist.assists.lifecycle import BOARD_OPEN
from peerassist.assists.live import events
from peerassist.assists.live.selectors import board_learning_needs
from peerassist.assists.models import PeerAssist, Phase
from peerassist.projects.models import BeforeActionReview, LearningNeed

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


# --- Live updates -------------------------------------------------------------------------
#
# The framing is edited by the planning pages and API (the plan's fields) and by the
# project's BAR pages (intended results, learning needs): code that may not import the live
# board (the planning package is independent of it, and projects sits below assists). So the
# board listens for the saves themselves, here, and pushes ``framing.changed`` once the edit
# has committed, to the peer assists whose board may be open.

FRAMING_FIELDS = frozenset({"purpose", "open_decisions", "ground_rules", "bar"})


def framing_push(assist_id: int) -> None:
    """Send the peer assist's framing, as committed, to its board and wall. Three queries."""
    assist = (
        PeerAssist.objects.select_related("bar").filter(pk=assist_id, status__in=BOARD_OPEN).first()
    )
    if assist is None:
        return
    framing = events.FramingWire(**framing_for(assist).as_dict())
    events.emit(assist.pk, events.FramingChanged(framing=framing))


def _push_after_commit(assist_ids: list[int]) -> None:
    for assist_id in assist_ids:
        transaction.on_commit(partial(framing_push, assist_id))


def _assist_saved(sender: type, instance: PeerAssist, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("created") or (fields is not None and not FRAMING_FIELDS & set(fields)):
        return  # the live board's own writes name their fields, never the framing's
    if instance.status in BOARD_OPEN:
        _push_after_commit([instance.pk])


def _bar_saved(sender: type, instance: BeforeActionReview, **kwargs: Any) -> None:
    _push_after_commit(
        list(
            PeerAssist.objects.filter(bar=instance, status__in=BOARD_OPEN).values_list(
                "pk", flat=True
            )
        )
    )


def _need_changed(sender: type, instance: LearningNeed, **kwargs: Any) -> None:
    # The board's columns are the BAR's needs, or the project's without a BAR.
    if instance.bar_id is not None:
        assists = PeerAssist.objects.filter(bar_id=instance.bar_id)
    else:
        assists = PeerAssist.objects.filter(project_id=instance.project_id, bar__isnull=True)
    _push_after_commit(list(assists.filter(status__in=BOARD_OPEN).values_list("pk", flat=True)))


def framing_watch() -> None:
    """Connect the receivers (``AssistsConfig.ready``)."""
    post_save.connect(_assist_saved, sender=PeerAssist, dispatch_uid="framing_assist")
    post_save.connect(_bar_saved, sender=BeforeActionReview, dispatch_uid="framing_bar")
    post_save.connect(_need_changed, sender=LearningNeed, dispatch_uid="framing_need_saved")
    post_delete.connect(_need_changed, sender=LearningNeed, dispatch_uid="framing_need_gone")
