"""Every export survives every control character that text in the database can hold.

Older rows, imports and the SQLite engine can hold ESC, NUL, form feeds and the C1 controls;
spreadsheets refuse most of them. Each export must still download, open and keep the text.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from peerassist.analysis.models import Action, Theme
from peerassist.assists.models import Note
from peerassist.lessons.models import Lesson
from tests.conftest import using_postgres
from tests.factories import LessonFactory
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db


def controls() -> str:
    """Every C0 control, DEL and the C1 controls (NUL only where the database can hold it)."""
    codes = [*range(0x20), 0x7F, *range(0x80, 0xA0)]
    if using_postgres():
        codes.remove(0)
    return "".join(chr(c) for c in codes)


@pytest.fixture
def hostile(session: Session) -> Session:
    text = f"Before{controls()}after"
    Note.objects.filter(pk=session.notes[0].pk).update(text=text)
    Theme.objects.filter(pk=session.themes[0].pk).update(title=text[:200])
    Action.objects.filter(pk=session.actions[0].pk).update(text=text)
    LessonFactory(
        organisation=session.assist.organisation,
        title=text[:200],
        lesson=text,
        author=session.host,
        status=Lesson.Status.APPROVED,
    )
    return session


@pytest.fixture
def host(hostile: Session) -> Client:
    client = Client()
    client.force_login(hostile.host)
    return client


def get(client: Client, path: str) -> bytes:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    if hasattr(answer, "streaming_content"):
        return b"".join(answer.streaming_content)
    return bytes(answer.content)


def test_the_workbook_opens_and_keeps_the_words(hostile: Session, host: Client) -> None:
    book = load_workbook(io.BytesIO(get(host, f"/reports/assists/{hostile.assist.pk}/report.xlsx")))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(c.startswith("Before") and c.endswith("after") for c in cells)


@pytest.mark.parametrize("table", ["notes", "themes", "actions"])
def test_each_csv_table_parses(hostile: Session, host: Client, table: str) -> None:
    body = get(host, f"/reports/assists/{hostile.assist.pk}/{table}.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert any("Before" in cell and "after" in cell for row in rows for cell in row)
    assert "\x1b" not in body and "\x00" not in body


def test_markdown_and_pdf_download(hostile: Session, host: Client) -> None:
    markdown = get(host, f"/reports/assists/{hostile.assist.pk}/report.md").decode()
    assert "Before" in markdown and "\x1b" not in markdown
    assert get(host, f"/reports/assists/{hostile.assist.pk}/report.pdf").startswith(b"%PDF")


def test_lessons_csv_parses(hostile: Session, host: Client) -> None:
    body = get(host, "/lessons/export.csv").decode("utf-8-sig")
    assert any("Before" in cell for row in csv.reader(io.StringIO(body)) for cell in row)
    assert "\x1b" not in body


@pytest.mark.parametrize("which", ["mine", "project"])
def test_calendars_parse(hostile: Session, host: Client, which: str) -> None:
    path = (
        reverse("followup:actions_ics_mine")
        if which == "mine"
        else reverse("followup:project_actions_ics", args=[hostile.assist.project_id])
    )
    calendar = Calendar.from_ical(get(host, path))
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert any("Before" in s for s in summaries)
    assert not any("\x1b" in s for s in summaries)
