"""Secrets the service must give back (an SSO client secret), kept encrypted in the database.

A hash will not do for these: the provider wants the secret itself at every sign-in. So
they are sealed with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``) under a
key derived from ``SECRET_KEY``: a copy of the database alone, a backup or an export,
does not give away the organisation's secret at its identity provider.

Keys follow Django's own rotation: values are sealed under ``SECRET_KEY`` and opened
under it or any of ``SECRET_KEY_FALLBACKS``. A value no key opens (``SECRET_KEY`` changed
without the old one kept as a fallback) reads as empty, so the page asks for the secret
again rather than failing at sign-in.
"""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

log = logging.getLogger(__name__)

PREFIX = "sealed:v1:"  # marks a sealed value; anything else is a plaintext from before
_PURPOSE = b"peerassist sealed database values v1"


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def seal(plain: str) -> str:
    """``plain`` encrypted under the current key ("" stays "")."""
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    """The plain value; "" if no key opens it (logged), as is for a value never sealed."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        log.warning("A sealed value could not be opened: SECRET_KEY changed without a fallback")
        return ""


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
