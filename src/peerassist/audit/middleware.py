"""Sets the audit context for each request: the actor, web or API, and the client address."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from peerassist.audit.context import AuditContext, _current, actor_fields
from peerassist.audit.models import Channel


class AuditContextMiddleware:
    """After ``ActorMiddleware`` (which finds ``request.actor``); the token authenticator
    refines the context for API calls that carry a token."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        token = _current.set(
            AuditContext(
                channel=channel,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                **actor_fields(getattr(request, "actor", None)),
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
