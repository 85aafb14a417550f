"""The OpenID Connect relying party, per organisation, on mozilla-django-oidc.

mozilla-django-oidc does the code exchange, finds the signing key in the provider's JWKS
and checks the signature and the nonce. Its settings are global (one provider per site), so
this backend takes an organisation's configuration instead, and adds what the library leaves
out: the issuer, audience and expiry checks of OpenID Connect Core 3.1.3.7, and the rules of
this site (verified e-mail in an allowed domain; membership of that one organisation).
"""

from __future__ import annotations

from typing import Any

import jwt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from peerassist.accounts.models import Membership, OrganisationSso, SsoIdentity, User
from peerassist.accounts.sso.discovery import TIMEOUT, ProviderMetadata
from peerassist.accounts.sso.domains import email_domain
from peerassist.accounts.sso.errors import SsoRefused
from peerassist.audit.context import actor_fields, audit_context_set

BACKEND_PATH = "peerassist.accounts.sso.backend.OrganisationOidcBackend"
CALLBACK_URL_NAME = "accounts:sso_callback"
CLOCK_SKEW_SECONDS = 60
SIGNING_ALGORITHM = "RS256"  # what Entra ID and NHSmail sign with; "none" and HS* never


class OrganisationOidcBackend(OIDCAuthenticationBackend):
    """Signs a person in through their organisation's provider.

    Django also asks it for the user of a session it started (``get_user``); it never takes
    part in password sign-in (``authenticate`` answers ``None`` unless configured).
    """

    def __init__(
        self, config: OrganisationSso | None = None, metadata: ProviderMetadata | None = None
    ) -> None:
        self.UserModel = get_user_model()
        self.config = config
        self.OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        if config is not None and metadata is not None:
            self.OIDC_OP_TOKEN_ENDPOINT = metadata.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = metadata.userinfo_endpoint
            self.OIDC_OP_JWKS_ENDPOINT = metadata.jwks_uri
            self.OIDC_RP_CLIENT_ID = config.client_id
            self.OIDC_RP_CLIENT_SECRET = config.client_secret

    def get_settings(self, attr: str, *args: Any) -> Any:
        """The library's settings, fixed here rather than read from the site's settings."""
        fixed = {
            "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
            "OIDC_TIMEOUT": TIMEOUT,
            "OIDC_VERIFY_SSL": True,
            "OIDC_PROXY": None,
            "OIDC_USE_NONCE": True,
            "OIDC_VERIFY_KID": True,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_CREATE_USER": True,
            "OIDC_RP_SCOPES": "openid email profile",
        }
        if attr in fixed:
            return fixed[attr]
        return args[0] if args else None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if self.config is None:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    # -- the id token ---------------------------------------------------------------------

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """Signature, issuer, audience, expiry and issue time, each refused in words."""
        assert self.config is not None
        label = self.config.label
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError:
            raise SsoRefused(
                "token_invalid", f"{label} sent an answer that is not a token."
            ) from None
        if header.get("alg") != SIGNING_ALGORITHM:
            raise SsoRefused(
                "token_invalid", f"{label} signed its answer in a way this site does not accept."
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[SIGNING_ALGORITHM],
                audience=self.config.client_id,
                issuer=self.config.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SsoRefused(
                "token_expired",
                f"The sign-in from {label} had already expired when it arrived. Check the "
                "clock of this device is right, then try again.",
            ) from None
        except jwt.InvalidAudienceError:
            raise SsoRefused(
                "wrong_audience",
                f"{label} answered for another application, not this site. Ask your "
                "administrator to check the client id in the single sign-on settings.",
            ) from None
        except jwt.InvalidIssuerError:
            raise SsoRefused(
                "wrong_issuer",
                f"The answer did not come from {label}. Ask your administrator to check the "
                "issuer in the single sign-on settings.",
            ) from None
        except jwt.ImmatureSignatureError:
            raise SsoRefused(
                "token_not_yet_valid",
                f"{label}'s answer is dated in the future. Check the clock of this device.",
            ) from None
        except jwt.InvalidTokenError:
            raise SsoRefused(
                "token_invalid",
                f"{label}'s answer could not be checked (its signature or contents are wrong).",
            ) from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise SsoRefused(
                "wrong_audience", f"{label} answered for another application, not this site."
            )
        return claims

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The id token's claims; the userinfo endpoint only when the token has no e-mail."""
        if payload.get("email") or not self.OIDC_OP_USER_ENDPOINT:
            return payload
        extra = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(extra, dict) or extra.get("sub") != payload.get("sub"):
            return payload
        return {**extra, **payload, "email": extra.get("email")}

    # -- who the person is ----------------------------------------------------------------

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        assert self.config is not None
        label = self.config.label
        email = str(claims.get("email") or "").strip().lower()
        if not email:
            raise SsoRefused(
                "no_email",
                f"{label} did not tell us your e-mail address. Ask your administrator to "
                "release the e-mail claim to this site.",
            )
        if claims.get("email_verified") in (False, "false"):
            raise SsoRefused(
                "email_not_verified",
                f"{label} says your e-mail address {email} is not verified yet. Verify it "
                "there, then try again.",
                email=email,
            )
        if email_domain(email) not in (self.config.allowed_domains or []):
            raise SsoRefused(
                "domain_not_allowed",
                f"You signed in at {label} as {email}, and {self.config.organisation} does not "
                "accept that address's domain here. Sign in with your work account, or ask "
                "your administrator to add the domain.",
                email=email,
            )
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """The person this provider account is linked to, else the one with that e-mail."""
        assert self.config is not None
        linked = User.objects.filter(
            sso_identities__issuer=self.config.issuer, sso_identities__subject=claims["sub"]
        )
        if linked.exists():
            return linked
        return User.objects.filter(email__iexact=str(claims["email"]).strip())

    def create_user(self, claims: dict[str, Any]) -> User:
        with transaction.atomic():
            user = User.objects.create_user(
                str(claims["email"]).strip().lower(), None, full_name=_full_name(claims)
            )
            return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """Link the provider account and make the person a member (never a lower role)."""
        assert self.config is not None
        if not user.is_active:
            raise SsoRefused(
                "account_inactive",
                "This account is switched off. Ask your organisation's administrator.",
            )
        organisation = self.config.organisation
        audit_context_set(**actor_fields(user))  # the membership below is the person's doing
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.MEMBER}
        )
        SsoIdentity.objects.update_or_create(
            issuer=self.config.issuer,
            subject=str(claims["sub"]),
            defaults={"user": user, "organisation": organisation, "last_used_at": timezone.now()},
        )
        # As django.contrib.auth.authenticate would: login() and the audit read these.
        user.backend = BACKEND_PATH
        user.sso_organisation_id = organisation.pk  # type: ignore[attr-defined]
        return user


def _full_name(claims: dict[str, Any]) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(
            str(claims.get(part) or "").strip() for part in ("given_name", "family_name")
        ).strip()
    return (name or str(claims["email"]).split("@")[0])[:150]
