"""WebSocket routes of the live board (docs/realtime.md)."""

from django.urls import re_path

from peerassist.assists.live.consumers import AssistConsumer
from peerassist.assists.live.wall_consumer import WallConsumer

websocket_urlpatterns: list = [
    # Any id-like text is routed, so a forged id gets the 4404 close rather than a dropped socket.
    re_path(r"^ws/assists/(?P<assist_id>[^/]+)/$", AssistConsumer.as_asgi()),
    re_path(r"^ws/assists/(?P<assist_id>[^/]+)/wall/$", WallConsumer.as_asgi()),
]
