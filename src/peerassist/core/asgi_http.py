"""Django's ASGI handler, with each request's Django work done in one hop to a thread pool.

Our views are synchronous (the ORM is). Under Django's own ``ASGIHandler`` a request hops
between the event loop and threads many times: a new thread per request
(``ThreadSensitiveContext``), a hop for each of ``request_started``, the sync middleware,
the view and ``response.close()``, and back to the loop between the middleware and the view.
On the live board's note POST those hops, the thread start-up and the waits between them were
about a third of the server's CPU (profiled with py-spy, docs/realtime.md). Here the whole
request (signals, middleware, view, closing) runs in one call in a fixed pool of threads;
the loop only reads the body and writes the response. WebSockets are untouched: they stay
on the loop with Channels.

``sync_to_async`` (not a bare ``run_in_executor``) makes the hop, so code in the thread that
goes back to the loop with ``async_to_sync`` (``broadcast_on_commit``, async views such as
``/healthz``) reaches this loop, where the channel layer lives.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

log = logging.getLogger(__name__)

DEFAULT_THREADS = 8


def http_threads() -> int:
    """Threads per process for HTTP requests (``PEERASSIST_HTTP_THREADS``, default 8)."""
    try:
        return max(1, int(os.environ.get("PEERASSIST_HTTP_THREADS", DEFAULT_THREADS)))
    except ValueError:
        return DEFAULT_THREADS


class PooledASGIHandler(ASGIHandler):
    """An ``ASGIHandler`` whose middleware and views run in sync mode in a thread pool."""

    def __init__(self, threads: int | None = None) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it builds the async middleware chain
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(
            max_workers=threads or http_threads(), thread_name_prefix="http"
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP here, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self._in_pool(self._respond)(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if response.streaming:  # closed only once its content has been sent
                    await self._in_pool(response.close)()
        finally:
            body_file.close()

    def _in_pool(self, func: Any) -> Any:
        return sync_to_async(func, thread_sensitive=False, executor=self.executor)

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """Everything Django does for one request, in one thread, in Django's order."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size  # the server chunks; fewer, larger reads
        assert response is not None
        if not response.streaming:
            # The body is in memory: close now (``request_finished`` tidies this thread's
            # database connection) rather than with another hop after sending.
            response.close()
        return response
