"""Claims of the test provider, and two deliberately wrong clients.

A client whose name starts ``expired`` gets id tokens that expired ten minutes before they
were issued; one whose name starts ``wrong-audience`` gets tokens addressed to another
application. Everything else is django-oauth-toolkit's own, real behaviour.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator


class TestProviderValidator(OAuth2Validator):
    oidc_claim_scope = None  # release every claim below to every client

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "name": user.first_name,
        }

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        name = request.client.name
        if name.startswith("expired"):
            past = timezone.now() - timedelta(minutes=20)
            claims["iat"] = int(past.timestamp())
            claims["exp"] = int((past + timedelta(minutes=10)).timestamp())
        if name.startswith("wrong-audience"):
            claims["aud"] = "another-application"
        return claims, expiration
