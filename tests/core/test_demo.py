"""`peerassist demo` loads the demo once; running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "projects", "assists", "analysis", "lessons", "reports", "semantic"}
    }


@pytest.mark.django_db
def test_demo_is_idempotent_and_prints_the_logins() -> None:
    """The second run adds no row anywhere, and both runs print every demo login."""
    out = StringIO()
    call_command("demo", stdout=out)
    first = _counts()
    call_command("demo", stdout=out)
    assert _counts() == first
    assert first["accounts.User"] >= 7
    assert first["projects.Project"] >= 2
    assert "host.lead@northmoor.example" in out.getvalue()
    assert "peer-assist-demo" in out.getvalue()


@pytest.mark.django_db
def test_demo_if_empty_leaves_an_existing_database_alone(member) -> None:  # type: ignore[no-untyped-def]
    """With people already in the database, --if-empty loads nothing."""
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert _counts()["projects.Project"] == 0
