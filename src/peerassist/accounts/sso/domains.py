"""E-mail domains: how an organisation lists them, and which organisations take an address."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from peerassist.accounts.models import OrganisationSso

# Labels of letters, digits and hyphens (not at either end), at least two of them.
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def email_domain(email: str) -> str:
    """The part after the last @, lower case; empty when there is none."""
    _, at, domain = email.strip().lower().rpartition("@")
    return domain if at else ""


def domain_parse(text: str) -> tuple[list[str], list[str]]:
    """Domains typed one a line or separated by commas: (good ones in order, bad ones).

    International names are kept in their ASCII (``xn--``) form, which is what providers put
    in e-mail claims.
    """
    good: list[str] = []
    bad: list[str] = []
    for raw in re.split(r"[\r\n,;]+", text):
        raw = raw.strip()
        item = raw.lower().removeprefix("@").rstrip(".")
        if not item:
            continue
        try:
            item = item.encode("idna").decode("ascii")
        except UnicodeError:
            bad.append(raw)
            continue
        if not DOMAIN.match(item):
            bad.append(raw)
        elif item not in good:
            good.append(item)
    return good, bad


def organisations_for_email(email: str) -> QuerySet[OrganisationSso]:
    """Configurations switched on whose allowed domains include the address's domain.

    Several organisations may share a domain (NHSmail's nhs.net), so this is a list.
    """

    domain = email_domain(email)
    if not domain:
        return OrganisationSso.objects.none()
    configs = OrganisationSso.objects.filter(enabled=True).select_related("organisation")
    ids = [c.pk for c in configs if domain in (c.allowed_domains or [])]
    return configs.filter(pk__in=ids).order_by("organisation__name")
