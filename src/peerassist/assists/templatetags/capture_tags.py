"""Template tags that put fast capture on other pages without their views knowing about it:
the capture panel on the live board, and the photo gallery on the analysis page and report."""

from __future__ import annotations

import uuid
from typing import Any

from django import template

from peerassist.assists.live import photos
from peerassist.assists.live.capture_forms import BulkForm, WalkInForm, capture_choices
from peerassist.assists.models import Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import HOST_TEAM

register = template.Library()


@register.inclusion_tag("assists/live/_capture_panel.html", takes_context=True)
def capture_panel(context: dict[str, Any], assist: PeerAssist) -> dict[str, Any]:
    """The board's "fast capture" panel, for the host team only (the note taker first)."""
    request = context["request"]
    me = participant_of(getattr(request, "actor", None), assist)
    if me is None or me.role not in HOST_TEAM:
        return {"shown": False}
    choices = capture_choices(getattr(request, "actor", None), assist)
    return {
        "shown": True,
        "assist": assist,
        "csrf_token": context.get("csrf_token"),
        "form": BulkForm(
            initial={"batch": uuid.uuid4()}, preview_choices=choices, auto_id="capture-%s"
        ),
        "speaker_form": (
            WalkInForm(auto_id="walkin-%s", initial={"next": request.get_full_path()})
            if me.role in {Participant.Role.NOTE_TAKER, Participant.Role.FACILITATOR}
            else None
        ),
        "can_add_photos": photos.photo_write_refusal(me, assist) is None,
    }


@register.inclusion_tag("assists/live/_photo_gallery.html", takes_context=True)
def board_photo_gallery(context: dict[str, Any], assist_id: int) -> dict[str, Any]:
    """The peer assist's photos (one query). Rendered without a request (the report's PDF,
    built without fetching anything), it lists them without the images."""
    return {
        "photos": list(
            photos.BoardPhoto.objects.filter(assist_id=assist_id).select_related("uploaded_by")
        ),
        "for_print": context.get("request") is None,
        "empty_text": "No photos of flipcharts or paper notes were added.",
    }
