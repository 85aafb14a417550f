"""API authentication: the browser session of a user or an admitted guest, with CSRF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie


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
