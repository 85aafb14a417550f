"""Writes for single sign-on settings; each change is audited (the secret only as changed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from peerassist.accounts.models import Organisation, OrganisationSso
from peerassist.accounts.sso.discovery import provider_metadata
from peerassist.accounts.sso.errors import SsoRefused
from peerassist.audit.record import audit_record
from peerassist.core.errors import Invalid

FIELDS = ("enabled", "provider_name", "issuer", "client_id", "allowed_domains")


def sso_check_provider(issuer: str, *, label: str) -> None:
    """``Invalid`` (for the issuer field) unless the provider answers for that issuer."""
    try:
        provider_metadata(issuer, label=label)
    except SsoRefused as error:
        raise Invalid(
            f"{error.detail} Check the issuer, or save with single sign-on switched off.",
            code=error.code,
        ) from None


@transaction.atomic
def sso_configure(
    *,
    organisation: Organisation,
    enabled: bool,
    provider_name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    allowed_domains: list[str],
) -> OrganisationSso:
    """Create or change the organisation's provider; a blank secret keeps the saved one.

    Switching on needs the provider to answer at ``issuer`` (so a typing mistake shows here,
    not on the sign-in page).
    """
    config = OrganisationSso.objects.select_for_update().filter(organisation=organisation).first()
    before: dict[str, Any] = {f: getattr(config, f) for f in FIELDS} if config else {}
    if config is None:
        config = OrganisationSso(organisation=organisation)
    config.enabled = enabled
    config.provider_name = provider_name.strip()
    config.issuer = issuer
    config.client_id = client_id
    config.allowed_domains = allowed_domains
    secret_changed = bool(client_secret) and client_secret != config.client_secret
    if client_secret:
        config.client_secret = client_secret
    elif config.client_secret:
        # Kept, and sealed again under today's SECRET_KEY (core/sealed.py), so the old key
        # can leave SECRET_KEY_FALLBACKS once every organisation has saved.
        config.client_secret = config.client_secret
    if enabled:
        if not config.client_secret:
            raise Invalid("Enter the client secret to switch sign-on on.", code="no_secret")
        sso_check_provider(issuer, label=config.label)
    config.save()
    changes = {
        f: (before.get(f), getattr(config, f))
        for f in FIELDS
        if before.get(f) != getattr(config, f)
    }
    if secret_changed:
        changes["client_secret"] = ("(hidden)", "(changed)")
    if changes:
        audit_record(
            kind="sso.updated",
            obj=config,
            organisation_id=organisation.pk,
            changes=changes,
        )
    return config
