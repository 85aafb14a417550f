"""Reads of what was shared back: the rounds, who got them, and the visitors' replies.

One read for the host team's share-back page and for ``GET /api/reports/assists/{id}/share-back``
(the two kept their own copies before issue #11). No access check: call one first.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerassist.assists.models import PeerAssist
from peerassist.followup.models import ShareBack, ShareBackComment, ShareBackDelivery


@dataclass(frozen=True)
class ShareBackHistory:
    rounds: list[ShareBack]
    deliveries: list[ShareBackDelivery]
    comments: list[ShareBackComment]


def share_back_history(assist: PeerAssist) -> ShareBackHistory:
    """Every round (oldest first), every delivery, every reply: three queries."""
    return ShareBackHistory(
        rounds=list(ShareBack.objects.filter(assist=assist).select_related("sent_by")),
        deliveries=list(
            ShareBackDelivery.objects.filter(share_back__assist=assist).select_related(
                "participant", "share_back"
            )
        ),
        comments=list(ShareBackComment.objects.filter(assist=assist).select_related("participant")),
    )
