from peerassist.assists.live.routing import websocket_urlpatterns as assist_patterns

websocket_urlpatterns = [*assist_patterns]
