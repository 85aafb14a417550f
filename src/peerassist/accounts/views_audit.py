"""The audit log page and its CSV, for an organisation's administrators."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.accounts.audit_log import (
    CSV_HEADER,
    AuditFilters,
    access_audit_organisation,
    audit_csv_rows,
    audit_entries,
    audit_rows,
)
from peerassist.accounts.forms import AuditFilterForm
from peerassist.audit.record import audit_record
from peerassist.audit.tracking import TRACKED
from peerassist.core.decorators import domain_errors
from peerassist.core.export_text import export_text

PER_PAGE = 50
CSV_LIMIT = 50_000
OBJECT_TYPES = sorted([*TRACKED, "file"])


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(request.GET or None, object_types=OBJECT_TYPES)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, AuditFilters(
            person=data["person"].strip(),
            object_type=data["object_type"],
            object_id=data["object_id"].strip(),
            kind=data["kind"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    return form, AuditFilters()


@login_required
@domain_errors
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = access_audit_organisation(
        getattr(request, "actor", None), request.GET.get("org")
    )
    form, filters = _filtered(request)
    if form.is_bound and not form.is_valid():
        entries = audit_entries(organisation, filters).none()
    else:
        entries = audit_entries(organisation, filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": audit_rows(list(page.object_list)),
            "query": query.urlencode(),
        },
    )


@login_required
@domain_errors
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    organisation = access_audit_organisation(
        getattr(request, "actor", None), request.GET.get("org")
    )
    form, filters = _filtered(request)
    if form.is_bound and not form.is_valid():
        return audit_log(request)
    rows = audit_rows(list(audit_entries(organisation, filters)[:CSV_LIMIT]))
    audit_record(
        kind="export",
        object_type="audit log",
        object_label="audit-log.csv",
        organisation_id=organisation.pk,
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in audit_csv_rows(rows):
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(value: object) -> object:
    """No control characters, and nothing a spreadsheet would run as a formula."""
    value = export_text(value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
