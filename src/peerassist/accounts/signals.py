"""Sign-in events: signing out closes that browser session's live sockets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from peerassist.core.disconnect import disconnect_session_on_commit


@receiver(user_logged_out, dispatch_uid="peerassist.accounts.sockets_close_on_sign_out")
def sockets_close_on_sign_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        disconnect_session_on_commit(request.session.session_key)
