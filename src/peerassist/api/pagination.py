"""Limit/offset pagination with bounds the OpenAPI document states.

Ninja's default has no maximum for ``limit`` and none for ``offset``: a limit or offset of
2**63 reached the database and failed there (a 500). Out-of-range values are now a 400 with
the usual error shape, and the document says what is allowed.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class BoundedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="How many items, at most.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
