"""Personal API tokens: made (the secret shown once), used, revoked. Every use is audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import ApiToken, User
from peerassist.audit.context import audit_context_set
from peerassist.audit.models import ActorKind
from peerassist.audit.record import audit_record
from peerassist.core.errors import Invalid, NotFound

TOKEN_START = "pa_"
VALID_DAYS = (7, 30, 90, 365)
MAX_ACTIVE = 20


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, access: str, valid_days: int) -> tuple[ApiToken, str]:
    """A new token and its secret, ``pa_<prefix>_<secret>``: show it once, it is not kept."""
    name = name.strip()
    if not name:
        raise Invalid("Give the token a name, such as the script that will use it.", code="name")
    if len(name) > 100:
        raise Invalid("Keep the name to 100 characters.", code="name")
    if access not in ApiToken.Access.values:
        raise Invalid("Choose read only, or read and write.", code="access")
    if valid_days not in VALID_DAYS:
        raise Invalid("Choose how long the token works: 7, 30, 90 or 365 days.", code="expiry")
    active = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if active.count() >= MAX_ACTIVE:
        raise Invalid(
            f"You have {MAX_ACTIVE} working tokens; revoke one you no longer use first.",
            code="too_many",
        )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_hash(secret),
        access=access,
        expires_at=timezone.now() + timedelta(days=valid_days),
    )
    return token, f"{TOKEN_START}{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, user: User, token_id: object) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=_id(token_id)).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _id(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def token_authenticate(raw: str, *, ip_address: str | None, method: str, path: str) -> ApiToken:
    """The working token a bearer value names, with its use recorded; NotFound otherwise."""
    prefix, _, secret = raw.removeprefix(TOKEN_START).partition("_")
    token = (
        ApiToken.objects.select_related("user").filter(prefix=prefix[:12]).first()
        if raw.startswith(TOKEN_START) and secret
        else None
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash(secret)):
        raise NotFound("That API token is not valid.", code="token_invalid")
    if not token.is_active or not token.user.is_active:
        raise NotFound("That API token has expired or been revoked.", code="token_inactive")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip_address)
    # Everything this request changes is done by the token, on its user's behalf.
    audit_context_set(
        actor_kind=ActorKind.TOKEN, user_id=token.user_id, guest_id=None, token_id=token.pk
    )
    audit_record(
        kind="token.used",
        obj=token,
        changes={"request": (None, f"{method} {path}"[:200])},
        subject_user_id=token.user_id,
    )
    return token
