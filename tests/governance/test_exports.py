"""Subject access exports through the pages: ask, follow, download once; what is in the ZIP,
and what is not (another organisation's data); bad input; expiry; the audit log."""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from peerassist.assists.models import BoardPhoto, Participant
from peerassist.audit.models import AuditEntry
from peerassist.governance.exports import export_dir, exports_expire
from peerassist.governance.models import SubjectAccessExport
from tests.factories import GuestFactory, ParticipantFactory
from tests.governance.conftest import World, signed_in

pytestmark = pytest.mark.django_db

Status = SubjectAccessExport.Status


def ask(world: World, ref: str, capture: Any, admin: Any = None) -> Any:
    """Post the export request as an administrator, running the task on commit."""
    with capture(execute=True):
        return signed_in(admin or world.admin).post("/governance/exports/", {"person": ref})


def unzip(response: Any) -> dict[str, str]:
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_an_admin_finds_a_person_asks_for_an_export_and_downloads_it_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Search finds the person; the export is built, shown as ready at 100%, downloaded once
    as a ZIP of JSON and CSV; a second try is 410 and the file is gone from disk."""
    admin = signed_in(world.admin)
    found = admin.get("/governance/exports/", {"q": "priya"}).content.decode()
    assert "Priya Person" in found and f'value="user:{world.person.pk}"' in found

    answer = ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/governance/exports/{export.pk}/"

    page = admin.get(answer["Location"]).content.decode()
    assert "Ready to download" in page and 'role="status"' in page
    status = admin.get(f"/governance/exports/{export.pk}/status.json").json()
    assert status["status"] == "ready" and status["percent"] == 100
    assert status["can_download"] is True and status["finished"] is True
    assert status["steps_done"] == status["steps_total"] == 12

    export.refresh_from_db()
    path = export_dir() / export.file_name
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Path(settings.DATA_DIR) / "private" in path.parents

    response = admin.post(f"/governance/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unzip(response)
    assert not path.exists()
    assert {"everything.json", "README.txt", "notes.csv", "audit_entries.csv"} <= set(files)
    everything = json.loads(files["everything.json"])
    assert everything["account"][0]["email"] == "priya@northmoor.example"
    assert [m["role"] for m in everything["memberships"]] == ["Member"]
    assert [n["text"] for n in everything["notes"]] == ["Book the quiet room early"]
    assert everything["votes"][0]["dots"] == 2
    assert everything["cfir_codes"][0]["description"] == "Space is short"
    assert everything["actions"][0]["text"] == "Ask estates for a room"
    assert everything["lessons"][0]["title"] == "Rooms go fast"
    assert everything["participations"][0]["role"] == "Host lead"
    audit = {e["what"]: e for e in everything["audit_entries"]}
    assert audit["note.created"]["by_them"] is True and audit["note.created"]["from"] == "Web page"
    assert "participant.created" in audit and "membership.created" in audit
    notes_csv = list(csv.DictReader(io.StringIO(files["notes.csv"])))
    assert notes_csv[0]["text"] == "Book the quiet room early"

    again = admin.post(f"/governance/exports/{export.pk}/download/")
    assert again.status_code == 410
    assert "already been downloaded" in again.content.decode()
    kinds = list(
        AuditEntry.objects.filter(kind__startswith="subject_access").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["subject_access.downloaded", "subject_access.requested"]
    assert AuditEntry.objects.filter(
        kind="subject_access.requested",
        subject_user_id=world.person.pk,
        actor_user_id=world.admin.pk,
    ).exists()


def test_another_admin_of_the_same_organisation_cannot_download_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A colleague administrator sees the export but gets a 403 with the reason; the file
    stays for the administrator who asked."""
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    colleague = signed_in(world.second_admin)
    page = colleague.get(f"/governance/exports/{export.pk}/").content.decode()
    assert "Only Ada Admin, who asked for it" in page
    assert (
        colleague.get(f"/governance/exports/{export.pk}/status.json").json()["can_download"]
        is False
    )
    refused = colleague.post(f"/governance/exports/{export.pk}/download/")
    assert refused.status_code == 403
    assert "Only the administrator who asked" in refused.content.decode()
    assert (
        signed_in(world.admin).post(f"/governance/exports/{export.pk}/download/").status_code == 200
    )


def test_the_export_holds_only_what_the_organisation_holds(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The person also took part in another organisation's peer assist: neither export
    shows the other organisation's notes, memberships, peer assists or audit entries."""
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    ours = unzip(
        signed_in(world.admin).post(
            f"/governance/exports/{SubjectAccessExport.objects.get().pk}/download/"
        )
    )
    everything = "\n".join(ours.values())
    assert "Book the quiet room early" in everything
    for secret in ("Council secret plan", "Council peer assist", world.other_org.name):
        assert secret not in everything

    # The other organisation holds them as a visitor to its peer assist.
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks, world.other_admin)
    theirs_export = SubjectAccessExport.objects.get(organisation=world.other_org)
    theirs = unzip(
        signed_in(world.other_admin).post(f"/governance/exports/{theirs_export.pk}/download/")
    )
    everything = "\n".join(theirs.values())
    assert "Council secret plan" in everything
    data = json.loads(theirs["everything.json"])
    assert data["memberships"] == [] and data["lessons"] == [] and data["actions"] == []
    for secret in (
        "Book the quiet room early",
        "Recovery peer assist",
        world.org.name,
        "Rooms go fast",
    ):
        assert secret not in everything


def test_a_guest_export_has_their_invitation_and_notes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ask(world, f"guest:{world.guest.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    data = json.loads(
        unzip(signed_in(world.admin).post(f"/governance/exports/{export.pk}/download/"))[
            "everything.json"
        ]
    )
    assert data["account"][0]["name"] == "Gil Guest"
    assert [n["text"] for n in data["notes"]] == ["We used the chapel"]
    assert any(row["role"] == "Guest" for row in data["invitations"])


@pytest.mark.parametrize(
    "ref",
    ["user:999999", "guest:999999", "nonsense", "", "user:-3", "user:99999999999999999999999"],
)
def test_unknown_people_get_a_clear_message_and_no_export(world: World, ref: str) -> None:
    answer = signed_in(world.admin).post("/governance/exports/", {"person": ref})
    assert answer.status_code == 400
    assert "holds nobody by that reference" in answer.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_a_person_of_another_organisation_looks_unknown(world: World) -> None:
    """Another organisation's member, or its guest, is refused like an unknown id."""
    stranger = GuestFactory(organisation=world.other_org, name="Stella Stranger")
    for ref in (f"user:{world.other_admin.pk}", f"guest:{stranger.pk}"):
        answer = signed_in(world.admin).post("/governance/exports/", {"person": ref})
        assert answer.status_code == 400
        assert "holds nobody by that reference" in answer.content.decode()
    found = signed_in(world.admin).get("/governance/exports/", {"q": "Stella"}).content.decode()
    assert "Stella Stranger" not in found and "Nobody in" in found
    assert not SubjectAccessExport.objects.exists()


def test_progress_is_shown_while_the_worker_has_not_started(world: World) -> None:
    """Without the worker (on_commit not run) the page and the JSON say it is waiting."""
    admin = signed_in(world.admin)
    admin.post("/governance/exports/", {"person": f"user:{world.person.pk}"})
    export = SubjectAccessExport.objects.get()
    status = admin.get(f"/governance/exports/{export.pk}/status.json").json()
    assert status == {
        "status": "queued",
        "label": "Waiting for the task worker",
        "step": "Waiting for the task worker",
        "steps_done": 0,
        "steps_total": 12,
        "percent": 0,
        "finished": False,
        "can_download": False,
        "expires_at": None,
    }
    page = admin.get(f"/governance/exports/{export.pk}/").content.decode()
    assert 'aria-live="polite"' in page and "step 0 of 12" in page and "Check again" in page
    early = admin.post(f"/governance/exports/{export.pk}/download/")
    assert early.status_code == 409 and "still being built" in early.content.decode()


def test_an_export_expires_after_a_day_and_its_file_goes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    path = export_dir() / export.file_name
    stray = export_dir() / "left-behind.zip"
    stray.write_bytes(b"old")
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert exports_expire() == 1
    assert not path.exists() and not stray.exists()
    answer = signed_in(world.admin).post(f"/governance/exports/{export.pk}/download/")
    assert answer.status_code == 410 and "expired" in answer.content.decode()
    assert (
        "expired a day after"
        in signed_in(world.admin).get(f"/governance/exports/{export.pk}/").content.decode()
    )


def test_an_expired_export_is_refused_even_before_the_daily_job(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    answer = signed_in(world.admin).post(f"/governance/exports/{export.pk}/download/")
    assert answer.status_code == 410
    assert not (export_dir() / export.file_name).exists()


def test_a_build_that_fails_says_so_and_leaves_no_file(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section that breaks (here: a full disk) marks the export failed; the page and the
    JSON say so, the download is 410, and no half-written ZIP stays on disk."""
    from peerassist.governance import exports

    def broken(subject: Any) -> list[dict[str, Any]]:
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "SECTIONS", [*exports.SECTIONS[:3], ("x", "Broken", broken)])
    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    assert export.status == Status.FAILED and "No space left" in export.error
    assert list(export_dir().glob("*.zip")) == []
    admin = signed_in(world.admin)
    status = admin.get(f"/governance/exports/{export.pk}/status.json").json()
    assert status["status"] == "failed" and status["finished"] is True
    assert "could not be built" in admin.get(f"/governance/exports/{export.pk}/").content.decode()
    assert admin.post(f"/governance/exports/{export.pk}/download/").status_code == 410


def photo_by(participant: Participant, name: str, content: bytes) -> BoardPhoto:
    photo = BoardPhoto(
        assist=participant.assist,
        original_name=name,
        caption=f"Flipchart {name}",
        content_type="image/png",
        width=4,
        height=3,
        size=len(content),
        uploaded_by=participant,
        read_text=f"Text read from {name}",
        reading=BoardPhoto.Reading.DONE,
    )
    photo.file.save(name, ContentFile(content), save=True)
    return photo


def test_the_photos_a_person_took_are_in_their_export_with_their_images(
    world: World, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Photos the person added to this organisation's boards are listed, with the text read
    from them, and their images are in the ZIP byte for byte; a colleague's photo on the same
    board and the person's own photo on another organisation's board are not. A photo whose
    file has gone from the disk is still listed and the README says its image is missing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    mine = Participant.objects.get(assist=world.assist, user=world.person)
    colleague = ParticipantFactory(assist=world.assist)
    theirs = Participant.objects.get(assist=world.other_assist, user=world.person)
    kept = photo_by(mine, "wall.png", b"\x89PNG mine")
    gone = photo_by(mine, "lost.png", b"\x89PNG lost")
    photo_by(colleague, "colleague.png", b"\x89PNG colleague")
    photo_by(theirs, "council.png", b"\x89PNG council")
    Path(gone.file.path).unlink()

    ask(world, f"user:{world.person.pk}", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    assert export.status == Status.READY
    response = signed_in(world.admin).post(f"/governance/exports/{export.pk}/download/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = set(archive.namelist())
        assert archive.read(f"board_photos/photo-{kept.pk}.png") == b"\x89PNG mine"
        rows = list(
            csv.DictReader(io.StringIO(archive.read("board_photos.csv").decode("utf-8-sig")))
        )
        readme = archive.read("README.txt").decode()
        everything = archive.read("everything.json").decode()
    assert [(r["caption"], r["text_read_from_it"]) for r in rows] == [
        ("Flipchart wall.png", "Text read from wall.png"),
        ("Flipchart lost.png", "Text read from lost.png"),
    ]
    assert rows[0]["peer_assist"] == "Recovery peer assist"
    assert {n for n in names if n.startswith("board_photos/")} == {
        f"board_photos/photo-{kept.pk}.png"
    }
    assert "board_photos.csv: 2 rows" in readme and "account.csv: 1 row\n" in readme
    assert f"board_photos/photo-{gone.pk}.png" in readme.split("could no longer be found")[1]
    for secret in ("colleague.png", "council.png"):
        assert secret not in everything and secret not in readme


def test_an_export_of_someone_who_took_no_photos_has_no_photo_folder(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ask(world, f"guest:{world.guest.pk}", django_capture_on_commit_callbacks)
    files = unzip(
        signed_in(world.admin).post(
            f"/governance/exports/{SubjectAccessExport.objects.get().pk}/download/"
        )
    )
    assert files["board_photos.csv"].strip() == "none"
    assert not any(name.startswith("board_photos/") for name in files)
    assert "board_photos.csv: 0 rows" in files["README.txt"]
