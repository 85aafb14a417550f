"""A small real OpenID Connect provider (django-oauth-toolkit) for the single sign-on tests
and for trying single sign-on locally (``make sso-provider``). Never part of the product."""
