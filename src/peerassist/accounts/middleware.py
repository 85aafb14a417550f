"""Puts ``request.actor`` on every request: the signed-in user, an admitted guest, or None."""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from peerassist.accounts.services import guest_in_session
from peerassist.core.errors import DATABASE_DOWN, NotFound, error_body

GUEST_SESSION_KEY = "peerassist_guest_id"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        try:
            self._resolve(request)
        except (OperationalError, InterfaceError):
            # The session lives in the database: without it no request can go on. Say so
            # with a 503 (as the API does for its own queries), not a 500.
            return database_unavailable(request)
        return self.get_response(request)

    def _resolve(self, request: HttpRequest) -> None:
        if request.user.is_authenticated:
            request.actor = request.user  # type: ignore[attr-defined]
        elif GUEST_SESSION_KEY in request.session:
            try:
                request.actor = guest_in_session(request.session[GUEST_SESSION_KEY])  # type: ignore[attr-defined]
            except NotFound:
                del request.session[GUEST_SESSION_KEY]


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's JSON error shape, or a plain sentence for pages."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(DATABASE_DOWN, "database_unavailable"), status=503)
    else:
        response = HttpResponse(
            "Peer Assist cannot reach its database just now. Nothing was saved; "
            "try again in a minute.",
            content_type="text/plain; charset=utf-8",
            status=503,
        )
    response["Retry-After"] = "5"
    return response
