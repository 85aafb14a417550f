from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from peerassist.core.navigation import nav_items


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "product_name": "Peer Assist",
        "app_version": settings.VERSION,
        "actor": getattr(request, "actor", None),
        "nav_items": nav_items(request) if request.user.is_authenticated else [],
    }
