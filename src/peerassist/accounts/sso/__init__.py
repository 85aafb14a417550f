"""Single sign-on with OpenID Connect, one provider per organisation (ADR 0017)."""
