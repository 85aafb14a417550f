"""The document names, per route, the errors it can answer and when (issue #13), in the one
error shape, and the suite's check refuses an answer whose status its route does not list."""

from __future__ import annotations

from typing import Any

import pytest

from peerassist.api.app import api
from tests.documented_answers import check_documented


@pytest.fixture(scope="module")
def paths() -> dict[str, Any]:
    return dict(api.get_openapi_schema()["paths"])


def errors_of(paths: dict[str, Any], method: str, path: str) -> dict[str, str]:
    responses = paths[path][method]["responses"]
    return {str(s): r["description"] for s, r in responses.items() if int(s) >= 400}


def test_a_facilitator_only_write_documents_the_role_and_the_phase_conflict(
    paths: dict[str, Any],
) -> None:
    errors = errors_of(paths, "post", "/api/v1/assists/{assist_id}/phase")
    assert set(errors) == {"400", "401", "403", "404", "409", "413", "500", "503"}
    assert "facilitator" in errors["403"] and "CSRF" in errors["403"]
    assert "phase" in errors["409"]
    schema = paths["/api/v1/assists/{assist_id}/phase"]["post"]["responses"]["409"]
    assert schema["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_read_documents_no_conflict_and_no_csrf_refusal(paths: dict[str, Any]) -> None:
    errors = errors_of(paths, "get", "/api/v1/projects/{project_id}")
    assert set(errors) == {"400", "401", "404", "500", "503"}
    assert "Guests" in errors["401"]  # the projects API needs an account


def test_the_open_csrf_route_documents_only_faults(paths: dict[str, Any]) -> None:
    assert set(errors_of(paths, "get", "/api/v1/csrf")) == {"500", "503"}


def test_a_route_with_its_own_400_body_keeps_it(paths: dict[str, Any]) -> None:
    """The bulk paste's refusal lists the refused lines; it stays its own schema."""
    answer = paths["/api/v1/assists/{assist_id}/notes/bulk"]["post"]["responses"][400]
    schema = answer["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/BulkRefusedOut")


@pytest.mark.django_db
def test_the_suite_check_refuses_an_undocumented_status() -> None:
    check_documented("GET", "/api/v1/projects/1", 404)
    with pytest.raises(AssertionError, match=r"GET /api/v1/projects/\{project_id\} answered 409"):
        check_documented("GET", "/api/v1/projects/1", 409)
    check_documented("GET", "/api/v1/no-such-route", 404)  # not an operation: left alone
