"""The home page's "Peer assists in analysis" section: where the host team's work waits."""

from __future__ import annotations

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.assists.models import PeerAssist, Status
from peerassist.core.home import HomeSection

IN_ANALYSIS = [Status.LIVE, Status.ANALYSIS, Status.ACTIONS_AGREED]


def analysis_home_section(actor: Actor) -> HomeSection | None:
    """Peer assists of the user's organisations whose notes are being analysed (newest first)."""
    if not isinstance(actor, User):
        return None
    assists = list(
        PeerAssist.objects.filter(
            organisation_id__in=actor_organisation_ids(actor), status__in=IN_ANALYSIS
        ).order_by("-date", "-id")[:5]
    )
    if not assists:
        return None
    return HomeSection(
        key="analysis",
        title="Peer assists in analysis",
        template="analysis/home_section.html",
        context={"assists": assists},
        order=20,
    )
