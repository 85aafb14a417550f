"""Fast capture over JSON: bulk notes (preview, confirm), walk-in speakers, photos and the
drafts read from them. Same services as the pages (assists/live/bulk.py, walk_in.py,
photos.py); mounted at ``/assists`` beside the live board's router.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from peerassist.api.answers import (
    ALREADY_DONE,
    PARTICIPANTS_ONLY,
    POSSIBLE_PATIENT_DATA,
    RULES,
    UPLOAD_TOO_LARGE,
    answers,
)
from peerassist.api.auth import ApiRequest
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import bulk, photos, walk_in
from peerassist.assists.live.events import NoteView, NoteWithheld, Person
from peerassist.assists.live.selectors import note_for_viewer, note_wire, participant_wire
from peerassist.assists.models import BoardPhoto, Note, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.core.errors import Invalid, error_body

router = Router(tags=["fast capture"])


class BulkPreviewIn(Schema):
    text: str = Field(max_length=bulk.MAX_PASTE_CHARS * 2)
    learning_need_id: int | None = None
    spoken_by_id: int | None = None
    batch_id: uuid.UUID | None = None


class BulkNoteIn(Schema):
    client_id: uuid.UUID
    text: str = Field(max_length=20_000)
    learning_need_id: int | None = None
    spoken_by_id: int | None = None
    confirm_sensitive: StrictBool = False


class BulkIn(Schema):
    notes: list[BulkNoteIn] = Field(max_length=bulk.MAX_LINES * 10)
    kind: str = Note.Kind.INSIGHT
    anonymous: StrictBool = False


class WalkInIn(Schema):
    name: str = Field(max_length=1000)
    organisation: str = Field(default="", max_length=1000)
    role: str = "visitor"


class NeedChoice(Schema):
    id: int
    question: str


class SpeakerChoice(Schema):
    id: int
    label: str


class PreviewLineOut(Schema):
    """One pasted line as it would be added; send ``client_id`` back to confirm it."""

    index: int = Field(description="The line's place among the kept lines, from 1.")
    client_id: str
    text: str
    learning_need_id: int | None
    spoken_by_id: int | None
    pid_warning: str = Field(
        description="Why the line looks as if it holds patient data, or empty."
    )
    pid_findings: list[str] = Field(description="The kinds of patient data found.")
    error: str


class BulkPreviewOut(Schema):
    """The paste as notes, before anything is saved."""

    batch_id: str
    max_lines: int
    empty_lines: int
    flagged: int = Field(description="How many lines the patient-data check flagged.")
    learning_needs: list[NeedChoice]
    speakers: list[SpeakerChoice] = Field(
        description="Who the caller may write for (empty unless note taker or facilitator)."
    )
    lines: list[PreviewLineOut]


class BulkOut(Schema):
    """The notes added (or found again, on a retry) as the caller sees them."""

    created: int = Field(description="How many notes are new (0 on a retry).")
    version: int
    notes: list[NoteView | NoteWithheld]


class LineErrorOut(Schema):
    index: int
    code: str
    detail: str


class BulkRefusedOut(Schema):
    """A refused paste: nothing was saved; ``lines`` says which lines to change and why."""

    detail: str
    code: str
    lines: list[LineErrorOut] = Field(
        default_factory=list,
        description="Each refused line (`invalid_lines`); absent from other 400 answers.",
    )


class SpeakerOut(Schema):
    participant: Person
    version: int


class PhotoOut(Schema):
    """A photo of a flipchart or paper notes, and the draft notes read from it."""

    id: int
    url: str = Field(description="The image itself.")
    page: str = Field(description="The photo's page, where drafts are confirmed.")
    original_name: str
    caption: str
    content_type: str
    width: int
    height: int
    size: int
    created_at: dt.datetime
    added_by: str | None
    reading: str = Field(description="`waiting`, `reading`, `done`, `empty` or `failed`.")
    reading_label: str
    reading_error: str
    drafts: list[str] = Field(description="Lines of text read from the photo, to confirm.")
    drafts_batch: str


def _assist(request: ApiRequest, assist_id: int) -> PeerAssist:
    return access_peer_assist(request.auth, assist_id)


def _preview_out(preview: bulk.BulkPreview) -> dict[str, Any]:
    return {
        "batch_id": str(preview.batch_id),
        "max_lines": bulk.MAX_LINES,
        "empty_lines": preview.empty_lines,
        "flagged": preview.flagged,
        "learning_needs": [{"id": pk, "question": q} for pk, q in preview.learning_needs],
        "speakers": (
            [{"id": pk, "label": label} for pk, label in preview.speakers]
            if preview.can_speak_for_others
            else []
        ),
        "lines": [
            {
                "index": line.index,
                "client_id": str(line.client_id),
                "text": line.text,
                "learning_need_id": line.learning_need_id,
                "spoken_by_id": line.spoken_by_id,
                "pid_warning": line.pid_warning,
                "pid_findings": [f.kind for f in line.findings],
                "error": line.error,
            }
            for line in preview.lines
        ],
    }


@router.post(
    "/{assist_id}/notes/bulk/preview",
    response=BulkPreviewOut,
    summary="Preview pasted lines as notes (nothing is saved)",
)
@answers(PARTICIPANTS_ONLY)
def bulk_preview(request: ApiRequest, assist_id: int, payload: BulkPreviewIn) -> dict[str, Any]:
    """One entry per non-empty line, with the client id a confirm should send for it."""
    assist = _assist(request, assist_id)
    preview = bulk.bulk_preview(
        actor=request.auth,
        assist=assist,
        text=payload.text,
        learning_need_id=payload.learning_need_id,
        spoken_by_id=payload.spoken_by_id,
        batch_id=payload.batch_id,
    )
    return _preview_out(preview)


@router.post(
    "/{assist_id}/notes/bulk",
    response={200: BulkOut, 201: BulkOut, 400: BulkRefusedOut},
    summary="Add many notes at once (all or nothing; once per client id)",
)
@answers(PARTICIPANTS_ONLY, POSSIBLE_PATIENT_DATA)
def bulk_create(request: ApiRequest, assist_id: int, payload: BulkIn) -> Status[dict[str, Any]]:
    """201 when some notes are new, 200 when every client id was seen before (a retry).

    A refused line refuses the whole paste: 400 ``invalid_lines`` with ``lines``, each
    ``{"index", "code", "detail"}`` (index counts from 1 in the order sent).
    """
    assist = _assist(request, assist_id)
    try:
        notes, created = bulk.notes_create_bulk(
            actor=request.auth,
            assist=assist,
            notes=[bulk.BulkNote(**line.model_dump()) for line in payload.notes],
            kind=payload.kind,
            anonymous=payload.anonymous,
        )
    except bulk.BulkInvalid as error:
        body = error_body(error.detail, error.code)
        return Status(400, {**body, "lines": [vars(line) for line in error.lines]})
    viewer = participant_of(request.auth, assist)
    return Status(
        201 if created else 200,
        {
            "created": created,
            "version": assist.version,
            "notes": [
                note_for_viewer(note_wire(n), viewer, private_writing=assist.private_writing)
                for n in notes
            ],
        },
    )


@router.post(
    "/{assist_id}/speakers",
    response={201: SpeakerOut},
    summary="Add a walk-in speaker (note taker or facilitator)",
)
@answers(PARTICIPANTS_ONLY, ALREADY_DONE)
def speaker_add(request: ApiRequest, assist_id: int, payload: WalkInIn) -> Status[dict[str, Any]]:
    assist = _assist(request, assist_id)
    person = walk_in.participant_add_walk_in(
        actor=request.auth,
        assist=assist,
        name=payload.name,
        organisation_name=payload.organisation,
        role=payload.role,
    )
    return Status(201, {"participant": participant_wire(person), "version": assist.version})


def photo_out(photo: BoardPhoto) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "url": reverse("assists:photo_image", args=[photo.assist_id, photo.pk]),
        "page": reverse("assists:photo", args=[photo.assist_id, photo.pk]),
        "original_name": photo.original_name,
        "caption": photo.caption,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size": photo.size,
        "created_at": photo.created_at,
        "added_by": photo.uploaded_by.display_name if photo.uploaded_by else None,
        "reading": photo.reading,
        "reading_label": BoardPhoto.Reading(photo.reading).label,
        "reading_error": photo.reading_error,
        "drafts": [line for line in photo.read_text.splitlines() if line],
        "drafts_batch": str(photo.drafts_batch),
    }


@router.get(
    "/{assist_id}/photos", response=list[PhotoOut], summary="Photos of flipcharts and notes"
)
@answers(PARTICIPANTS_ONLY)
def photo_list(request: ApiRequest, assist_id: int) -> list[dict[str, Any]]:
    assist = _assist(request, assist_id)
    return [photo_out(p) for p in photos.board_photos(assist)]


@router.post(
    "/{assist_id}/photos",
    response={201: PhotoOut},
    summary="Add a photo (multipart field 'file', optional 'caption'; 413 over the limit)",
)
@answers(PARTICIPANTS_ONLY, RULES, UPLOAD_TOO_LARGE)
def photo_add(request: ApiRequest, assist_id: int) -> Status[dict[str, Any]]:
    """The photo's text is read in the background: poll ``GET .../photos/{id}`` until
    ``reading`` is ``done`` (drafts), ``empty`` or ``failed``."""
    assist = _assist(request, assist_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid("Send the photo as multipart form data in the field 'file'.", code="no_file")
    photo = photos.board_photo_add(
        actor=request.auth,
        assist=assist,
        upload=upload,
        caption=request.POST.get("caption", ""),
    )
    photo.refresh_from_db()
    return Status(201, photo_out(photo))


@router.get("/{assist_id}/photos/{photo_id}", response=PhotoOut, summary="A photo and its drafts")
@answers(PARTICIPANTS_ONLY)
def photo_detail(request: ApiRequest, assist_id: int, photo_id: int) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    return photo_out(photos.access_board_photo(request.auth, assist, photo_id))


@router.delete(
    "/{assist_id}/photos/{photo_id}", response={204: None}, summary="Remove a photo (host team)"
)
@answers(PARTICIPANTS_ONLY)
def photo_remove(request: ApiRequest, assist_id: int, photo_id: int) -> Status[None]:
    assist = _assist(request, assist_id)
    photos.board_photo_delete(actor=request.auth, assist=assist, photo_id=photo_id)
    return Status(204, None)
