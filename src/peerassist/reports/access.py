"""The door to a peer assist's report.

The organisation's members and the people who took part with an account see the report
whenever they like; a guest (a visitor admitted by link) sees it only for their own peer
assist and only once the host team has shared it back (docs/adr/0005-report-content.md;
that gate belongs to follow-up: ``followup.access.share_back_guest_gate``).
"""

from __future__ import annotations

from peerassist.accounts.actors import Actor
from peerassist.assists.access import access_peer_assist, assist_can_plan
from peerassist.assists.models import PeerAssist
from peerassist.followup.access import share_back_guest_gate


def access_report(actor: Actor | None, assist_id: int) -> PeerAssist:
    """The peer assist whose report the actor may read; NotFound outside their reach."""
    assist = access_peer_assist(actor, assist_id)
    share_back_guest_gate(actor, assist)
    return assist


def report_shows_host_view(actor: Actor | None, assist: PeerAssist) -> bool:
    """Whether the actor sees the host team's extras (share-back controls, visitor replies)."""
    return assist_can_plan(actor, assist)
