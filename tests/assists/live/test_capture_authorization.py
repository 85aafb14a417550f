"""Every fast-capture route, page and API, against every kind of person who must not use it:
nobody signed in, another organisation, a guest of another peer assist, a read-only role."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.models import BoardPhoto, Note, Participant, Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def api_writes(live: Live) -> list[tuple[str, dict[str, Any]]]:
    base = f"/api/v1/assists/{live.assist.pk}"
    line = {"client_id": str(uuid.uuid4()), "text": "A point"}
    return [
        (f"{base}/notes/bulk/preview", {"text": "A point"}),
        (f"{base}/notes/bulk", {"notes": [line]}),
        (f"{base}/speakers", {"name": "Sam Lee"}),
    ]


def api_reads(live: Live, photo_id: int) -> list[str]:
    base = f"/api/v1/assists/{live.assist.pk}"
    return [f"{base}/photos", f"{base}/photos/{photo_id}"]


def pages(live: Live, photo_id: int) -> list[tuple[str, str]]:
    base = f"/assists/{live.assist.pk}"
    return [
        ("get", f"{base}/board/bulk/"),
        ("post", f"{base}/board/bulk/preview/"),
        ("post", f"{base}/board/bulk/confirm/"),
        ("get", f"{base}/board/speakers/new/"),
        ("post", f"{base}/board/speakers/new/"),
        ("get", f"{base}/photos/"),
        ("post", f"{base}/photos/"),
        ("get", f"{base}/photos/{photo_id}/"),
        ("get", f"{base}/photos/{photo_id}/image"),
        ("post", f"{base}/photos/{photo_id}/delete/"),
    ]


@pytest.fixture
def photo(live: Live, django_capture_on_commit_callbacks: Any) -> BoardPhoto:
    live.set(phase=Phase.ASK)
    client = Client()
    client.force_login(live.note_taker)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/api/v1/assists/{live.assist.pk}/photos", {"file": png()})
    assert response.status_code == 201
    return BoardPhoto.objects.get()


def nothing_written(live: Live, participants: int) -> None:
    assert Note.objects.count() == 0
    assert BoardPhoto.objects.count() == 1
    assert Participant.objects.count() == participants


def test_nobody_signed_in_is_asked_to(live: Live, photo: BoardPhoto) -> None:
    api = ApiClient()
    api._csrf()
    before = Participant.objects.count()
    for path, body in api_writes(live):
        assert api.post(path, body).status_code == 401, path
    for path in api_reads(live, photo.pk):
        assert api.get(path).status_code == 401, path
    assert api.delete(f"/api/v1/assists/{live.assist.pk}/photos/{photo.pk}").status_code == 401
    assert api.client.post(
        f"/api/v1/assists/{live.assist.pk}/photos", {"file": png()}
    ).status_code in {401, 403}
    for method, path in pages(live, photo.pk):
        response = getattr(Client(), method)(path)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], path
    nothing_written(live, before)


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_another_organisation_or_peer_assist_gets_404_everywhere(
    live: Live, photo: BoardPhoto, outsider: Any, who: str
) -> None:
    api = ApiClient()
    api._csrf()
    client = Client()
    if who == "outsider":
        api.login(outsider)
        client.force_login(outsider)
    else:
        api.as_guest(live.other_guest)
        session = client.session
        session[GUEST_SESSION_KEY] = live.other_guest.pk
        session.save()
    before = Participant.objects.count()
    for path, body in api_writes(live):
        assert api.post(path, body).status_code == 404, path
    for path in api_reads(live, photo.pk):
        assert api.get(path).status_code == 404, path
    assert api.delete(f"/api/v1/assists/{live.assist.pk}/photos/{photo.pk}").status_code == 404
    for method, path in pages(live, photo.pk):
        assert getattr(client, method)(path).status_code == 404, path
    nothing_written(live, before)


def test_an_observer_reads_photos_but_writes_nothing(live: Live, photo: BoardPhoto) -> None:
    api = ApiClient()
    api._csrf()
    api.as_guest(live.observer)
    before = Participant.objects.count()
    codes = {}
    for path, body in api_writes(live):
        response = api.post(path, body)
        assert response.status_code == 403, path
        codes[path.rsplit("/", 1)[-1]] = response.json()["code"]
    assert codes == {"preview": "read_only", "bulk": "read_only", "speakers": "not_note_taker"}
    for path in api_reads(live, photo.pk):
        assert api.get(path).status_code == 200, path
    upload = api.client.post(
        f"/api/v1/assists/{live.assist.pk}/photos",
        {"file": png()},
        HTTP_X_CSRFTOKEN=api._csrf(),
    )
    assert upload.status_code == 403
    assert api.delete(f"/api/v1/assists/{live.assist.pk}/photos/{photo.pk}").status_code == 403
    nothing_written(live, before)


def test_ids_of_another_peer_assist_are_not_found(live: Live, photo: BoardPhoto) -> None:
    """A photo id is looked up inside the peer assist in the path only."""
    client = Client()
    client.force_login(live.facilitator)
    other = live.other_assist.pk
    assert client.get(f"/assists/{other}/photos/{photo.pk}/image").status_code == 404
    assert client.get(f"/api/v1/assists/{other}/photos/{photo.pk}").status_code == 404
