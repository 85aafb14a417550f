"""The wall page (``/assists/<id>/wall/``) and the join QR code it and the board show.

The page is a shell that ``frontend/src/wall.js`` fills from ``GET /api/v1/assists/<id>/wall``
and keeps current over ``/ws/assists/<id>/wall/``; all three go through ``access_wall``.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.assists.live.framing import FRAMING_PHASES, framing_for
from peerassist.assists.live.join import join_code_current
from peerassist.assists.live.qr import qr_svg
from peerassist.assists.live.wall import access_wall
from peerassist.core.decorators import domain_errors


@domain_errors
def wall(request: HttpRequest, assist_id: int) -> HttpResponse:
    actor = getattr(request, "actor", None)
    if actor is None:
        return redirect_to_login(request.get_full_path())
    assist = access_wall(actor, assist_id)
    context = {
        "assist": assist,
        "framing": framing_for(assist),
        "show_framing": assist.phase in FRAMING_PHASES,
    }
    return render(request, "assists/wall.html", context)


@domain_errors
def join_qr(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The current join link as an SVG QR code; 404 when there is no code to show."""
    assist = access_wall(getattr(request, "actor", None), assist_id)
    current = join_code_current(assist)
    if current is None:
        raise Http404("This peer assist has no join code now.")
    link = request.build_absolute_uri(f"/join/?code={current.code}")
    response = HttpResponse(
        qr_svg(link, title=f"QR code: join {assist.title}"), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, no-store"
    return response
