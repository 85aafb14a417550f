"""Sign-in events: signing in and failing are audited; signing out closes that browser
session's live sockets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from peerassist.accounts.sso.backend import BACKEND_PATH as SSO_BACKEND_PATH
from peerassist.audit.record import audit_record
from peerassist.core.disconnect import disconnect_session_on_commit


@receiver(user_logged_out, dispatch_uid="peerassist.accounts.sockets_close_on_sign_out")
def sockets_close_on_sign_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        disconnect_session_on_commit(request.session.session_key)


@receiver(user_logged_in, dispatch_uid="peerassist.accounts.audit_sign_in")
def audit_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A password sign-in is ``sign_in``; one through an organisation's provider is
    ``sign_in.sso``, filed under that organisation."""
    sso = getattr(user, "backend", "") == SSO_BACKEND_PATH
    audit_record(
        kind="sign_in.sso" if sso else "sign_in",
        obj=user,
        object_label="Account",
        actor=user,
        subject_user_id=user.pk,
        organisation_id=getattr(user, "sso_organisation_id", None) if sso else None,
    )


@receiver(user_login_failed, dispatch_uid="peerassist.accounts.audit_sign_in_failed")
def audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in names the account tried, if there is one (never the address typed)."""
    from peerassist.accounts.models import User

    username = str(credentials.get("username", "")).strip().lower()
    user = User.objects.filter(email=username).first() if username else None
    audit_record(
        kind="sign_in.failed",
        object_type="accounts.user",
        object_id=user.pk if user else "",
        object_label="An existing account" if user else "No such account",
        subject_user_id=user.pk if user else None,
    )
