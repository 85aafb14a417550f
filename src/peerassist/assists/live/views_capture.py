"""Pages for fast capture: paste many notes (form → preview → confirm), add a walk-in speaker,
photos of flipcharts and the drafts read from them.

Every page works as a plain form post without JavaScript; on the live board the capture
module (frontend/src/capture.js) shows the same preview in place and confirms through the
JSON API (api/assists_capture.py). Views are thin: the services are in bulk.py, walk_in.py
and photos.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.accounts.actors import Actor
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import bulk, photos, walk_in
from peerassist.assists.live.capture_forms import (
    BulkForm,
    PhotoForm,
    WalkInForm,
    capture_choices,
)
from peerassist.assists.live.pid_guard import pid_findings
from peerassist.assists.models import BoardPhoto, Note, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import note_write_refusal
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import DomainError, Forbidden

View = Callable[..., HttpResponseBase]


def board_page(view: View) -> View:
    """Sign in (or open the invitation) first; then ``domain_errors`` makes other
    organisations' ids a 404 and a refused role a 403 with its reason."""

    @wraps(view)
    @domain_errors
    def wrapped(
        request: HttpRequest, assist_id: int, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        actor = getattr(request, "actor", None)
        if actor is None:
            return redirect_to_login(request.get_full_path())
        return view(request, access_peer_assist(actor, assist_id), *args, **kwargs)

    return wrapped


def _actor(request: HttpRequest) -> Actor | None:
    return getattr(request, "actor", None)


# --- Bulk entry -------------------------------------------------------------------------------


def _bulk_form_page(
    request: HttpRequest, assist: PeerAssist, form: BulkForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assists/live/bulk_form.html",
        {"assist": assist, "form": form, "max_lines": bulk.MAX_LINES},
        status=status,
    )


def _refusal_page(request: HttpRequest, assist: PeerAssist, error: DomainError) -> HttpResponse:
    return render(
        request,
        "assists/live/refused.html",
        {"assist": assist, "reason": error.detail},
        status=error.status,
    )


@require_GET
@board_page
def bulk_form(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """Paste many notes: the first step, a plain form that posts to the preview."""
    refusal = note_write_refusal(participant_of(_actor(request), assist), assist)
    if refusal is not None:
        return _refusal_page(request, assist, refusal)
    initial = {"batch": uuid.uuid4()}
    return _bulk_form_page(
        request,
        assist,
        BulkForm(initial=initial, preview_choices=capture_choices(_actor(request), assist)),
    )


@require_POST
@board_page
def bulk_preview(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """The preview: each line with its learning need, speaker and patient-data check."""
    form = BulkForm(request.POST, preview_choices=capture_choices(_actor(request), assist))
    if not form.is_valid():
        return _bulk_form_page(request, assist, form, status=400)
    try:
        preview = bulk.bulk_preview(
            actor=_actor(request),
            assist=assist,
            text=form.cleaned_data["text"],
            learning_need_id=form.cleaned_data["learning_need"],
            spoken_by_id=form.cleaned_data.get("speaker"),
            batch_id=form.cleaned_data["batch"] or uuid.uuid4(),
        )
    except Forbidden as error:
        return _refusal_page(request, assist, error)
    except DomainError as error:
        form.add_error("text", error.detail)
        return _bulk_form_page(request, assist, form, status=error.status)
    return _preview_page(request, assist, preview, kind=form.cleaned_data["kind"])


def _preview_page(
    request: HttpRequest,
    assist: PeerAssist,
    preview: bulk.BulkPreview,
    *,
    kind: str,
    errors: dict[int, str] | None = None,
    safe: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    for line in preview.lines:
        if line.index in errors:
            line.error = errors[line.index]
    return render(
        request,
        "assists/live/bulk_preview.html",
        {
            "assist": assist,
            "preview": preview,
            "kind": kind,
            "kind_label": Note.Kind(kind).label,
            "errors": errors,
            "safe": safe or set(),
            "error_lines": [line for line in preview.lines if line.error],
            "max_lines": bulk.MAX_LINES,
        },
        status=status,
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_POST
@board_page
def bulk_confirm(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """Add the previewed lines (all or nothing), then back to the board."""
    data = request.POST
    try:
        batch_id = uuid.UUID(data.get("batch", ""))
        count = int(data.get("count", ""))
    except ValueError:
        return redirect("assists:bulk", assist.pk)
    kind = data.get("kind", Note.Kind.INSIGHT)
    if kind not in Note.Kind.values:
        kind = Note.Kind.INSIGHT
    if not 0 < count <= bulk.MAX_LINES:
        return redirect("assists:bulk", assist.pk)
    indexes: list[int] = []
    notes: list[bulk.BulkNote] = []
    lines: list[bulk.PreviewLine] = []
    safe: set[int] = set()
    for index in range(1, count + 1):
        text = data.get(f"text-{index}", "").strip()
        line = bulk.PreviewLine(
            index=index,
            text=text,
            client_id=bulk.bulk_client_id(batch_id, index),
            learning_need_id=_int_or_none(data.get(f"need-{index}")),
            spoken_by_id=_int_or_none(data.get(f"speaker-{index}")),
        )
        lines.append(line)
        if not text:
            continue  # emptied in the preview: left out
        if data.get(f"safe-{index}"):
            safe.add(index)
        indexes.append(index)
        notes.append(
            bulk.BulkNote(
                client_id=line.client_id,
                text=text,
                learning_need_id=line.learning_need_id,
                spoken_by_id=line.spoken_by_id,
                confirm_sensitive=index in safe,
            )
        )
    try:
        _saved, created = bulk.notes_create_bulk(
            actor=_actor(request),
            assist=assist,
            notes=notes,
            kind=kind,
        )
    except bulk.BulkInvalid as error:
        choices = capture_choices(_actor(request), assist)
        for line in lines:
            line.findings = pid_findings(line.text)
        preview = bulk.BulkPreview(
            batch_id=batch_id,
            lines=lines,
            empty_lines=0,
            learning_needs=choices["needs"],
            speakers=choices["speakers"],
            can_speak_for_others=choices["can_speak"],
        )
        errors = {indexes[e.index - 1]: e.detail for e in error.lines}
        return _preview_page(
            request, assist, preview, kind=kind, errors=errors, safe=safe, status=400
        )
    except Forbidden as error:
        return _refusal_page(request, assist, error)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("assists:bulk", assist.pk)
    if created == len(notes):
        text = f"{created} note{'s' if created != 1 else ''} added to the board."
    else:
        text = (
            f"{created} new note{'s' if created != 1 else ''} added; "
            f"{len(notes) - created} had been added already."
        )
    messages.success(request, text)
    return redirect("assists:board", assist.pk)


# --- Walk-in speakers -------------------------------------------------------------------------


def _safe_next(request: HttpRequest, target: str, fallback: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
@board_page
def speaker_add(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """Add a speaker who walked in (name, organisation, role), then back where you were."""
    board_url = reverse("assists:board", args=[assist.pk])
    if request.method == "POST":
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                person = walk_in.participant_add_walk_in(
                    actor=_actor(request),
                    assist=assist,
                    name=form.cleaned_data["name"],
                    organisation_name=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                )
            except Forbidden as error:
                return _refusal_page(request, assist, error)
            except DomainError as error:
                form.add_error("name", error.detail)
            else:
                messages.success(
                    request, f"{person.display_name} added: you can now choose them as a speaker."
                )
                return redirect(_safe_next(request, form.cleaned_data["next"], board_url))
        status = 400
    else:
        form = WalkInForm(initial={"next": request.GET.get("next", "")})
        status = 200
    return render(
        request,
        "assists/live/speaker_form.html",
        {"assist": assist, "form": form, "board_url": board_url},
        status=status,
    )


# --- Photos -----------------------------------------------------------------------------------


def _photos_page(
    request: HttpRequest, assist: PeerAssist, form: PhotoForm, status: int = 200
) -> HttpResponse:
    refusal = photos.photo_write_refusal(participant_of(_actor(request), assist), assist)
    return render(
        request,
        "assists/live/photos.html",
        {
            "assist": assist,
            "form": form,
            "photos": list(photos.board_photos(assist)),
            "can_add": refusal is None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@board_page
def photo_list(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """The peer assist's photos, and (host team) the form that adds one."""
    if request.method == "GET":
        return _photos_page(request, assist, PhotoForm())
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _photos_page(request, assist, form, status=400)
    try:
        photo = photos.board_photo_add(
            actor=_actor(request),
            assist=assist,
            upload=form.cleaned_data["photo"],
            caption=form.cleaned_data["caption"],
        )
    except Forbidden as error:
        return _refusal_page(request, assist, error)
    except DomainError as error:
        form.add_error("photo", error.detail)
        return _photos_page(request, assist, form, status=error.status)
    messages.success(request, "Photo added. Its text is being read into draft notes.")
    return redirect("assists:photo", assist.pk, photo.pk)


def _photo_context(request: HttpRequest, assist: PeerAssist, photo: BoardPhoto) -> dict[str, Any]:
    me = participant_of(_actor(request), assist)
    drafts = [line for line in photo.read_text.splitlines() if line]
    can_draft = drafts and photos.photo_write_refusal(me, assist) is None
    form = None
    if can_draft and note_write_refusal(me, assist) is None:
        form = BulkForm(
            initial={"text": "\n".join(drafts), "batch": photo.drafts_batch},
            preview_choices=capture_choices(_actor(request), assist),
        )
    return {
        "assist": assist,
        "photo": photo,
        "can_delete": photos.photo_write_refusal(me, assist) is None,
        "drafts": drafts,
        "form": form,
        "reading": photo.reading in {BoardPhoto.Reading.WAITING, BoardPhoto.Reading.READING},
    }


@require_GET
@board_page
def photo_detail(request: HttpRequest, assist: PeerAssist, photo_id: int) -> HttpResponse:
    """One photo: "reading…" while its text is read, then the drafts to check and add."""
    photo = photos.access_board_photo(_actor(request), assist, photo_id)
    context = _photo_context(request, assist, photo)
    if request.headers.get("HX-Request") and request.GET.get("part") == "status":
        response = render(request, "assists/live/_photo_status.html", context)
        if not context["reading"]:
            response["HX-Refresh"] = "true"  # the drafts are in: show the whole page
        return response
    return render(request, "assists/live/photo.html", context)


@require_GET
@board_page
def photo_image(request: HttpRequest, assist: PeerAssist, photo_id: int) -> FileResponse:
    """The stored (metadata-free) image, only through the access check."""
    photo = photos.access_board_photo(_actor(request), assist, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@board_page
def photo_delete(request: HttpRequest, assist: PeerAssist, photo_id: int) -> HttpResponse:
    """Remove a photo (host team); back to the photos page with a message."""
    photos.board_photo_delete(actor=_actor(request), assist=assist, photo_id=photo_id)
    messages.success(request, "Photo removed.")
    return redirect("assists:photos", assist.pk)
