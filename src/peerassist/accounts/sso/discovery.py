"""The provider's own description of itself (OpenID Connect Discovery), read when needed.

Endpoints are not stored: the provider may move them, and reading
``<issuer>/.well-known/openid-configuration`` is cheap. A good answer is cached for ten
minutes; a provider that cannot be reached is remembered for 15 seconds only, so the
sign-in page notices soon when it is back, and a burst of sign-ins while it is down does not
hold a request thread for every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.core.cache import cache

from peerassist.accounts.sso.errors import SsoRefused

TIMEOUT = 10  # seconds, for every call to a provider
CACHE_SECONDS = 600
DOWN_SECONDS = 15


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _unreachable(label: str) -> SsoRefused:
    return SsoRefused(
        "provider_unreachable",
        f"{label} could not be reached. Try again in a few minutes, or sign in with your "
        "password if you have one.",
    )


def provider_metadata(issuer: str, *, label: str) -> ProviderMetadata:
    """The provider's endpoints, or ``SsoRefused`` saying it could not be reached or read."""
    key = f"peerassist:oidc:{issuer}"
    cached = cache.get(key)
    if isinstance(cached, ProviderMetadata):
        return cached
    if cached == "down":
        raise _unreachable(label)
    try:
        response = requests.get(discovery_url(issuer), timeout=TIMEOUT)
        response.raise_for_status()
        document: Any = response.json()
    except (requests.RequestException, ValueError):
        cache.set(key, "down", DOWN_SECONDS)
        raise _unreachable(label) from None
    if not isinstance(document, dict):
        raise _unreachable(label)
    if document.get("issuer") != issuer:
        raise SsoRefused(
            "provider_misconfigured",
            f"{label} calls itself “{document.get('issuer')}”, not “{issuer}”. "
            "Ask your administrator to correct the issuer in the single sign-on settings.",
        )
    try:
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
        )
    except KeyError:
        raise SsoRefused(
            "provider_misconfigured",
            f"{label} does not describe its sign-in endpoints. Ask your administrator.",
        ) from None
    cache.set(key, metadata, CACHE_SECONDS)
    return metadata
