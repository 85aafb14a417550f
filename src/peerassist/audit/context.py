"""Who is acting, and from where, for every audit entry written while a request runs.

Set once per request (``AuditContextMiddleware``), per socket (the live board's consumer),
per API token (the token authenticator) and per task or command; ``audit_record`` reads it,
so services need not pass it through every call. A ``ContextVar`` follows the request into
the thread pool and through ``sync_to_async``, and never leaks into another request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from peerassist.audit.models import ActorKind, Channel


@dataclass(frozen=True)
class AuditContext:
    channel: str = Channel.COMMAND
    actor_kind: str = ActorKind.SYSTEM
    user_id: int | None = None
    guest_id: int | None = None
    token_id: int | None = None
    ip_address: str | None = None


_current: ContextVar[AuditContext | None] = ContextVar("peerassist_audit", default=None)
NOBODY = AuditContext()  # outside any request, socket or task: a command or the shell


def audit_context() -> AuditContext:
    return _current.get() or NOBODY


def actor_fields(actor: Any) -> dict[str, Any]:
    """The context's actor fields for a user or a guest (told apart by their model)."""
    if actor is None or not getattr(actor, "pk", None):
        return {"actor_kind": ActorKind.ANONYMOUS, "user_id": None, "guest_id": None}
    if actor._meta.label_lower == "accounts.guest":
        return {"actor_kind": ActorKind.GUEST, "user_id": None, "guest_id": actor.pk}
    return {"actor_kind": ActorKind.USER, "user_id": actor.pk, "guest_id": None}


def audit_context_set(**fields: Any) -> None:
    """Change the current context in place (for the rest of this request or task)."""
    _current.set(replace(audit_context(), **fields))


@contextmanager
def audit_as(*, channel: str, actor: Any = None, ip_address: str | None = None) -> Iterator[None]:
    """Within the block, entries name ``actor`` and ``channel``."""
    token = _current.set(
        AuditContext(channel=channel, ip_address=ip_address, **actor_fields(actor))
    )
    try:
        yield
    finally:
        _current.reset(token)
