"""The session report as a page and as downloads (PDF, Markdown, CSV, XLSX)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from peerassist.assists.models import PeerAssist
from peerassist.audit.record import audit_record
from peerassist.core.decorators import domain_errors
from peerassist.reports.access import access_report, report_shows_host_view
from peerassist.reports.exports import TABLES, report_csv, report_markdown, report_xlsx
from peerassist.reports.pdf import report_pdf
from peerassist.reports.presenters import SessionReport, report_present
from peerassist.reports.selectors import report_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

View = Callable[..., HttpResponse]


def report_view(view: Callable[..., HttpResponse]) -> View:
    """Resolve the peer assist through ``access_report`` and build its report, or 404/403."""

    @wraps(view)
    @require_GET
    @domain_errors
    def wrapper(request: HttpRequest, assist_id: int, **kwargs: Any) -> HttpResponse:
        actor = getattr(request, "actor", None)
        assist = access_report(actor, assist_id)
        report = report_present(report_data(assist=assist))
        return view(request, assist, report, **kwargs)

    return wrapper


def _download(
    content: bytes | str, content_type: str, report: SessionReport, ext: str, assist: PeerAssist
) -> HttpResponse:
    audit_record(
        kind="export",
        obj=assist,
        organisation_id=assist.organisation_id,
        changes={"format": (None, ext)},
    )
    response = HttpResponse(content, content_type=content_type)
    name = slugify(report.title)[:60] or "peer-assist"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.{ext}"'
    response["Cache-Control"] = "private, no-store"
    return response


@report_view
def report_page(request: HttpRequest, assist: PeerAssist, report: SessionReport) -> HttpResponse:
    host_view = report_shows_host_view(getattr(request, "actor", None), assist)
    aar_url = reverse("followup:aar", args=[assist.pk]) if host_view else ""
    return render(
        request,
        "reports/report.html",
        {"report": report, "host_view": host_view, "aar_url": aar_url},
    )


@report_view
def report_pdf_download(
    request: HttpRequest, assist: PeerAssist, report: SessionReport
) -> HttpResponse:
    return _download(report_pdf(report), "application/pdf", report, "pdf", assist)


@report_view
def report_markdown_download(
    request: HttpRequest, assist: PeerAssist, report: SessionReport
) -> HttpResponse:
    return _download(report_markdown(report), "text/markdown; charset=utf-8", report, "md", assist)


@report_view
def report_xlsx_download(
    request: HttpRequest, assist: PeerAssist, report: SessionReport
) -> HttpResponse:
    return _download(report_xlsx(report), XLSX, report, "xlsx", assist)


@report_view
def report_csv_download(
    request: HttpRequest, assist: PeerAssist, report: SessionReport, table: str
) -> HttpResponse:
    if table not in TABLES:
        raise Http404("No such table.")
    response = _download(
        report_csv(report, table), "text/csv; charset=utf-8", report, "csv", assist
    )
    name = slugify(report.title)[:60] or "peer-assist"
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
