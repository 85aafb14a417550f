"""Why a single sign-on was refused, in words the person can act on."""

from __future__ import annotations


class SsoRefused(Exception):
    """Sign-in refused; ``code`` goes to the audit log, ``detail`` to the sign-in page."""

    def __init__(self, code: str, detail: str, *, email: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.email = email  # the address the provider named, so the log can name the account
