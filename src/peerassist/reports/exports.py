"""The report as Markdown (from a template), its notes, themes and actions as CSV and XLSX.

Spreadsheet cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
are formulas to Excel, LibreOffice and openpyxl; a note such as ``=HYPERLINK(...)`` would run
when the file is opened. Every text cell goes through ``cell_safe`` first, which puts a
single quote in front, as OWASP recommends.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.template import Context, Engine
from openpyxl import Workbook
from openpyxl.styles import Font

from peerassist.core.export_text import export_text
from peerassist.reports.presenters import SessionReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("notes", "themes", "actions")
MARKDOWN_TEMPLATE = "reports/report.md"
# Characters that mean something anywhere in a CommonMark line, and those that do only at
# its start (headings, lists, numbered lists, setext underlines).
MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
MD_LINE_START = re.compile(r"^(\d*)([#+\-=]|(?<=\d)[.)])")


def cell_safe(value: Any) -> Any:
    """The value, without control characters, and text a spreadsheet would run as a formula
    made inert."""
    value = export_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_rows(report: SessionReport, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one table (``notes``, ``themes`` or ``actions``)."""
    if table == "notes":
        return (
            ["Ref", "Note", "Kind", "Learning need", "Theme", "By"],
            [
                [n.ref, n.text, n.kind, n.learning_need, n.theme, n.attribution]
                for n in report.all_notes
            ],
        )
    if table == "themes":
        rows = [
            [
                t.ref,
                t.title,
                t.summary,
                "" if t.votes is None else t.votes,
                "" if t.rank is None else t.rank,
                len(t.notes),
                " ".join(n.ref for n in t.notes),
            ]
            for t in report.themes
        ]
        rows.append(
            [
                "",
                "Not in a theme",
                "",
                "",
                "",
                len(report.ungrouped),
                " ".join(n.ref for n in report.ungrouped),
            ]
        )
        return (["Ref", "Theme", "Summary", "Votes", "Rank", "Notes", "Note refs"], rows)
    if table == "actions":
        return (
            ["Ref", "Action", "Owner", "Due", "Priority", "Status", "From"],
            [
                [
                    a.ref,
                    a.text,
                    a.owner,
                    a.due_date.isoformat() if a.due_date else "",
                    a.priority,
                    a.status,
                    a.source,
                ]
                for a in report.actions
            ],
        )
    raise ValueError(f"unknown table {table!r}")


def report_csv(report: SessionReport, table: str) -> bytes:
    """One table as UTF-8 CSV with a byte-order mark, so Excel reads the accents right."""
    header, rows = table_rows(report, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: SessionReport) -> bytes:
    """A workbook with one sheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        header, rows = table_rows(report, table)
        sheet = workbook.create_sheet(title=table.capitalize())
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([cell_safe(v) for v in row])
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def md(text: str) -> str:
    """User text made literal in Markdown: special characters escaped, lines kept apart."""
    lines = [
        MD_LINE_START.sub(r"\1\\\2", MD_INLINE.sub(r"\\\1", line.strip()))
        for line in export_text(str(text)).splitlines()
    ]
    return "  \n".join(line for line in lines if line)


def mdi(text: str) -> str:
    """As ``md`` on one line, for table cells."""
    return md(" ".join(str(text).split()))


def report_markdown(report: SessionReport) -> str:
    """The whole report as CommonMark, for wikis, e-mail and version control.

    Laid out in ``templates/reports/report.md`` like the HTML report is in
    ``reports/_report_body.html``; rendered without HTML escaping because Markdown has its
    own, which the template's ``md`` and ``mdi`` filters apply to every user text.
    """
    template = Engine.get_default().get_template(MARKDOWN_TEMPLATE)
    return template.render(Context({"report": report}, autoescape=False))
