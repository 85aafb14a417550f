"""Pages for single sign-on: "Sign in with your organisation", the provider's way back, and
the administrators' settings page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from peerassist.accounts.models import OrganisationSso
from peerassist.accounts.sso.access import access_sso_organisation
from peerassist.accounts.sso.domains import email_domain, organisations_for_email
from peerassist.accounts.sso.errors import SsoRefused
from peerassist.accounts.sso.flow import safe_next, sso_finish, sso_start
from peerassist.accounts.sso.forms import LOCAL_HOSTS, SsoSettingsForm, SsoSignInForm
from peerassist.accounts.sso.services import sso_configure
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid
from peerassist.core.middleware import CONTENT_SECURITY_POLICY


def sign_in_csp() -> str:
    """The site's policy, except that this page's form may lead to a provider.

    Browsers apply ``form-action`` to the redirects that follow a form post, so the site's
    ``form-action 'self'`` would stop the "Continue" button's redirect to the provider. The
    page has nothing a person typed in it but their own address, so any https origin (and
    the http origin of a test provider on this machine) is allowed.
    """
    local = sorted(
        {
            f"{parts.scheme}://{parts.netloc}"
            for issuer in OrganisationSso.objects.filter(
                enabled=True, issuer__startswith="http:"
            ).values_list("issuer", flat=True)
            if (parts := urlsplit(issuer)).hostname in LOCAL_HOSTS
        }
    )
    return CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", " ".join(["form-action 'self' https:", *local])
    )


def _sign_in_page(
    request: HttpRequest,
    form: SsoSignInForm,
    *,
    choose: bool = False,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page, with the form's errors or one ``problem`` (a refused sign-in) on top."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    response = render(
        request,
        "accounts/sso_sign_in.html",
        {"form": form, "choose": choose, "next": next_url, "problem": problem},
        status=status,
    )
    response["Content-Security-Policy"] = sign_in_csp()
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def sso_sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for the e-mail address; its domain picks the organisation (or a short list)."""
    if request.method == "GET":
        return _sign_in_page(request, SsoSignInForm())
    configs = list(organisations_for_email(str(request.POST.get("email", "")).strip()))
    form = SsoSignInForm(request.POST, configs=configs)
    if not form.is_valid():
        return _sign_in_page(request, form, choose=len(configs) > 1, status=400)
    email = form.cleaned_data["email"]
    if not configs:
        form.add_error(
            "email",
            f"No organisation here signs in with @{email_domain(email)} addresses. Sign in "
            "with your password, or ask your administrator to set up single sign-on.",
        )
        return _sign_in_page(request, form, status=400)
    chosen = form.cleaned_data.get("organisation")
    config = next((c for c in configs if c.organisation_id == chosen), None)
    if config is None and len(configs) == 1:
        config = configs[0]
    if config is None:
        if "organisation" in request.POST:
            form.add_error("organisation", "Choose your organisation")
            return _sign_in_page(request, form, choose=True, status=400)
        return _sign_in_page(request, form, choose=True)
    try:
        url = sso_start(request, config, next_url=request.POST.get("next", ""))
    except SsoRefused as error:
        form.add_error(None, error.detail)
        return _sign_in_page(request, form, choose=len(configs) > 1, status=503)
    return redirect(url)


@never_cache
@require_http_methods(["GET"])
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here; every refusal ends on the sign-in page."""
    try:
        user, next_url = sso_finish(request)
    except SsoRefused as error:
        return _sign_in_page(request, SsoSignInForm(), problem=error.detail, status=403)
    messages.success(request, f"Signed in as {user.email}.")
    return redirect(next_url or resolve_url("home:home"))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def sso_settings(request: HttpRequest) -> HttpResponse:
    """An administrator sets up their organisation's provider."""
    organisation = access_sso_organisation(getattr(request, "actor", None), request.GET.get("org"))
    config = OrganisationSso.objects.filter(organisation=organisation).first()
    form = SsoSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sso_configure(
                organisation=organisation,
                enabled=bool(data["enabled"]),
                provider_name=data["provider_name"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                allowed_domains=data["allowed_domains"],
            )
        except Invalid as error:
            form.add_error("client_secret" if error.code == "no_secret" else "issuer", error.detail)
        else:
            messages.success(request, "Single sign-on settings saved.")
            return redirect(f"{request.path}?org={organisation.pk}")
    response = render(
        request,
        "accounts/sso_settings.html",
        {
            "form": form,
            "organisation": organisation,
            "config": config,
            "callback_url": request.build_absolute_uri(resolve_url("accounts:sso_callback")),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
