"""Entries for every create, update and delete of the domain models, from one place.

The services are the only writers, but there are a hundred of them across eight apps; a
call in each would be missed somewhere, and would have to repeat which fields changed.
Instead the models listed in ``TRACKED`` are followed here: each instance remembers its
field values as loaded (``post_init``), and ``post_save``/``post_delete`` append an entry
with the fields that changed, before and after, in the same transaction as the change
(a rolled-back write leaves no entry). Writes that bypass ``save()`` (``QuerySet.update``)
are counters and versions, not domain data. Who and from where come from the context
(``audit.context``). Sign-in, exports, token use and erasure, which change no tracked row,
call ``audit_record`` themselves. ADR 0013.

Models are named by label, so this app imports no feature app (it sits just above core).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save

from peerassist.audit.record import audit_record

SKIPPED_FIELDS = {"created_at", "updated_at", "version", "last_seen_at", "password", "last_login"}
PERSONAL = "[changed]"  # what the log keeps of a personal field's values


@dataclass(frozen=True)
class Tracked:
    name: str  # the word used in entry kinds: "note" → note.created
    organisation: str  # attribute path to the organisation id
    personal: frozenset[str] = frozenset()  # fields whose values the log never keeps
    subject_user: str = ""  # attribute naming the person the row is about
    subject_guest: str = ""
    # field → kind of entry when that field changes ("phase" → "phase.changed")
    special: dict[str, str] = field(default_factory=dict)


PEOPLE = frozenset({"name", "full_name", "email", "job_title", "experience", "display_name"})

TRACKED: dict[str, Tracked] = {
    "accounts.organisation": Tracked("organisation", "pk"),
    "accounts.user": Tracked("user", "", personal=PEOPLE, subject_user="pk"),
    "accounts.membership": Tracked(
        "membership",
        "organisation_id",
        subject_user="user_id",
        special={"role": "membership.role_changed"},
    ),
    "accounts.guest": Tracked(
        "guest",
        "organisation_id",
        personal=PEOPLE | {"home_organisation", "nonce"},
        subject_guest="pk",
    ),
    "accounts.apitoken": Tracked("token", "", subject_user="user_id"),
    "projects.project": Tracked("project", "organisation_id"),
    "projects.beforeactionreview": Tracked("bar", "project.organisation_id"),
    "projects.learningneed": Tracked("learning_need", "project.organisation_id"),
    "assists.peerassist": Tracked(
        "peer_assist",
        "organisation_id",
        special={"phase": "phase.changed", "status": "peer_assist.status_changed"},
    ),
    "assists.participant": Tracked(
        "participant",
        "assist.organisation_id",
        personal=PEOPLE,
        subject_user="user_id",
        subject_guest="guest_id",
        special={"role": "participant.role_changed"},
    ),
    "assists.note": Tracked("note", "assist.organisation_id"),
    "analysis.theme": Tracked("theme", "assist.organisation_id"),
    "analysis.determinant": Tracked("determinant", "project.organisation_id"),
    "analysis.action": Tracked("action", "project.organisation_id"),
    "analysis.vote": Tracked("vote", "assist.organisation_id"),
    "lessons.lesson": Tracked("lesson", "organisation_id"),
}


def _path(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


@cache
def _fields(model: type[Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in SKIPPED_FIELDS and not f.primary_key
    ]


def _snapshot(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if instance.pk is not None:
        loaded = instance.__dict__  # deferred fields are simply absent
        instance._audit_initial = {  # type: ignore[attr-defined]
            name: loaded[name] for name in _fields(sender) if name in loaded
        }


def _record(instance: Model, spec: Tracked, kind: str, changes: dict[str, Any]) -> None:
    organisation_id = _path(instance, spec.organisation) if spec.organisation else None
    audit_record(
        kind=kind,
        obj=instance,
        # A person's row is labelled by id only: the log outlives their erasure.
        object_label=f"{spec.name.replace('_', ' ').capitalize()} {instance.pk}"
        if spec.personal
        else "",
        organisation_id=organisation_id,
        changes=changes,
        subject_user_id=_path(instance, spec.subject_user) if spec.subject_user else None,
        subject_guest_id=_path(instance, spec.subject_guest) if spec.subject_guest else None,
    )


def _saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures and loaddata
    spec = TRACKED[sender._meta.label_lower]
    before: dict[str, Any] = getattr(instance, "_audit_initial", {})
    fields = _fields(sender)
    changes: dict[str, tuple[Any, Any]]
    if created:
        changes = {
            name: (None, PERSONAL if name in spec.personal else instance.__dict__.get(name))
            for name in fields
            if instance.__dict__.get(name) not in (None, "", [], {})
        }
        _record(instance, spec, f"{spec.name}.created", changes)
    else:
        changes = {}
        for name in fields:
            old, new = before.get(name), instance.__dict__.get(name)
            if name in before and old != new:
                changes[name] = (PERSONAL, PERSONAL) if name in spec.personal else (old, new)
        if changes:
            kind = next(
                (k for f, k in spec.special.items() if f in changes or f + "_id" in changes),
                f"{spec.name}.updated",
            )
            _record(instance, spec, kind, changes)
    instance._audit_initial = {n: instance.__dict__.get(n) for n in fields}  # type: ignore[attr-defined]


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    spec = TRACKED[sender._meta.label_lower]
    _record(instance, spec, f"{spec.name}.deleted", {})


def connect() -> None:
    for label in TRACKED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app that is not installed
        uid = f"peerassist.audit.{label}"
        post_init.connect(_snapshot, sender=model, dispatch_uid=uid + ".init", weak=False)
        post_save.connect(_saved, sender=model, dispatch_uid=uid + ".save", weak=False)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + ".delete", weak=False)
