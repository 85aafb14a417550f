"""Peer assist pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.assists.access import access_peer_assist
from peerassist.assists.selectors import assist_upcoming
from peerassist.core.errors import NotFound


@login_required
def assist_index(request: HttpRequest) -> HttpResponse:
    return render(request, "assists/list.html", {"assists": assist_upcoming(actor=request.user)})  # type: ignore[arg-type]


def assist_detail(request: HttpRequest, assist_id: int) -> HttpResponse:
    try:
        assist = access_peer_assist(getattr(request, "actor", None), assist_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    return render(request, "assists/detail.html", {"assist": assist})
