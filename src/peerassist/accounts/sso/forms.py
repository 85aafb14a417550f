"""The sign-in form (an e-mail address, then an organisation if several take it) and the
administrators' settings form, each with messages a person can act on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms

from peerassist.accounts.models import OrganisationSso
from peerassist.accounts.sso.domains import domain_parse
from peerassist.core.forms import NhsForm

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_DOMAINS = 50


class SsoSignInForm(NhsForm):
    email = forms.EmailField(
        label="Your work e-mail address",
        help_text="Its domain tells us which organisation's sign-in service to use.",
        error_messages={
            "required": "Enter your work e-mail address",
            "invalid": "Enter an e-mail address like name@nhs.net",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    organisation = forms.TypedChoiceField(
        label="Your organisation",
        coerce=int,
        required=False,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the organisations listed"},
    )

    def __init__(self, *args: Any, configs: list[OrganisationSso] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.organisation_id, str(c.organisation)) for c in configs or []]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


def issuer_problem(issuer: str) -> str:
    """Why an issuer address cannot be used, or empty if it can."""
    parts = urlsplit(issuer)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return (
            "Enter the issuer as a full address, like "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        )
    if parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
        return (
            "The issuer must start with https:// (plain http:// is allowed only for a test "
            "provider on 127.0.0.1 or localhost)."
        )
    if parts.query or parts.fragment:
        return "Enter the issuer without anything after ? or #."
    if parts.username or parts.password:
        return "Enter the issuer without a user name or password in it."
    return ""


class SsoSettingsForm(NhsForm):
    """An organisation's provider. The secret field is blank: typing one replaces the old."""

    enabled = forms.ChoiceField(
        label="Single sign-on",
        choices=[("1", "Switched on"), ("", "Switched off")],
        required=False,
        widget=forms.RadioSelect,
        help_text="While it is off, nobody can sign in through the provider; passwords still work.",
    )
    provider_name = forms.CharField(
        label="Name of the sign-in service",
        max_length=80,
        required=False,
        help_text="What people see, such as “NHSmail” or “Northmoor staff account”.",
    )
    issuer = forms.CharField(
        label="Issuer",
        max_length=300,
        help_text="The provider's issuer address. Entra ID and NHSmail: "
        "https://login.microsoftonline.com/<tenant id>/v2.0",
        error_messages={"required": "Enter the issuer address"},
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    client_id = forms.CharField(
        label="Client id",
        max_length=200,
        help_text="The application (client) id the provider gave this site.",
        error_messages={"required": "Enter the client id"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_secret = forms.CharField(
        label="Client secret",
        max_length=500,
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    allowed_domains = forms.CharField(
        label="Allowed e-mail domains",
        max_length=5000,
        help_text="One a line, like northmoor.nhs.uk. People signing in with an address in "
        "one of these domains become members of this organisation.",
        error_messages={"required": "Enter at least one e-mail domain"},
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, instance: OrganisationSso | None = None, **kw: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kw:
            kw["initial"] = {
                "enabled": "1" if instance.enabled else "",
                "provider_name": instance.provider_name,
                "issuer": instance.issuer,
                "client_id": instance.client_id,
                "allowed_domains": "\n".join(instance.allowed_domains or []),
            }
        super().__init__(*args, **kw)
        hint = instance.secret_hint if instance is not None else ""
        self.fields["client_secret"].help_text = (
            f"A secret is saved ({hint}). Leave this blank to keep it, or type a new one."
            if hint
            else "The secret the provider gave this site. It is never shown again in full."
        )

    def clean_issuer(self) -> str:
        issuer = str(self.cleaned_data["issuer"]).strip()
        problem = issuer_problem(issuer)
        if problem:
            raise forms.ValidationError(problem)
        return issuer

    def clean_client_id(self) -> str:
        client_id = str(self.cleaned_data["client_id"]).strip()
        if any(ch.isspace() for ch in client_id):
            raise forms.ValidationError("A client id has no spaces in it.")
        return client_id

    def clean_allowed_domains(self) -> list[str]:
        good, bad = domain_parse(str(self.cleaned_data["allowed_domains"]))
        if bad:
            names = ", ".join(f"“{b}”" for b in bad[:3])
            raise forms.ValidationError(
                f"{names} {'is not a domain' if len(bad) == 1 else 'are not domains'}: write each "
                "like northmoor.nhs.uk, without @ or spaces, one a line."
            )
        if not good:
            raise forms.ValidationError("Enter at least one e-mail domain")
        if len(good) > MAX_DOMAINS:
            raise forms.ValidationError(f"List at most {MAX_DOMAINS} domains.")
        return good

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_secret = bool(data.get("client_secret")) or bool(
            self.instance is not None and self.instance.client_secret
        )
        if data.get("enabled") and not has_secret:
            self.add_error("client_secret", "Enter the client secret to switch sign-on on")
        return data
