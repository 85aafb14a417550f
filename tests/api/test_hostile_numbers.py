"""Numbers no client should send (2**63, −1) are a 400 or 404 with the error shape, never a 500."""

from __future__ import annotations

import pytest

from peerassist.accounts.models import User
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

HUGE = 2**63
LISTS = ["/api/v1/lessons", "/api/v1/projects", "/api/v1/reports/actions"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("param", ["limit", "offset"])
@pytest.mark.parametrize("value", [HUGE, 2**31, -1])
def test_list_endpoints_refuse_out_of_range_paging(
    api: ApiClient, member: User, path: str, param: str, value: int
) -> None:
    answer = api.login(member).get(path, **{param: value})
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert param in answer.json()["detail"]


@pytest.mark.parametrize("path", LISTS)
def test_the_largest_page_is_still_served(api: ApiClient, member: User, path: str) -> None:
    assert api.login(member).get(path, limit=200, offset=1_000_000).status_code == 200


@pytest.mark.parametrize("kind", ["direct", "theme", "determinant", "aar", "retrospect", "log"])
@pytest.mark.parametrize("source_id", [-1, 0, HUGE])
def test_a_lesson_source_id_out_of_range_is_refused(
    api: ApiClient, member: User, kind: str, source_id: int
) -> None:
    answer = api.login(member).post(
        "/api/v1/lessons",
        {
            "title": "Protect time",
            "lesson": "Agree it early.",
            "source_kind": kind,
            "source_id": source_id,
        },
    )
    assert answer.status_code == 400, answer.content
    assert "source_id" in answer.json()["detail"]
