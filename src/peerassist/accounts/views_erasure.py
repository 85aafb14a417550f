"""Erase a person (an organisation administrator): find them by e-mail, confirm by name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.accounts.audit_log import access_audit_organisation
from peerassist.accounts.erasure import guest_erase, user_erase
from peerassist.accounts.forms import ErasureForm
from peerassist.accounts.models import Guest, User
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid


@login_required
@domain_errors
def erase(request: HttpRequest) -> HttpResponse:
    """In the organisation ``?org=`` names (an administrator of several chooses on the
    governance page), else the first they administer."""
    organisation = access_audit_organisation(
        getattr(request, "actor", None), request.GET.get("org"), doing="erase its people"
    )
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        typed = form.cleaned_data["confirm_name"]
        user = User.objects.filter(email=email, memberships__organisation=organisation).first()
        guests = list(Guest.objects.filter(email=email, organisation=organisation))
        try:
            if user is not None:
                erased = [
                    user_erase(user=user, organisation_id=organisation.pk, confirm_name=typed)
                ]
                names = [erased[0].full_name]
            elif guests:
                names = [guest_erase(guest=g, confirm_name=typed).name for g in guests]
            else:
                raise Invalid(
                    f"Nobody in {organisation.name} has that e-mail address.", code="not_found"
                )
        except Invalid as error:
            field = "confirm_name" if error.code == "confirm_name" else "email"
            form.add_error(field, error.detail)
        else:
            return render(request, "accounts/erased.html", {"names": names})
    return render(
        request,
        "accounts/erase.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
