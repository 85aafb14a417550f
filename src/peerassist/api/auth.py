"""API authentication: a personal API token (``Authorization: Bearer``), or the browser
session of a user or an admitted guest, with CSRF for unsafe methods."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.accounts.tokens import token_authenticate
from peerassist.core.errors import DomainError, Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiRequest(HttpRequest):
    """A request as a route sees it once ninja's auth has admitted someone: ``auth`` is set.

    Only an annotation: ninja passes Django's request object, whose ``auth`` attribute the
    auth classes below fill in. Typing it here spares every route a cast.
    """

    auth: Actor


def request_user(request: ApiRequest) -> User:
    """The signed-in user behind a route that guests may not use (403 with the reason)."""
    actor = request.auth
    if not isinstance(actor, User):
        raise Forbidden("Guests cannot do this; sign in with an account.", code="guest_not_allowed")
    return actor


class ActorSessionAuth(APIKeyCookie):
    """Accepts a signed-in user or a guest; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "actor", None)


class UserSessionAuth(ActorSessionAuth):
    """Accepts only signed-in users (guests get 401)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = getattr(request, "actor", None)
        return actor if request.user.is_authenticated else None


class TokenAuth(HttpBearer):
    """A personal API token acts as its user; no CSRF token is needed (no cookie is used).

    A read-only token may only read (403 ``token_read_only``); an unknown, expired or
    revoked token is 401 with the reason, never a fall back to the session.
    """

    openapi_description = (
        "A personal API token from the “API tokens” page: `Authorization: Bearer pa_…`. "
        "Read-only tokens may only use GET."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = token_authenticate(
                token,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                method=request.method or "",
                path=request.path,
            )
        except DomainError as error:
            raise TokenRefused(error.detail) from None
        if api_token.access == api_token.Access.READ and request.method not in SAFE_METHODS:
            raise Forbidden(
                "This API token is read-only. Make a read-and-write token to change things.",
                code="token_read_only",
            )
        request.actor = api_token.user  # type: ignore[attr-defined]
        return api_token.user


class TokenRefused(Exception):
    """A bearer token was sent but does not work: 401 with why (see api/errors.py)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


token_auth = TokenAuth()
actor_auth = [token_auth, ActorSessionAuth()]
user_auth = [token_auth, UserSessionAuth()]
