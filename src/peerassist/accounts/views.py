"""Sign in and out, password reset, and entry by guest invitation link."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from peerassist.accounts.forms import NhsPasswordResetForm, NhsSetPasswordForm, SignInForm
from peerassist.accounts.guests import guest_landing_url
from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.services import guest_from_token
from peerassist.core.errors import NotFound


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Ends the session of a user or a guest (guests use shared NHS computers too).

    A guest has no sign-in page to go back to, so they land on a page that says how to come
    back: the link in their invitation.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_guest = not request.user.is_authenticated and GUEST_SESSION_KEY in request.session
        response = super().post(request, *args, **kwargs)
        if was_guest:
            return redirect("accounts:guest_signed_out")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = NhsPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NhsSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def guest_enter(request: HttpRequest, token: str) -> HttpResponse:
    """Admit the guest a link names, in this browser only, and send them to their resource."""
    try:
        guest = guest_from_token(token)
    except NotFound as error:
        return render(request, "accounts/guest_invalid.html", {"reason": error.detail}, status=404)
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[GUEST_SESSION_KEY] = guest.pk
    return redirect(guest_landing_url(guest))


def guest_welcome(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/guest_welcome.html")


def guest_signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/guest_signed_out.html")
