"""``audit_record``: the one way an entry is written."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from peerassist.audit.context import actor_fields, audit_context
from peerassist.audit.models import AuditEntry

MAX_VALUE = 500  # characters of a before/after value kept in the log

_deferred = threading.local()


@contextmanager
def audit_deferred() -> Iterator[None]:
    """Within the block, on this thread, entries are built as usual (each in the context of
    its own change) but written together, in one INSERT, as the block ends.

    For a batch of writes in one transaction (notes written over the board's sockets): an
    entry a change is still the rule, at one round trip instead of one a change. Should the
    block raise, nothing is written; the transaction around it rolls back anyway.
    """
    entries: list[AuditEntry] = []
    outer = getattr(_deferred, "entries", None)
    _deferred.entries = entries
    try:
        yield
    finally:
        _deferred.entries = outer
    if entries:
        AuditEntry.objects.bulk_create(entries)


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates and decimals as text, long text cut short."""
    value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[: MAX_VALUE - 1] + "…"
    return value


def audit_record(
    *,
    kind: str,
    obj: Any = None,
    organisation_id: int | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    object_type: str = "",
    object_id: object = "",
    object_label: str = "",
    subject_user_id: int | None = None,
    subject_guest_id: int | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Append one entry. Inside a transaction it commits or rolls back with the change.

    ``actor`` overrides the context's (sign-in knows the person before the session does).
    """
    context = audit_context()
    who: dict[str, Any] = (
        actor_fields(actor)
        if actor is not None
        else {
            "actor_kind": context.actor_kind,
            "user_id": context.user_id,
            "guest_id": context.guest_id,
        }
    )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)
    entry = AuditEntry(
        organisation_id=organisation_id,
        actor_kind=context.actor_kind if context.token_id and actor is None else who["actor_kind"],
        actor_user_id=who["user_id"],
        actor_guest_id=who["guest_id"],
        token_id=context.token_id if actor is None else None,
        channel=context.channel,
        ip_address=context.ip_address,
        kind=kind,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=object_label[:200],
        changes={k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()},
        subject_user_id=subject_user_id,
        subject_guest_id=subject_guest_id,
    )
    deferred: list[AuditEntry] | None = getattr(_deferred, "entries", None)
    if deferred is not None:
        deferred.append(entry)
    else:
        entry.save(force_insert=True)
    return entry
