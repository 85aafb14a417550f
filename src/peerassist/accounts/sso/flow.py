"""The two legs of a sign-in: off to the provider, and back with a code.

The browser's session holds, for each sign-in started (library's ``oidc_states``), the
state, the nonce, the PKCE verifier and the organisation it was started for. The way back
uses that organisation's configuration and no other, whatever the token claims, so one
organisation's provider can never sign anybody into another.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.contrib.auth import login
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from peerassist.accounts.models import OrganisationSso, User
from peerassist.accounts.sso.backend import (
    BACKEND_PATH,
    CALLBACK_URL_NAME,
    OrganisationOidcBackend,
)
from peerassist.accounts.sso.discovery import provider_metadata
from peerassist.accounts.sso.errors import SsoRefused
from peerassist.audit.record import audit_record

STATES = "oidc_states"
PROVIDER_ERRORS = (
    requests.RequestException,
    jwt.PyJWTError,
    SuspiciousOperation,
    KeyError,
    TypeError,
    ValueError,
)


def safe_next(request: HttpRequest, url: str) -> str:
    """``url`` if it stays on this site, else empty."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def sso_start(request: HttpRequest, config: OrganisationSso, *, next_url: str = "") -> str:
    """The provider's authorisation address for a new sign-in; remembers it in the session."""
    metadata = provider_metadata(config.issuer, label=config.label)
    state = get_random_string(32)
    verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "scope": "openid email profile",
        "client_id": config.client_id,
        "redirect_uri": request.build_absolute_uri(reverse(CALLBACK_URL_NAME)),
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    request.session[STATES][state]["organisation_id"] = config.organisation_id
    request.session[STATES][state]["next"] = safe_next(request, next_url)
    request.session.modified = True
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{urlencode(params)}"


def _refuse(config: OrganisationSso | None, error: SsoRefused, email: str = "") -> SsoRefused:
    """Record the refusal as a failed sign-in, naming the account when there is one."""
    user = User.objects.filter(email=email).first() if email else None
    audit_record(
        kind="sign_in.failed",
        organisation_id=config.organisation_id if config else None,
        object_type="accounts.user",
        object_id=user.pk if user else "",
        object_label=f"Single sign-on refused: {error.code}",
        subject_user_id=user.pk if user else None,
    )
    return error


def sso_finish(request: HttpRequest) -> tuple[User, str]:
    """Sign in the person the provider vouches for: (user, where to go next).

    Raises ``SsoRefused`` for every way it can fail, recorded in the audit log.
    """
    entry: dict[str, Any] | None = None
    state = request.GET.get("state", "")
    states = request.session.get(STATES)
    if isinstance(states, dict) and state in states:
        entry = states.pop(state)  # used once, whatever happens next
        request.session.modified = True
    config = None
    if entry is not None and isinstance(entry.get("organisation_id"), int):
        config = (
            OrganisationSso.objects.select_related("organisation")
            .filter(organisation_id=int(entry["organisation_id"]), enabled=True)
            .first()
        )
    if entry is None or config is None:
        raise _refuse(
            config,
            SsoRefused(
                "state_mismatch",
                "This sign-in was started in another browser, took too long, or was already "
                "used. Start again below.",
            ),
        )
    label = config.label
    if request.GET.get("error"):
        code = request.GET["error"][:40]
        if code == "access_denied":
            detail = f"Signing in at {label} was cancelled or refused. Try again below."
        else:
            detail = f"{label} could not sign you in (it said “{code}”). Try again below."
        raise _refuse(config, SsoRefused(f"provider_error:{code}", detail))
    if not request.GET.get("code"):
        raise _refuse(
            config, SsoRefused("provider_error", f"{label} sent no sign-in. Try again below.")
        )
    metadata = provider_metadata(config.issuer, label=label)
    backend = OrganisationOidcBackend(config, metadata)
    try:
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except SsoRefused as error:
        raise _refuse(config, error, error.email) from None
    except PROVIDER_ERRORS:
        raise _refuse(
            config,
            SsoRefused(
                "provider_error",
                f"{label} did not complete the sign-in. Try again, or ask your administrator "
                "if it keeps happening.",
            ),
        ) from None
    if user is None:
        raise _refuse(
            config,
            SsoRefused("provider_error", f"{label} did not complete the sign-in. Try again."),
        )
    login(request, user, backend=BACKEND_PATH)
    return user, str(entry.get("next") or "")
