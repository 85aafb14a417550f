"""What the session report says, as a page, PDF, Markdown, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from peerassist.reports.exports import cell_safe
from tests.followup.session_fixtures import Session, build_session

pytestmark = pytest.mark.django_db


def _page(client, session: Session, suffix: str = "") -> bytes:
    client.force_login(session.host)
    response = client.get(f"/reports/assists/{session.assist.pk}/{suffix}")
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_page_shows_every_live_note_including_ungrouped_and_leaves_hidden_out(
    client, session: Session
) -> None:
    """Every live note appears (also those in no theme); hidden and deleted notes do not."""
    html = _page(client, session).decode()
    for note in session.notes:
        assert note.text.replace('"', "&quot;") in html, note.text
    assert "Not in a theme" in html
    assert "A rude remark" not in html
    assert "Deleted thought" not in html
    assert "1 note hidden by the facilitator is not included" in html


def test_page_shows_purpose_needs_people_themes_votes_codes_actions_takeaways(
    client, session: Session
) -> None:
    """The report holds each part of the session, with vote totals once voting closed."""
    html = _page(client, session).decode()
    for text in [
        "Learn from a team that has done it.",
        "How did you keep staff on board?",
        "Which clinic first",
        "Host lead",
        "Vera Visitor",
        "Eastbridge Council",
        "Staff engagement",
        "Prescribing",
        "3 votes, rank 1",
        "-2 strong barrier",
        "Inner Setting",
        "Agree a prescribing protocol with pharmacy",
        "(overdue)",
        "Start with one clinic.",
        "Thank you all for your time.",
        "Enablers and barriers by CFIR 2.0 domain",
        '<svg xmlns="http://www.w3.org/2000/svg" class="pa-chart" role="img"',
    ]:
        assert text in html, text


def test_chart_table_counts_each_determinant_once_per_domain(client, session: Session) -> None:
    """Inner Setting has one strong barrier and one enabler; Outer Setting one strong barrier."""
    html = _page(client, session).decode()
    rows = dict(
        re.findall(
            r'<th scope="row" class="nhsuk-table__header">([^<]+)</th>'
            r"((?:\s*<td[^>]*>\d+</td>){5})",
            html,
        )
    )
    numbers = {k: re.findall(r">(\d+)<", v) for k, v in rows.items()}
    assert numbers["Inner Setting"] == ["1", "0", "0", "1", "0"]
    assert numbers["Outer Setting"] == ["1", "0", "0", "0", "0"]
    assert numbers["Innovation"] == ["0", "0", "0", "0", "0"]


def test_anonymous_note_never_carries_a_name(client, session: Session) -> None:
    """A note written anonymously shows "Anonymous", not its author."""
    html = _page(client, session).decode()
    line = html.split("Managers ignored the pilot data", 1)[1].split("</li>", 1)[0]
    assert "Anonymous" in line
    assert "Vera" not in line


def test_anonymous_mode_hides_every_name_on_notes_and_takeaways(client, org) -> None:
    """In anonymous mode no note or take-away names anybody."""
    session = build_session(org, anonymous=True)
    html = _page(client, session).decode()
    notes_part = html.split('id="report-notes"', 1)[1].split('id="report-themes"', 1)[0]
    assert "Vera Visitor" not in notes_part and "Victor Visitor" not in notes_part
    close_part = html.split('id="report-close"', 1)[1]
    assert "Start with one clinic." in close_part
    assert "Vera Visitor" not in close_part


def test_report_text_is_escaped(client, org) -> None:
    """A note with markup is shown as text, never run."""
    session = build_session(org, notes=1)
    session.notes[0].text = "<script>alert(1)</script>"
    session.notes[0].save()
    html = _page(client, session).decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pdf_parsed_back_contains_every_note(client, session: Session) -> None:
    """The PDF's text holds every live note and not the hidden one."""
    pdf = _page(client, session, "report.pdf")
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    for note in session.notes:
        assert " ".join(note.text.split()) in flat, note.text
    assert "A rude remark" not in flat
    assert "Staff engagement" in flat


def test_markdown_holds_every_note_with_markdown_escaped(client, session: Session) -> None:
    """The Markdown lists every note; characters that mean something in Markdown are escaped."""
    text = _page(client, session, "report.md").decode()
    assert text.startswith("# Peer assist report: HAT peer assist")
    for i in range(6):
        assert f"Insight number {i}: keep the team close" in text
    assert '\\=HYPERLINK("http://evil.example")' in text
    assert "| Inner Setting | 1 | 0 | 0 | 1 | 0 |" in text
    assert "A rude remark" not in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# Not a heading", "\\# Not a heading"),
        ("1. Not a list", "1\\. Not a list"),
        ("<b>bold</b> and *stars*", "\\<b\\>bold\\</b\\> and \\*stars\\*"),
        ("Nurse-led care. Fine!", "Nurse-led care. Fine!"),
    ],
)
def test_markdown_keeps_note_text_literal(client, org, raw: str, escaped: str) -> None:
    """Markdown syntax and HTML in a note stay literal text; ordinary prose is untouched."""
    session = build_session(org, notes=1)
    session.notes[0].text = raw
    session.notes[0].save()
    assert escaped in _page(client, session, "report.md").decode()


def test_csv_tables_hold_the_rows_and_neutralise_formulas(client, session: Session) -> None:
    """Notes, themes and actions download as CSV; cells starting = + - @ are made inert."""
    notes = _page(client, session, "notes.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(notes)))
    assert rows[0] == ["Ref", "Note", "Kind", "Learning need", "Theme", "By"]
    texts = [r[1] for r in rows[1:]]
    assert len(texts) == len(session.notes)
    assert '\'=HYPERLINK("http://evil.example")' in texts
    actions = list(
        csv.reader(io.StringIO(_page(client, session, "actions.csv").decode("utf-8-sig")))
    )
    assert "'+Run a staff briefing" in [r[1] for r in actions]
    themes = list(csv.reader(io.StringIO(_page(client, session, "themes.csv").decode("utf-8-sig"))))
    assert [r[1] for r in themes[1:]] == ["Prescribing", "Staff engagement", "Not in a theme"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cell_safe_prefixes_formula_starts(value: str) -> None:
    """Any text a spreadsheet would evaluate gets a leading quote; other values are untouched."""
    assert cell_safe(value) == "'" + value
    assert cell_safe("plain") == "plain"
    assert cell_safe(3) == 3


def test_xlsx_read_back_has_three_sheets_and_no_formulas(client, session: Session) -> None:
    """The workbook has Notes, Themes and Actions sheets; injected formulas stay text."""
    workbook = load_workbook(io.BytesIO(_page(client, session, "report.xlsx")))
    assert workbook.sheetnames == ["Notes", "Themes", "Actions"]
    notes = [row[1] for row in workbook["Notes"].iter_rows(min_row=2, values_only=True)]
    assert len(notes) == len(session.notes)
    assert '\'=HYPERLINK("http://evil.example")' in notes
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_unknown_csv_table_is_404(client, session: Session) -> None:
    client.force_login(session.host)
    assert client.get(f"/reports/assists/{session.assist.pk}/secrets.csv").status_code == 404


def test_pdf_is_rendered_again_when_the_content_changes(client, session: Session) -> None:
    """The cached PDF is reused for the same content and replaced once a note changes."""
    first = _page(client, session, "report.pdf")
    assert _page(client, session, "report.pdf") == first
    note = session.notes[0]
    note.text = "A brand new point about pharmacy rotas"
    note.save()
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(_page(client, session, "report.pdf"))).pages
    )
    assert "A brand new point about pharmacy rotas" in " ".join(text.split())


def test_unvoted_theme_comes_last_without_a_rank(client, session: Session) -> None:
    """A theme nobody voted for is listed after the voted ones, with no "rank None"."""
    from peerassist.analysis.models import Theme

    Theme.objects.create(assist=session.assist, title="Nobody voted for this", order=0)
    html = _page(client, session).decode()
    markdown = _page(client, session, "report.md").decode()
    headings = re.findall(r'<h3 class="nhsuk-heading-s">T\d+ ([^<]+?) ?<', html)
    md_headings = re.findall(r"^### T\d+ (.+?)(?: —|$)", markdown, re.M)
    expected = ["Prescribing", "Staff engagement", "Nobody voted for this"]
    assert headings == md_headings == expected
    assert "rank None" not in html and "rank None" not in markdown
    assert 'Nobody voted for this <span class="pa-report__meta">— no votes</span>' in html
