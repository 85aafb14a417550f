"""Health checks that really exercise each part, for load balancers and people on call."""

from __future__ import annotations

import asyncio
import uuid

from channels.layers import get_channel_layer
from django.db import connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


async def channel_layer_ok(timeout: float = 2.0) -> bool:
    """Send a message to a fresh channel and read it back."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        channel = await layer.new_channel("healthz.")
        token = uuid.uuid4().hex
        await asyncio.wait_for(layer.send(channel, {"type": "healthz", "token": token}), timeout)
        message = await asyncio.wait_for(layer.receive(channel), timeout)
        return bool(message.get("token") == token)
    except Exception:
        return False
