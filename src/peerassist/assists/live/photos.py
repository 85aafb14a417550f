"""Photos of flipcharts and paper notes, attached to a peer assist by the host team.

An upload is checked to be an image by decoding it with Pillow (never by its name or the
browser's word), turned upright, re-encoded without its EXIF data (GPS position, camera,
time) and stored under the data directory with a random name. Its text is then read in the
background (assists/live/ocr.py); the drafts wait for the note taker.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from PIL import Image, ImageOps, UnidentifiedImageError

from peerassist.accounts.actors import Actor
from peerassist.assists.lifecycle import BOARD_OPEN
from peerassist.assists.models import BoardPhoto, Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import HOST_TEAM, ensure_participant
from peerassist.core.errors import Forbidden, Invalid, NotFound

# Pillow's formats a phone camera or a scanner gives. MPO is what some phones call a JPEG.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "JPEG", "GIF": "PNG"}
# About 40 megapixels: more than any phone camera, far less than a decompression bomb.
MAX_PIXELS = 40_000_000
CAPTION_MAX = 200


class PhotoTooLarge(Invalid):
    """A photo over ``settings.MAX_UPLOAD_BYTES`` (sent as 413)."""

    status = 413
    code = "too_large"


def photo_limit_message(size: int | None = None) -> str:
    limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    got = f" This one is {size / (1024 * 1024):,.0f} MB." if size else ""
    return (
        f"The photo is too big: a photo can be at most {limit} MB.{got} Take it again at a "
        "lower resolution, or send a smaller copy (most phones offer one when sharing)."
    )


def photo_write_refusal(participant: Participant | None, assist: PeerAssist) -> Forbidden | None:
    """Why this participant may not add photos, or None: the host team, while the board is
    open (until the peer assist is closed)."""
    if participant is None or participant.role not in HOST_TEAM:
        return Forbidden(
            "Only the host team (the note taker, the facilitator and the host team members) "
            "can add photos to a peer assist.",
            code="not_host_team",
        )
    if assist.status not in BOARD_OPEN:
        return Forbidden(
            "This peer assist is closed: its photos are kept as a record.", code="session_closed"
        )
    return None


def _clean_image(upload: UploadedFile) -> tuple[bytes, str, int, int]:
    """The upload re-encoded without metadata: (bytes, content type, width, height)."""
    not_image = Invalid(
        "That file is not a photo we can read. Choose a JPEG or PNG image (a photo from a "
        "phone camera is fine).",
        code="not_an_image",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = FORMATS.get(image.format or "")
            if fmt is None:
                raise not_image
            if image.width * image.height > MAX_PIXELS:
                raise Invalid(
                    f"The photo is {image.width:,} × {image.height:,} pixels; at most "
                    f"{MAX_PIXELS // 1_000_000} megapixels can be read. Take it at a lower "
                    "resolution.",
                    code="too_many_pixels",
                )
            # Turn it the way the camera was held, then forget the EXIF that said so.
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise not_image from None
    out = io.BytesIO()
    upright.info = {}  # no EXIF, XMP, comments or text chunks go back in
    if fmt == "PNG":
        clean = upright if upright.mode in {"RGB", "RGBA", "L", "LA"} else upright.convert("RGBA")
        clean.save(out, format="PNG", optimize=False)
        content_type = "image/png"
    else:
        clean = upright.convert("RGB")
        clean.save(out, format="JPEG", quality=88)
        content_type = "image/jpeg"
    return out.getvalue(), content_type, clean.width, clean.height


@transaction.atomic
def board_photo_add(
    *, actor: Actor | None, assist: PeerAssist, upload: UploadedFile, caption: object = ""
) -> BoardPhoto:
    """Store a checked, metadata-free copy of the photo and queue the reading of its text."""
    participant = participant_of(actor, assist)
    refusal = photo_write_refusal(participant, assist)
    if refusal is not None:
        raise refusal
    if upload.size is None or upload.size > settings.MAX_UPLOAD_BYTES:
        raise PhotoTooLarge(photo_limit_message(upload.size))
    if upload.size == 0:
        raise Invalid("The file is empty. Take the photo again.", code="empty_file")
    text = " ".join(caption.split()) if isinstance(caption, str) else ""
    if len(text) > CAPTION_MAX:
        raise Invalid(f"A caption can be at most {CAPTION_MAX} characters.", code="too_long")
    data, content_type, width, height = _clean_image(upload)
    extension = ".png" if content_type == "image/png" else ".jpg"
    photo = BoardPhoto.objects.create(
        assist=assist,
        file=ContentFile(data, name=f"{uuid.uuid4().hex}{extension}"),
        original_name=PurePath(upload.name or "photo").name[:255],
        caption=text,
        content_type=content_type,
        width=width,
        height=height,
        size=len(data),
        uploaded_by=participant,
    )
    from peerassist.assists.live.ocr import board_photo_read_task

    transaction.on_commit(lambda: board_photo_read_task.enqueue(photo.pk))
    return photo


def board_photos(assist: PeerAssist) -> QuerySet[BoardPhoto]:
    """The peer assist's photos, oldest first, with who added them (one query)."""
    return BoardPhoto.objects.filter(assist=assist).select_related("uploaded_by")


def access_board_photo(actor: Actor | None, assist: PeerAssist, photo_id: object) -> BoardPhoto:
    """A photo of this peer assist, for anyone who may see the peer assist (the caller has
    checked that with ``access_peer_assist``)."""
    photo = (
        board_photos(assist).filter(pk=photo_id).first()
        if isinstance(photo_id, int) and not isinstance(photo_id, bool)
        else None
    )
    if photo is None:
        raise NotFound("No such photo in this peer assist.")
    return photo


def ensure_can_use_drafts(actor: Actor | None, assist: PeerAssist) -> Participant:
    """Drafts read from photos are for the host team, who turn them into notes."""
    participant = ensure_participant(participant_of(actor, assist))
    if participant.role not in HOST_TEAM:
        raise Forbidden(
            "Only the host team can turn a photo's text into notes.", code="not_host_team"
        )
    return participant


@transaction.atomic
def board_photo_delete(*, actor: Actor | None, assist: PeerAssist, photo_id: object) -> None:
    """Remove a photo and its file (the host team, while the peer assist is open): a photo
    that shows what it should not, such as a patient's name, must be able to go at once.
    Notes already made from its drafts stay; they were checked and confirmed one by one."""
    refusal = photo_write_refusal(participant_of(actor, assist), assist)
    if refusal is not None:
        raise refusal
    board_photos_remove([access_board_photo(actor, assist, photo_id)])


def board_photos_remove(photos: Iterable[BoardPhoto]) -> int:
    """Delete the photos' rows now and their files once the deletion commits (a rollback
    keeps both). Who may is the caller's check: the host team, or the retention run."""
    files = []
    removed = 0
    for photo in photos:
        if photo.file.name:
            files.append((photo.file.storage, photo.file.name))
        photo.delete()
        removed += 1

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return removed
