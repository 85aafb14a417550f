"""Reading the text on a photo with Tesseract (Debian's ``tesseract-ocr``), in the task worker.

Tesseract runs as a separate program, started with a timeout and one thread, so a hard photo
cannot hold a web request or take both cores of a small server. What it reads is kept as
draft lines on the photo; the note taker reviews them in the bulk preview and confirms or
corrects each one. Nothing read from a photo is posted by itself (ADR 0012).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from PIL import Image, ImageOps

from peerassist.assists.models import BoardPhoto

log = logging.getLogger(__name__)

TESSERACT = os.environ.get("PEERASSIST_TESSERACT", "tesseract")
TIMEOUT_SECONDS = int(os.environ.get("PEERASSIST_OCR_TIMEOUT", "90"))
# Tesseract reads best when letters are 20-40 pixels high; a photo wider than this is
# shrunk first (faster, and no worse for flipchart writing).
MAX_SIDE = 3000
# A line needs this many letters or digits to be a draft note, not a smudge read as "~ ,".
MIN_WORD_CHARS = 3

Reading = BoardPhoto.Reading


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed on this server."""


def tesseract_path() -> str | None:
    return shutil.which(TESSERACT)


def ocr_read_image(path: Path) -> str:
    """The text Tesseract reads in the image at ``path`` (English), or raises.

    The image is made grey and upright first; ``OMP_THREAD_LIMIT=1`` keeps Tesseract to one
    core, which on short texts is also faster than its default of all of them.
    """
    program = tesseract_path()
    if program is None:
        raise OcrUnavailable("tesseract is not installed")
    with tempfile.TemporaryDirectory(prefix="peerassist-ocr-") as work:
        prepared = Path(work) / "page.png"
        with Image.open(path) as image:
            grey = ImageOps.grayscale(ImageOps.exif_transpose(image))
            grey.thumbnail((MAX_SIDE, MAX_SIDE))
            grey.save(prepared)
        result = subprocess.run(
            [program, str(prepared), "stdout", "-l", "eng", "--psm", "3"],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip()[:500])
    return result.stdout.decode("utf-8", "replace")


def draft_lines(text: str) -> list[str]:
    """Tesseract's lines that look like writing, tidied: one draft note each."""
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.replace("\x0c", " ").split())
        if len(re.findall(r"[^\W_]", line)) >= MIN_WORD_CHARS:
            lines.append(line)
    return lines


def _set(photo: BoardPhoto, **fields: object) -> None:
    for name, value in fields.items():
        setattr(photo, name, value)
    photo.save(update_fields=[*fields, "updated_at"])


def board_photo_read(*, photo_id: int) -> BoardPhoto | None:
    """Read one photo's text into draft lines, recording how it went on the photo."""
    with transaction.atomic():
        photo = BoardPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.reading == Reading.READING:
            return photo
        _set(photo, reading=Reading.READING, reading_error="")
    try:
        text = ocr_read_image(Path(photo.file.path))
    except OcrUnavailable:
        _set(
            photo,
            reading=Reading.FAILED,
            reading_error=(
                "Text reading is not installed on this server, so the photo's text was not "
                "read. The photo is kept; type its notes with “Paste many notes”."
            ),
            read_at=timezone.now(),
        )
        return photo
    except (subprocess.TimeoutExpired, RuntimeError, OSError) as error:
        log.warning("Reading the text of photo %s failed: %s", photo_id, error)
        _set(
            photo,
            reading=Reading.FAILED,
            reading_error=(
                "The photo's text could not be read (it took too long or the image could not "
                "be opened). The photo is kept; type its notes with “Paste many notes”."
            ),
            read_at=timezone.now(),
        )
        return photo
    lines = draft_lines(text)
    _set(
        photo,
        reading=Reading.DONE if lines else Reading.EMPTY,
        read_text="\n".join(lines),
        read_at=timezone.now(),
    )
    return photo


@task()
def board_photo_read_task(photo_id: int) -> None:
    """Queued when a photo is added (``board_photo_add``)."""
    board_photo_read(photo_id=photo_id)
