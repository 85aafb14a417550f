"""API authentication: the browser session of a user or an admitted guest, with CSRF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.core.errors import Forbidden


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


actor_auth = ActorSessionAuth()
user_auth = UserSessionAuth()
