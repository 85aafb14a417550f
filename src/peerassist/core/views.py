"""Health, error pages, and the statements every service must publish."""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from peerassist.core.errors import SERVER_ERROR
from peerassist.core.health import channel_layer_ok, database_ok

DATABASE_CHECK_SECONDS = 1.5  # /healthz: slower than this, and the database counts as down


async def healthz(request: HttpRequest) -> JsonResponse:
    from asgiref.sync import sync_to_async

    try:
        # A load balancer wants an answer, not a wait: a database that takes longer than
        # this (or a connection pool waiting for one) counts as down.
        db = await asyncio.wait_for(
            sync_to_async(database_ok, thread_sensitive=False)(), DATABASE_CHECK_SECONDS
        )
    except TimeoutError:
        db = False
    layer = await channel_layer_ok()
    body = {
        "status": "ok" if db and layer else "unavailable",
        "database": "ok" if db else "unavailable",
        "channel_layer": "ok" if layer else "unavailable",
        "version": settings.VERSION,
    }
    return JsonResponse(body, status=200 if db and layer else 503)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        # The API's documented error shape, even for a failure outside its own handlers.
        return JsonResponse({"detail": SERVER_ERROR, "code": "server_error"}, status=500)
    return render(request, "core/500.html", status=500)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", {"reason": str(exception or "")}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/400.html", status=400)
