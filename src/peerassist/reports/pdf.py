"""The report as PDF: WeasyPrint renders the same report body as the page, on A4.

Nothing is fetched while rendering: the stylesheet is read from the package, the chart is
inline SVG, and any other URL (a link someone pasted into a note is only text, but a future
template might carry one) is refused, so a report never reaches out to another server.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from peerassist.reports.presenters import SessionReport

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-print.css"


class NoFetching(URLFetcher):
    """A URL fetcher that fetches nothing."""

    def fetch(self, url: str, headers: object = None) -> object:
        raise ValueError(f"Reports fetch no resources ({url[:60]}).")


@cache
def _stylesheet() -> CSS:
    return CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=NoFetching())


def report_html_for_print(report: SessionReport) -> str:
    return render_to_string("reports/report_print.html", {"report": report})


def report_pdf(report: SessionReport) -> bytes:
    """The PDF bytes of the report."""
    html = HTML(string=report_html_for_print(report), url_fetcher=NoFetching(), base_url="/")
    pdf = html.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return pdf
