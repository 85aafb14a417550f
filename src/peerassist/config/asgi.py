"""The one ASGI application: pages, the API and the live-session WebSockets."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.config.settings")

import django

django.setup(set_prefix=False)

from peerassist.core.asgi_http import PooledASGIHandler  # noqa: E402

# Django's ASGIHandler, but each request's Django work is one hop to a thread pool.
django_asgi_app = PooledASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from peerassist.config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Consumers resolve the actor (user, or guest from the session) through the
        # same access functions as the API.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
