"""Subject access exports: asked for on a page, built by the task worker, downloaded once.

The ZIP is written to a private folder under ``PEERASSIST_DATA_DIR`` (``private/subject-
access/``, owner-only permissions) under a random name; no URL maps to that folder, so the
only way out is the download view, which checks the administrator and hands the file over
once. The file is removed as it is handed over, or when it expires a day after it was built
(``exports_expire``, run by the daily retention job and whenever an export is looked at).
Asking and downloading are both in the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import secrets
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.audit.context import audit_as
from peerassist.audit.models import Channel
from peerassist.audit.record import audit_record
from peerassist.core.errors import Conflict, Forbidden, NotFound
from peerassist.core.export_text import export_text
from peerassist.governance.models import SubjectAccessExport
from peerassist.governance.subject_access import (
    SECTIONS,
    Subject,
    photo_file_name,
    photos_taken,
)

log = logging.getLogger(__name__)

Status = SubjectAccessExport.Status
LIFETIME = timedelta(days=1)
MAX_OPEN_PER_ADMIN = 5  # exports still queued or building, per administrator


class ExportGone(NotFound):
    """Downloaded already, expired or failed: the page says so with a 410."""

    status = 410
    code = "export_gone"


def export_dir() -> Path:
    """The private folder for export files, made owner-only on first use."""
    folder = Path(settings.DATA_DIR) / "private" / "subject-access"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(export: SubjectAccessExport) -> Path | None:
    if not export.file_name:
        return None
    return export_dir() / export.file_name


def _remove_file(export: SubjectAccessExport) -> None:
    path = _path(export)
    if path is not None:
        path.unlink(missing_ok=True)


def _subject_ids(person: User | Guest) -> dict[str, Any]:
    if isinstance(person, User):
        return {"subject_user": person, "subject_guest": None}
    return {"subject_user": None, "subject_guest": person}


@transaction.atomic
def export_request(
    *, actor: User, organisation: Organisation, person: User | Guest
) -> SubjectAccessExport:
    """Record the request, audit it, and queue the build once the request commits."""
    waiting = SubjectAccessExport.objects.filter(
        requested_by=actor, status__in=[Status.QUEUED, Status.BUILDING]
    ).count()
    if waiting >= MAX_OPEN_PER_ADMIN:
        raise Conflict(
            f"You already have {waiting} exports being built. Wait for them to finish.",
            code="too_many_exports",
        )
    export = SubjectAccessExport.objects.create(
        organisation=organisation,
        requested_by=actor,
        steps_total=len(SECTIONS) + 1,
        step_label="Waiting for the task worker",
        **_subject_ids(person),
    )
    audit_record(
        kind="subject_access.requested",
        obj=export,
        organisation_id=organisation.pk,
        subject_user_id=export.subject_user_id,
        subject_guest_id=export.subject_guest_id,
    )
    export_id = export.pk
    transaction.on_commit(lambda: export_build_task.enqueue(export_id))
    return export


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    writer = csv.DictWriter(buffer, fieldnames=columns or ["none"])
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in columns})
    return "\ufeff" + buffer.getvalue()


def _cell(value: Any) -> Any:
    """Plain text for a spreadsheet: no control characters, nothing run as a formula."""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    elif value is not None and not isinstance(value, str):
        value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    value = export_text(value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _photo_files(z: zipfile.ZipFile, subject: Subject) -> list[str]:
    """Copy each photo's image into the ZIP as it is (already compressed); the names of those
    whose file could not be read (removed from the disk by hand) are returned for the README."""
    missing = []
    for photo in photos_taken(subject):
        name = photo_file_name(photo)
        entry = zipfile.ZipInfo(name, date_time=photo.created_at.timetuple()[:6])
        entry.compress_type = zipfile.ZIP_STORED
        try:
            with photo.file.open("rb") as image, z.open(entry, "w") as out:
                shutil.copyfileobj(image, out)
        except (OSError, ValueError):
            log.warning("subject access: photo %s has no readable file", photo.pk)
            missing.append(name)
    return missing


def _readme(export: SubjectAccessExport, counts: dict[str, int], missing: list[str]) -> str:
    lines = [
        f"Subject access export for {export.subject.full_name}",
        f"Held by {export.organisation.name}; built {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "",
        "everything.json holds every section; each section is also one CSV file.",
        "Only what this organisation holds is here: anything under another organisation's",
        "peer assists or projects is that organisation's to export.",
        "",
    ]
    lines += [
        f"{name}.csv: {count} {'row' if count == 1 else 'rows'}" for name, count in counts.items()
    ]
    if counts.get("board_photos"):
        lines += ["", "board_photos/ holds the images of the photos listed in board_photos.csv."]
    if missing:
        lines += ["These photos' files could no longer be found on the server:", *missing]
    return "\n".join(lines) + "\n"


def _progress(export_id: int, done: int, label: str) -> None:
    SubjectAccessExport.objects.filter(pk=export_id).update(
        status=Status.BUILDING, steps_done=done, step_label=label
    )


@task()
def export_build_task(export_id: int) -> str:
    """Build one export's ZIP, section by section, saying how far it has got."""
    export = (
        SubjectAccessExport.objects.select_related("organisation", "subject_user", "subject_guest")
        .filter(pk=export_id, status__in=[Status.QUEUED, Status.BUILDING])
        .first()
    )
    if export is None:
        return "nothing to do"
    with audit_as(channel=Channel.TASK):
        try:
            return _build(export)
        except Exception as error:  # the page must say it failed, not spin for ever
            log.exception("subject access export %s failed", export_id)
            _remove_file(export)
            SubjectAccessExport.objects.filter(pk=export_id).update(
                status=Status.FAILED, error=str(error)[:300] or error.__class__.__name__
            )
            return "failed"


def _build(export: SubjectAccessExport) -> str:
    subject = Subject(
        organisation=export.organisation, user=export.subject_user, guest=export.subject_guest
    )
    everything: dict[str, Any] = {
        "subject": export.subject.full_name,
        "organisation": export.organisation.name,
        "built_at": timezone.now(),
    }
    counts: dict[str, int] = {}
    file_name = f"{secrets.token_urlsafe(24)}.zip"
    path = export_dir() / file_name
    export.file_name = file_name
    SubjectAccessExport.objects.filter(pk=export.pk).update(file_name=file_name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
        for done, (name, title, build) in enumerate(SECTIONS):
            _progress(export.pk, done, title)
            rows = build(subject)
            counts[name] = len(rows)
            everything[name] = rows
            z.writestr(f"{name}.csv", _csv(rows))
        _progress(export.pk, len(SECTIONS), "Adding the photos and writing the ZIP file")
        missing = _photo_files(z, subject)
        z.writestr(
            "everything.json",
            json.dumps(everything, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        z.writestr("README.txt", _readme(export, counts, missing))
    now = timezone.now()
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        status=Status.READY,
        steps_done=len(SECTIONS) + 1,
        step_label="Ready",
        size_bytes=path.stat().st_size,
        ready_at=now,
        expires_at=now + LIFETIME,
    )
    return "ready"


def export_expire_one(export: SubjectAccessExport) -> bool:
    """Expire a ready export whose day has passed (file and all). Returns True if it did."""
    if export.status != Status.READY or not export.expires_at:
        return False
    if export.expires_at > timezone.now():
        return False
    updated = SubjectAccessExport.objects.filter(pk=export.pk, status=Status.READY).update(
        status=Status.EXPIRED
    )
    _remove_file(export)
    export.status = Status.EXPIRED
    return bool(updated)


def exports_expire() -> int:
    """Expire every overdue export and remove any file no ready export owns. Returns how
    many exports expired."""
    expired = 0
    overdue = SubjectAccessExport.objects.filter(
        status=Status.READY, expires_at__lte=timezone.now()
    )
    for export in overdue:
        expired += export_expire_one(export)
    owned = set(
        SubjectAccessExport.objects.filter(
            status__in=[Status.READY, Status.BUILDING, Status.QUEUED]
        ).values_list("file_name", flat=True)
    )
    for path in export_dir().glob("*.zip"):
        if path.name not in owned:
            path.unlink(missing_ok=True)
    return expired


def export_download(*, actor: User, export: SubjectAccessExport) -> IO[bytes]:
    """Hand the file over once, to the administrator who asked; it is gone from disk after.

    The row is claimed with a conditional update, so two clicks at once get the file once.
    Returns an open file whose name no longer exists on disk.
    """
    if export.requested_by_id != actor.pk:
        raise Forbidden(
            "Only the administrator who asked for this export can download it. "
            "Ask for a new export if you need one.",
            code="not_requester",
        )
    if export.in_progress:
        raise Conflict("This export is still being built. Wait until it is ready.")
    export_expire_one(export)
    if export.status != Status.READY:
        raise ExportGone(_gone_reason(export), code="export_gone")
    path = _path(export)
    if path is None or not path.exists():
        SubjectAccessExport.objects.filter(pk=export.pk).update(status=Status.EXPIRED)
        raise ExportGone("The export file is no longer there. Ask for a new export.")
    with transaction.atomic():
        claimed = SubjectAccessExport.objects.filter(pk=export.pk, status=Status.READY).update(
            status=Status.DOWNLOADED, downloaded_at=timezone.now()
        )
        if not claimed:
            export.refresh_from_db()
            raise ExportGone(_gone_reason(export))
        audit_record(
            kind="subject_access.downloaded",
            obj=export,
            organisation_id=export.organisation_id,
            subject_user_id=export.subject_user_id,
            subject_guest_id=export.subject_guest_id,
        )
    handle = path.open("rb")
    path.unlink(missing_ok=True)
    return handle


def _gone_reason(export: SubjectAccessExport) -> str:
    if export.status == Status.DOWNLOADED:
        return (
            "This export has already been downloaded, and each export can be downloaded "
            "only once. Ask for a new export if you need another copy."
        )
    if export.status == Status.EXPIRED:
        return "This export expired a day after it was built. Ask for a new export."
    if export.status == Status.FAILED:
        return "This export could not be built. Ask for a new export."
    return "This export is not ready yet."
