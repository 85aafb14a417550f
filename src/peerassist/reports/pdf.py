"""The report as PDF: WeasyPrint renders the same report body as the page, on A4.

Nothing is fetched while rendering: the stylesheet is read from the package, the chart is
inline SVG, and any other URL (a link someone pasted into a note is only text, but a future
template might carry one) is refused, so a report never reaches out to another server.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
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


PDF_CACHE_SECONDS = 60 * 60


def report_pdf(report: SessionReport) -> bytes:
    """The PDF bytes of the report, rendered once per distinct content.

    WeasyPrint takes seconds for a long session (500 notes make about 28 pages), so the PDF
    is cached under a hash of the report's own HTML (without its "generated at" line): any
    change to a note, theme, vote, action or the AAR changes the hash, and everyone who may
    read the report gets the same bytes (the report does not vary by reader).
    """
    key = (
        "reports:pdf:"
        + hashlib.sha256(report_html_for_print(replace(report, generated="")).encode()).hexdigest()
    )
    cached = django_cache.get(key)
    if cached is not None:
        return bytes(cached)
    html = HTML(string=report_html_for_print(report), url_fetcher=NoFetching(), base_url="/")
    pdf = html.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    django_cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
