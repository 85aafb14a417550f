"""``/join/``: people in the room join a peer assist from their phone with the join code.

Thin: the form parses, ``join.py`` decides. A person admitted at once is signed in as a guest
of this peer assist only and sent to the board; otherwise they wait on ``/join/waiting/``,
which checks every few seconds (htmx, or a button without JavaScript) and lets them in once
the facilitator admits them.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.live.join import (
    JoinCode,
    code_display,
    join_code_lookup,
    join_request_create,
)
from peerassist.assists.live.join_forms import ERROR_FIELDS, JoinForm
from peerassist.assists.models import JoinRequest
from peerassist.core.errors import DomainError

JOIN_SESSION_KEY = "peerassist_join_request_id"


def _client_ip(request: HttpRequest) -> str:
    return get_client_ip_address(request) or "unknown"


def _signed_in_elsewhere(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    if _signed_in_elsewhere(request):
        return render(request, "assists/join_signed_in.html")
    status = 200
    found: JoinCode | None = None
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                join_request = join_request_create(
                    details=form.details(),
                    client_ip=_client_ip(request),
                    earlier_request_id=request.session.get(JOIN_SESSION_KEY),
                )
            except DomainError as error:
                form.add_error(ERROR_FIELDS.get(error.code), error.detail)
                status = error.status
            else:
                return _after_join(request, join_request)
        else:
            status = 400
    else:
        typed = request.GET.get("code", "")
        form = JoinForm(initial={"code": typed})
        if typed:
            try:
                found = join_code_lookup(typed=typed, client_ip=_client_ip(request))
            except DomainError as error:
                form.refuse(ERROR_FIELDS.get(error.code), error.detail)
                status = error.status
            else:
                form = JoinForm(initial={"code": code_display(found.code)})
    context = {"form": form, "found": found}
    return render(request, "assists/join.html", context, status=status)


def _after_join(request: HttpRequest, join_request: JoinRequest) -> HttpResponse:
    # Kept after admission too, so a second tap on "Join" finds this request again.
    request.session[JOIN_SESSION_KEY] = join_request.pk
    if join_request.state == JoinRequest.State.ADMITTED:
        return _enter(request, join_request)
    return redirect("join_waiting")


def _enter(request: HttpRequest, join_request: JoinRequest) -> HttpResponse:
    """Sign this browser in as the guest the request made; send it to the board."""
    participant = join_request.participant
    assert participant is not None and participant.guest_id is not None
    request.session.cycle_key()
    request.session[GUEST_SESSION_KEY] = participant.guest_id
    board = reverse("assists:board", args=[join_request.assist_id])
    if request.headers.get("HX-Request"):
        response = HttpResponse("")
        response["HX-Redirect"] = board
        return response
    return redirect(board)


def join_waiting(request: HttpRequest) -> HttpResponse:
    """Somebody waiting for the facilitator: admitted → the board; refused → say so."""
    request_id = request.session.get(JOIN_SESSION_KEY)
    join_request = (
        JoinRequest.objects.select_related("assist", "participant__guest")
        .filter(pk=int(request_id))
        .first()
        if request_id
        else None
    )
    if join_request is None:
        return redirect("join")
    participant = join_request.participant
    if join_request.state == JoinRequest.State.ADMITTED and participant is not None:
        guest = participant.guest
        if guest is not None and guest.is_active:
            return _enter(request, join_request)
    partial = bool(request.headers.get("HX-Request"))
    template = "assists/_join_waiting_status.html" if partial else "assists/join_waiting.html"
    return render(request, template, {"join_request": join_request})
