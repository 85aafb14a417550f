"""The report as Markdown, and its notes, themes and actions as CSV and XLSX tables.

Spreadsheet cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
are formulas to Excel, LibreOffice and openpyxl; a note such as ``=HYPERLINK(...)`` would run
when the file is opened. Every text cell goes through ``cell_safe`` first, which puts a
single quote in front, as OWASP recommends.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from peerassist.reports.presenters import SessionReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("notes", "themes", "actions")
# Characters that mean something anywhere in a CommonMark line, and those that do only at
# its start (headings, lists, numbered lists, setext underlines).
MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
MD_LINE_START = re.compile(r"^(\d*)([#+\-=]|(?<=\d)[.)])")


def cell_safe(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert."""
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
        for line in str(text).splitlines()
    ]
    return "  \n".join(line for line in lines if line)


def mdi(text: str) -> str:
    """As ``md`` on one line, for table cells."""
    return md(" ".join(str(text).split()))


def report_markdown(report: SessionReport) -> str:
    """The whole report as CommonMark, for wikis, e-mail and version control."""
    out: list[str] = []
    add: Callable[..., None] = out.append
    add(f"# Peer assist report: {md(report.title)}\n")
    add(f"- **Project:** {md(report.project)}")
    add(f"- **Organisation:** {md(report.organisation)}")
    add(f"- **Date:** {md(report.date)}")
    add(f"- **Mode:** {md(report.mode)}")
    add(f"- **Status:** {md(report.status)}")
    if report.anonymous:
        add("- **Anonymous mode:** notes carry no names")
    add("")
    add("## Purpose\n")
    add((md(report.purpose) or "Not recorded.") + "\n")
    if report.open_decisions:
        add("### Decisions still open\n")
        out.extend(f"- {md(d)}" for d in report.open_decisions)
        add("")
    if report.deliverables:
        add("### Deliverables\n")
        add(md(report.deliverables) + "\n")
    add("## Learning needs\n")
    if report.learning_needs:
        for need in report.learning_needs:
            add(
                f"- **{need.ref}** {md(need.question)} ({need.priority} priority, "
                f"{need.note_count} notes)"
            )
    else:
        add("No learning needs were linked to this peer assist.")
    add("")
    add("## Participants\n")
    for group in report.participants:
        add(f"### {md(group.role)}\n")
        for person in group.people:
            extra = ", ".join(md(x) for x in (person.job_title, person.organisation) if x)
            add(f"- {md(person.name)}" + (f" ({extra})" if extra else ""))
        add("")
    add(f"## Notes ({report.note_count})\n")
    if report.hidden_note_count:
        add(f"{report.hidden_note_count} notes hidden by the facilitator are not included.\n")
    for section in report.note_sections:
        add(f"### {md(section.heading)}\n")
        for note in section.notes:
            add(f"- **{note.ref}** {md(note.text)} — _{md(note.kind)}; {md(note.attribution)}_")
        add("")
    add("## Themes\n")
    if not report.voting_closed:
        add("Votes are shown once voting has closed.\n")
    for theme in report.themes:
        votes = f" — {theme.votes} votes, rank {theme.rank}" if theme.votes is not None else ""
        add(f"### {theme.ref} {md(theme.title)}{votes}\n")
        if theme.summary:
            add(md(theme.summary) + "\n")
        out.extend(f"- **{n.ref}** {md(n.text)}" for n in theme.notes)
        add("")
    add("### Not in a theme\n")
    out.extend(f"- **{n.ref}** {md(n.text)}" for n in report.ungrouped)
    if not report.ungrouped:
        add("Every note is in a theme.")
    add("")
    add("## Enablers and barriers\n")
    if report.determinants:
        add("| Ref | About | Valence | CFIR 2.0 constructs | Evidence |")
        add("|---|---|---|---|---|")
        for d in report.determinants:
            add(
                f"| {d.ref} | {mdi(d.subject)} | {mdi(d.valence)} | "
                f"{mdi('; '.join(d.constructs))} | {' '.join(d.evidence)} |"
            )
        add("")
    else:
        add("No enablers or barriers have been coded.\n")
    add("### By CFIR 2.0 domain\n")
    add("| Domain | Strong barriers | Barriers | Mixed | Enablers | Strong enablers |")
    add("|---|---|---|---|---|---|")
    for row in report.chart_rows:
        add(
            f"| {mdi(row.domain)} | {row.strong_barrier} | {row.barrier} | {row.mixed} | "
            f"{row.enabler} | {row.strong_enabler} |"
        )
    add("")
    add("## Actions\n")
    if report.actions:
        add("| Ref | Action | Owner | Due | Priority | Status | From |")
        add("|---|---|---|---|---|---|---|")
        for a in report.actions:
            add(
                f"| {a.ref} | {mdi(a.text)} | {mdi(a.owner)} | {mdi(a.due)} | {a.priority} | "
                f"{a.status} | {mdi(a.source)} |"
            )
        add("")
    else:
        add("No actions have been recorded.\n")
    add("## Close\n")
    add(f"**Action list promised to the visitors by:** {md(report.action_list_due)}\n")
    if report.shared_back:
        add(md(report.shared_back) + "\n")
    if report.host_thanks:
        add("### The host team's thanks\n")
        add(md(report.host_thanks) + "\n")
    add("### Take-aways\n")
    out.extend(f"- {md(t.name)}: {md(t.text)}" for t in report.takeaways)
    if not report.takeaways:
        add("No take-aways were recorded.")
    add("")
    if report.aar:
        add("## After Action Review\n")
        for item in report.aar:
            add(f"### {md(item.question)}\n")
            if item.before:
                add(f"**Intended (from the BAR):** {md(item.before)}\n")
            add((md(item.after) or "Not answered.") + "\n")
    add(f"---\n\nGenerated by Peer Assist on {md(report.generated)}.\n")
    return "\n".join(out)
