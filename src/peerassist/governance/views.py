"""The information governance pages, for an organisation's administrators: the hub, subject
access exports (ask, follow, download once) and retention (rules and preview).

Every view starts from ``access_governance_organisation`` or ``access_export``; a person
who administers several organisations picks one with ``?org=`` (or a hidden ``org`` field).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.accounts.models import Organisation, User
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Conflict, Invalid
from peerassist.governance.access import (
    access_export,
    access_governance_organisation,
    admin_organisations,
)
from peerassist.governance.exports import (
    ExportGone,
    export_download,
    export_expire_one,
    export_request,
)
from peerassist.governance.forms import PersonSearchForm, RetentionForm
from peerassist.governance.models import SubjectAccessExport
from peerassist.governance.people import people_search, person_of_organisation
from peerassist.governance.retention import (
    retention_days,
    retention_policy,
    retention_policy_update,
    retention_preview,
)

RECENT_EXPORTS = 20


def _organisation(request: HttpRequest) -> Organisation:
    wanted = request.POST.get("org") or request.GET.get("org")
    return access_governance_organisation(getattr(request, "actor", None), wanted)


def _with_org(name: str, organisation: Organisation, request: HttpRequest) -> str:
    url = reverse(name)
    if len(admin_organisations(request.actor)) > 1:  # type: ignore[attr-defined]
        url += f"?org={organisation.pk}"
    return url


@login_required
@domain_errors
@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    org = f"?org={organisation.pk}"
    cards = [
        (
            "Audit log",
            reverse("accounts:audit_log") + org,
            "Who changed what, when and from where. Search it and export it as CSV.",
        ),
        (
            "Subject access exports",
            reverse("governance:exports") + org,
            f"Everything {organisation.name} holds about one person, as a ZIP of JSON and "
            "CSV files.",
        ),
        (
            "Erase a person",
            reverse("accounts:erase") + org,
            "Anonymise an account or a guest. Their notes, actions and lessons stay.",
        ),
        (
            "Retention",
            reverse("governance:retention") + org,
            "How long raw notes, identifiable guests and the audit log are kept, and what "
            "the next daily run will remove.",
        ),
        (
            "Single sign-on",
            reverse("accounts:sso_settings") + org,
            "Let people sign in with their organisation's account (NHSmail, Entra ID or "
            "another OpenID Connect provider), limited to your e-mail domains.",
        ),
    ]
    return render(
        request,
        "governance/hub.html",
        {
            "organisation": organisation,
            "organisations": admin_organisations(request.actor),  # type: ignore[attr-defined]
            "cards": cards,
        },
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    """Find a person (GET ``q``) and ask for their export (POST ``person``)."""
    organisation = _organisation(request)
    actor: User = request.actor  # type: ignore[attr-defined]
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    found = people_search(organisation, form.cleaned_data["q"]) if form.is_valid() else []
    person_error = ""
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.method == "POST":
        try:
            person = person_of_organisation(organisation, request.POST.get("person", ""))
            export = export_request(actor=actor, organisation=organisation, person=person)
        except (Invalid, Conflict) as error:
            person_error = error.detail
            status = error.status
        else:
            return redirect("governance:export", export_id=export.pk, permanent=False)
    recent = (
        SubjectAccessExport.objects.filter(organisation=organisation)
        .select_related("requested_by", "subject_user", "subject_guest")
        .order_by("-created_at", "-id")[:RECENT_EXPORTS]
    )
    return render(
        request,
        "governance/exports.html",
        {
            "organisation": organisation,
            "form": form,
            "found": found,
            "searched": form.is_bound and form.is_valid(),
            "person_error": person_error,
            "recent": recent,
        },
        status=status,
    )


def _status_body(export: SubjectAccessExport, actor: User) -> dict[str, object]:
    mine = export.requested_by_id == actor.pk
    return {
        "status": export.status,
        "label": export.get_status_display(),
        "step": export.step_label,
        "steps_done": export.steps_done,
        "steps_total": export.steps_total,
        "percent": export.percent,
        "finished": not export.in_progress,
        "can_download": mine and export.status == SubjectAccessExport.Status.READY,
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
    }


@login_required
@domain_errors
@require_GET
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    export = access_export(request.actor, export_id)  # type: ignore[attr-defined]
    export_expire_one(export)
    return render(
        request,
        "governance/export.html",
        {
            "export": export,
            "organisation": export.organisation,
            "mine": export.requested_by_id == request.actor.pk,  # type: ignore[attr-defined]
            "status_url": reverse("governance:export_status", args=[export.pk]),
        },
    )


@login_required
@domain_errors
@require_GET
def export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    """The progress the page polls: status, step and percent, as JSON."""
    export = access_export(request.actor, export_id)  # type: ignore[attr-defined]
    export_expire_one(export)
    response = JsonResponse(_status_body(export, request.actor))  # type: ignore[attr-defined]
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@domain_errors
@require_POST
def export_file(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """The ZIP, once, to the administrator who asked; a second try is 410 Gone."""
    export = access_export(request.actor, export_id)  # type: ignore[attr-defined]
    try:
        handle = export_download(actor=request.actor, export=export)  # type: ignore[attr-defined]
    except ExportGone as error:
        return render(
            request,
            "governance/export_gone.html",
            {"reason": error.detail, "organisation": export.organisation},
            status=410,
        )
    except Conflict as error:
        return render(
            request,
            "governance/export_gone.html",
            {"reason": error.detail, "organisation": export.organisation, "wait": True},
            status=409,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"subject-access-{export.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    policy = retention_policy(organisation)
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            for name in form.fields:  # every field's message at once, not just the first
                try:
                    retention_days(name, form.cleaned_data[name])
                except Invalid as error:
                    form.add_error(name, error.detail)
        if form.is_valid():
            try:
                retention_policy_update(
                    actor=request.actor,  # type: ignore[attr-defined]
                    organisation=organisation,
                    **form.cleaned_data,
                )
            except Invalid as error:
                form.add_error(error.code if error.code in form.fields else None, error.detail)
            else:
                messages.success(request, "Retention rules saved.")
                return redirect(_with_org("governance:retention", organisation, request))
    else:
        form = RetentionForm(
            initial={
                "note_days": policy.note_days,
                "guest_days": policy.guest_days,
                "audit_days": policy.audit_days,
            }
        )
    return render(
        request,
        "governance/retention.html",
        {"organisation": organisation, "form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


@login_required
@domain_errors
@require_GET
def retention_preview_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "governance/retention_preview.html",
        {"organisation": organisation, "preview": retention_preview(organisation)},
    )
