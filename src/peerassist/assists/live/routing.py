"""WebSocket routes of the live board (docs/realtime.md)."""

from django.urls import re_path

from peerassist.assists.live.consumers import AssistConsumer

websocket_urlpatterns: list = [
    # Any id-like text is routed, so a forged id gets the 4404 close rather than a dropped socket.
    re_path(r"^ws/assists/(?P<assist_id>[^/]+)/$", AssistConsumer.as_asgi()),
]
