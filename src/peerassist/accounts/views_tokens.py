"""The API tokens page: make a token (its secret shown once), see last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peerassist.accounts.forms import ApiTokenForm
from peerassist.accounts.models import ApiToken, User
from peerassist.accounts.tokens import token_create, token_revoke
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid, NotFound


def _user(request: HttpRequest) -> User:
    actor = getattr(request, "actor", None)
    if not isinstance(actor, User):
        raise NotFound("No such page.")
    return actor


@login_required
@domain_errors
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(
                user=user,
                name=form.cleaned_data["name"],
                access=form.cleaned_data["access"],
                valid_days=form.cleaned_data["valid_days"],
            )
        except Invalid as error:
            form.add_error(None, error.detail)
        else:
            response = render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(user=user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@domain_errors
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_revoke(user=_user(request), token_id=token_id)
    messages.success(request, f"“{token.name}” is revoked: scripts using it now get 401.")
    return redirect("accounts:tokens")
