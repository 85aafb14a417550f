"""Puts ``request.actor`` on every request: the signed-in user, an admitted guest, or None."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from peerassist.accounts.services import guest_in_session
from peerassist.core.errors import NotFound

GUEST_SESSION_KEY = "peerassist_guest_id"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.actor = request.user  # type: ignore[attr-defined]
        elif GUEST_SESSION_KEY in request.session:
            try:
                request.actor = guest_in_session(request.session[GUEST_SESSION_KEY])  # type: ignore[attr-defined]
            except NotFound:
                del request.session[GUEST_SESSION_KEY]
        return self.get_response(request)
