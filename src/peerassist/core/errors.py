"""Domain errors: what services and access functions raise, and what clients see.

Every error carries a message a person can act on and a stable machine code; the API, the
pages and the WebSocket consumer each turn them into their own shape (``{"detail", "code"}``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SERVER_ERROR = (
    "Something went wrong on our side and nothing was saved. Try again; if it keeps "
    "happening, tell your Peer Assist administrator the time it happened."
)
DATABASE_DOWN = (
    "The database is not answering just now. Nothing was saved; try again in a "
    "moment (the live board keeps your notes and retries by itself)."
)


def error_body(detail: str, code: str) -> dict[str, str]:
    """The one JSON error shape, shared by the API, the socket's acks and the middleware."""
    return {"detail": detail, "code": code}


def _location(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in {"body", "payload", "query", "path", "form"}]
    return ".".join(parts)


def validation_detail(errors: list[Any]) -> str:
    """One sentence for pydantic's list of errors: the API's 400 and the socket's refusal."""
    messages = []
    for error in errors[:5]:
        where = _location(list(error.get("loc", [])))
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        messages.append(f"{where}: {message}" if where else message)
    return "Check your input. " + "; ".join(messages)


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class Invalid(DomainError):
    """The request is well-formed but the values break a rule (422-like, sent as 400)."""

    status = 400
    code = "invalid"


class NotFound(DomainError):
    """Missing, or outside the actor's reach: the two look the same so ids do not leak."""

    status = 404
    code = "not_found"

    def __init__(self, detail: str = "Not found.", *, code: str | None = None) -> None:
        super().__init__(detail, code=code)


class Forbidden(DomainError):
    """The actor can see the object but their role does not allow this action now."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"
