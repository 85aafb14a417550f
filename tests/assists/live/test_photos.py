"""Photos of flipcharts: upload checks, EXIF stripped, who may add and see them, and the text
read back by Tesseract as draft notes that nothing posts by itself."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw, ImageFont

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.models import BoardPhoto, Note, Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient, missing_service

pytestmark = pytest.mark.django_db

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FLIPCHART = [
    "Book protected time for training",
    "Ask pharmacy to join early",
    "Share the rota with the matrons",
]


def drawn_text(lines: list[str], fmt: str = "PNG", **save: Any) -> bytes:
    """A white "flipchart" with the lines printed large and clear, as a camera might see it."""
    if not FONT.exists():
        missing_service(f"the DejaVu font is missing at {FONT} (apt-get install fonts-dejavu-core)")
    font = ImageFont.truetype(str(FONT), 56)
    image = Image.new("RGB", (1600, 140 * len(lines) + 160), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 80 + 140 * row), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (400, 300), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def client_for(live: Live, who: str) -> Client:
    client = Client()
    actor = getattr(live, who)
    if who in {"visitor", "visitor2", "observer", "other_guest"}:
        session = client.session
        session[GUEST_SESSION_KEY] = actor.pk
        session.save()
    else:
        client.force_login(actor)
    return client


def api_url(live: Live, tail: str = "photos") -> str:
    return f"/api/v1/assists/{live.assist.pk}/{tail}"


def needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        missing_service("tesseract is not installed (apt-get install tesseract-ocr)")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def stored_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]


def test_the_note_taker_adds_a_photo_and_its_metadata_is_gone(
    live: Live, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """A JPEG with GPS EXIF is stored under a random name, without any EXIF."""
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            api_url(live),
            {"file": upload("IMG_0042.jpg", jpeg_with_gps(), "image/jpeg"), "caption": "Wall"},
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == "IMG_0042.jpg"
    assert body["caption"] == "Wall"
    assert body["reading"] == "waiting"
    assert (body["width"], body["height"]) == (400, 300)
    photo = BoardPhoto.objects.get()
    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.file.name)
    with Image.open(photo.file.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
    image = client.get(body["url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused(live: Live, tmp_path: Path) -> None:
    """A text file named .jpg: 400 with a message, nothing stored."""
    live.set(phase=Phase.ASK)
    response = client_for(live, "note_taker").post(
        api_url(live), {"file": upload("notes.jpg", b"not a photo at all", "image/jpeg")}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"
    assert "JPEG or PNG" in response.json()["detail"]
    assert BoardPhoto.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_a_50_mb_photo_is_refused_with_the_limit(live: Live, tmp_path: Path) -> None:
    """413 with the 10 MB limit and what to do instead; nothing stored."""
    live.set(phase=Phase.ASK)
    big = upload("huge.jpg", b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024), "image/jpeg")
    response = client_for(live, "note_taker").post(api_url(live), {"file": big})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "at most 10 MB" in response.json()["detail"]
    assert "This one is 50 MB" in response.json()["detail"]
    assert BoardPhoto.objects.count() == 0
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize(("who", "status"), [("visitor", 403), ("observer", 403)])
def test_only_the_host_team_adds_photos(live: Live, who: str, status: int) -> None:
    live.set(phase=Phase.ASK)
    response = client_for(live, who).post(
        api_url(live), {"file": upload("chart.png", drawn_text(["Hello there"]))}
    )
    assert response.status_code == status
    assert response.json()["code"] == "not_host_team"
    assert BoardPhoto.objects.count() == 0


def test_other_organisations_see_no_photos(
    live: Live, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    live.set(phase=Phase.ASK)
    with django_capture_on_commit_callbacks(execute=False):
        created = client_for(live, "note_taker").post(
            api_url(live), {"file": upload("chart.png", drawn_text(["Hello there"]))}
        )
    photo_id = created.json()["id"]
    other = Client()
    other.force_login(outsider)
    for path in (
        api_url(live),
        api_url(live, f"photos/{photo_id}"),
        f"/assists/{live.assist.pk}/photos/{photo_id}/image",
        f"/assists/{live.assist.pk}/photos/{photo_id}/",
    ):
        assert other.get(path).status_code == 404, path
    guest = client_for(live, "other_guest")
    assert guest.get(f"/assists/{live.assist.pk}/photos/{photo_id}/image").status_code == 404
    # The visitor of this peer assist may look at it.
    assert client_for(live, "visitor").get(created.json()["url"]).status_code == 200


def test_printed_text_is_read_back_as_draft_notes_that_wait_for_the_note_taker(
    live: Live, django_capture_on_commit_callbacks: Any
) -> None:
    """Tesseract reads the lines drawn on the photo; they are drafts, no note is posted until
    the note taker previews and confirms them, and confirming twice adds them once."""
    needs_tesseract()
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/assists/{live.assist.pk}/photos/",
            {"photo": upload("flipchart.png", drawn_text(FLIPCHART)), "caption": "Barriers"},
        )
    assert response.status_code == 302
    photo = BoardPhoto.objects.get()
    assert response["Location"] == f"/assists/{live.assist.pk}/photos/{photo.pk}/"
    detail = client.get(api_url(live, f"photos/{photo.pk}")).json()
    assert detail["reading"] == "done", detail
    assert [d.lower() for d in detail["drafts"]] == [line.lower() for line in FLIPCHART]
    assert Note.objects.count() == 0  # nothing posted by itself

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "3 lines read from the photo" in html
    assert "Book protected time for training" in html
    assert "Preview the draft notes" in html

    preview = client.post(
        f"/assists/{live.assist.pk}/board/bulk/preview/",
        {"text": "\n".join(detail["drafts"]), "kind": "insight", "batch": detail["drafts_batch"]},
    )
    assert preview.status_code == 200
    assert "Check 3 notes" in preview.content.decode()
    confirm_body = {
        "batch": detail["drafts_batch"],
        "kind": "insight",
        "count": "3",
        **{f"text-{i}": text for i, text in enumerate(detail["drafts"], start=1)},
    }
    first = client.post(f"/assists/{live.assist.pk}/board/bulk/confirm/", confirm_body)
    assert first.status_code == 302
    again = client.post(f"/assists/{live.assist.pk}/board/bulk/confirm/", confirm_body)
    assert again.status_code == 302
    assert Note.objects.count() == 3


def test_a_photo_with_no_text_says_so(live: Live, django_capture_on_commit_callbacks: Any) -> None:
    needs_tesseract()
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    blank = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(blank, format="PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/assists/{live.assist.pk}/photos/", {"photo": upload("blank.png", blank.getvalue())}
        )
    photo = BoardPhoto.objects.get()
    assert photo.reading == BoardPhoto.Reading.EMPTY
    html = client.get(response["Location"]).content.decode()
    assert "No text could be read on this photo" in html
    assert "Preview the draft notes" not in html
    assert Note.objects.count() == 0


def test_upload_page_refusals_show_on_the_form(live: Live) -> None:
    """Without JavaScript: a non-image re-shows the form with the message (400)."""
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    page = client.get(f"/assists/{live.assist.pk}/photos/")
    html = page.content.decode()
    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    response = client.post(
        f"/assists/{live.assist.pk}/photos/", {"photo": upload("x.png", b"plain text")}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "not a photo we can read" in response.content.decode()
    assert BoardPhoto.objects.count() == 0
    visitor_page = client_for(live, "visitor").get(f"/assists/{live.assist.pk}/photos/")
    assert visitor_page.status_code == 200
    assert "Add photo" not in visitor_page.content.decode()


def test_photos_show_in_analysis_and_in_the_report(
    live: Live, django_capture_on_commit_callbacks: Any
) -> None:
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            api_url(live),
            {"file": upload("chart.png", drawn_text(["Hi"])), "caption": "Wall of barriers"},
        )
    photo = BoardPhoto.objects.get()
    image_url = f"/assists/{live.assist.pk}/photos/{photo.pk}/image"
    host = client_for(live, "host_lead")
    analysis = host.get(f"/analysis/assists/{live.assist.pk}/analysis/").content.decode()
    assert image_url in analysis
    assert "Wall of barriers" in analysis
    report = host.get(f"/reports/assists/{live.assist.pk}/").content.decode()
    assert image_url in report
    assert "Wall of barriers" in report


def test_api_upload_without_a_file_is_refused(api: ApiClient, live: Live) -> None:
    live.set(phase=Phase.ASK)
    api._csrf()
    response = api.login(live.note_taker).post(api_url(live), {})
    assert response.status_code == 400
    assert response.json()["code"] == "no_file"


def test_while_the_text_is_read_the_page_says_so_and_polls(
    live: Live, django_capture_on_commit_callbacks: Any
) -> None:
    """Before the worker has read the photo: "Reading the text…", a status part that htmx
    polls, and a full refresh once the drafts are in."""
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/assists/{live.assist.pk}/photos/", {"photo": upload("c.png", drawn_text(["Hi"]))}
        )
    html = client.get(response["Location"]).content.decode()
    assert "Reading the text…" in html
    assert 'hx-trigger="every 2s"' in html
    status_url = response["Location"] + "?part=status"
    part = client.get(status_url, HTTP_HX_REQUEST="true")
    assert "Reading the text…" in part.content.decode()
    assert "HX-Refresh" not in part
    BoardPhoto.objects.update(reading=BoardPhoto.Reading.DONE, read_text="Hi there")
    done = client.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_the_host_team_removes_a_photo_and_its_file(
    live: Live, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """A photo that shows what it should not goes at once, file and all; visitors cannot."""
    live.set(phase=Phase.ASK)
    with django_capture_on_commit_callbacks(execute=False):
        created = client_for(live, "note_taker").post(
            api_url(live), {"file": upload("c.png", drawn_text(["Hi"]))}
        )
    photo_id = created.json()["id"]
    assert len(stored_files(tmp_path)) == 1
    refused = client_for(live, "visitor").post(
        f"/assists/{live.assist.pk}/photos/{photo_id}/delete/"
    )
    assert refused.status_code == 403
    page = client_for(live, "host_lead").get(f"/assists/{live.assist.pk}/photos/{photo_id}/")
    assert "Remove this photo" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        removed = client_for(live, "host_lead").post(
            f"/assists/{live.assist.pk}/photos/{photo_id}/delete/"
        )
    assert removed.status_code == 302
    assert BoardPhoto.objects.count() == 0
    assert stored_files(tmp_path) == []
    again = client_for(live, "host_lead").post(
        f"/assists/{live.assist.pk}/photos/{photo_id}/delete/"
    )
    assert again.status_code == 404


def test_api_delete_of_a_photo(
    api: ApiClient, live: Live, django_capture_on_commit_callbacks: Any
) -> None:
    live.set(phase=Phase.ASK)
    with django_capture_on_commit_callbacks(execute=False):
        created = client_for(live, "note_taker").post(
            api_url(live), {"file": upload("c.png", drawn_text(["Hi"]))}
        )
    api._csrf()
    api.as_guest(live.visitor)
    assert api.delete(api_url(live, f"photos/{created.json()['id']}")).status_code == 403
    api.login(live.note_taker)
    assert api.delete(api_url(live, f"photos/{created.json()['id']}")).status_code == 204
    assert BoardPhoto.objects.count() == 0
