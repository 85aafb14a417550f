"""The one ASGI application: pages, the API and the live-session WebSockets."""

from __future__ import annotations

import gc
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
from django.conf import settings  # noqa: E402

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


def _freeze_startup_objects() -> None:
    """Keep the objects made at start-up out of every later garbage collection.

    A full collection walks every object the process holds: with Django and every app and
    view imported that is about 150,000, and it took 70–130 ms here, a pause that every
    note in flight on the loop waits out (the live board's p99). Objects that live as long
    as the process (modules, classes, URL patterns, settings) never need collecting, so
    they are frozen once, after the URL patterns have imported every view.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views now, not on the first request
    gc.collect()
    gc.freeze()


if not settings.TESTING:
    _freeze_startup_objects()
