"""Dot voting: the facilitator's settings, hidden votes, ranking, and the budget under load."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from peerassist.analysis.access import analysis_access
from peerassist.analysis.models import Theme, Vote
from peerassist.analysis.services import vote_set
from peerassist.core.errors import DomainError
from tests.analysis.conftest import Analysis, make_analysis
from tests.conftest import ApiClient


def _themes(api: ApiClient, an: Analysis, count: int = 3) -> list[int]:
    api.login(an.host)
    return [
        api.post(an.path("/themes"), {"title": f"Theme {i}"}).json()["theme"]["id"]
        for i in range(count)
    ]


def _open(an: Analysis, budget: int = 3, most: int = 2) -> None:
    facilitator = ApiClient()
    facilitator._csrf()
    facilitator.login(an.facilitator)
    assert (
        facilitator.put(an.path("/voting"), {"budget": budget, "max_per_theme": most}).status_code
        == 200
    )
    assert facilitator.post(an.path("/voting/open")).status_code == 200


@pytest.mark.django_db
def test_only_the_facilitator_runs_voting(api: ApiClient, an: Analysis) -> None:
    """The host lead cannot set dots or open voting: 403 not_facilitator."""
    _themes(api, an, 1)
    response = api.put(an.path("/voting"), {"budget": 5, "max_per_theme": 2})
    assert response.status_code == 403
    assert response.json()["code"] == "not_facilitator"
    assert api.post(an.path("/voting/open")).status_code == 403


@pytest.mark.django_db
def test_votes_stay_hidden_until_voting_closes_then_themes_are_ranked(
    api: ApiClient, an: Analysis
) -> None:
    """While voting is open a voter sees only their own dots; once closed, totals and ranks."""
    t1, t2, t3 = _themes(api, an)
    _open(an)
    assert api.put(an.path(f"/themes/{t2}/my-vote"), {"dots": 2}).json()["dots_left"] == 1
    member = ApiClient()
    member._csrf()
    member.login(an.host_member)
    member.put(an.path(f"/themes/{t2}/my-vote"), {"dots": 1})
    member.put(an.path(f"/themes/{t3}/my-vote"), {"dots": 2})
    seen = member.get(an.path()).json()
    assert [t["total_dots"] for t in seen["themes"]] == [None, None, None]
    assert [t["my_dots"] for t in seen["themes"]] == [0, 1, 2]
    fac = ApiClient()
    fac._csrf()
    fac.login(an.facilitator)
    assert fac.post(an.path("/voting/close")).status_code == 200
    state = api.get(an.path()).json()
    ranks = {t["id"]: (t["total_dots"], t["rank"]) for t in state["themes"]}
    assert ranks == {t2: (3, 1), t3: (2, 2), t1: (0, None)}
    # The page lists the unvoted theme (made first) last, without a rank.
    from django.test import Client

    page = Client()
    page.force_login(an.host)
    html = page.get(f"/analysis/assists/{an.assist.pk}/analysis/").content.decode()
    html = html[html.index('class="pa-an-themes"') :]
    assert html.index("Theme 1") < html.index("Theme 2") < html.index("Theme 0")
    assert "(0 notes, no dots)" in html


@pytest.mark.django_db
def test_a_voter_cannot_exceed_the_budget_or_the_most_per_theme(
    api: ApiClient, an: Analysis
) -> None:
    """Budget 3, at most 2 on one theme: a third dot on one theme and a fourth overall fail."""
    t1, t2, _ = _themes(api, an)
    _open(an, budget=3, most=2)
    too_many = api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 3})
    assert too_many.status_code == 400 and too_many.json()["code"] == "out_of_range"
    assert api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 2}).status_code == 200
    over = api.put(an.path(f"/themes/{t2}/my-vote"), {"dots": 2})
    assert over.status_code == 409
    assert over.json()["code"] == "over_budget"
    assert "1 of your 3 dots left" in over.json()["detail"]
    # A retried request sets the same dots again, it does not add them.
    assert api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 2}).json()["dots_left"] == 1
    assert api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 0}).json()["dots_left"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("dots", [-1, "two", None, 1.5])
def test_bad_dots_are_refused(api: ApiClient, an: Analysis, dots: object) -> None:
    (t1,) = _themes(api, an, 1)
    _open(an)
    response = api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": dots})
    assert response.status_code == 400
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_visitors_and_colleagues_cannot_vote_and_nobody_votes_for_others(
    api: ApiClient, an: Analysis
) -> None:
    """Visitors and non-host colleagues get 403; a voter id in the body is simply ignored."""
    (t1,) = _themes(api, an, 1)
    _open(an)
    visitor = ApiClient()
    visitor._csrf()
    visitor.as_guest(an.visitor)
    refused = visitor.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 1})
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_voter"
    colleague = ApiClient()
    colleague._csrf()
    colleague.login(an.colleague)
    assert colleague.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 1}).status_code == 403
    api.put(
        an.path(f"/themes/{t1}/my-vote"),
        {"dots": 1, "voter_id": an.people["host_member"].pk},
    )
    assert list(Vote.objects.values_list("voter_id", flat=True)) == [an.people["host_lead"].pk]


@pytest.mark.django_db
def test_voting_must_be_open_and_themes_cannot_be_merged_while_it_is(
    api: ApiClient, an: Analysis
) -> None:
    t1, t2, _ = _themes(api, an)
    closed = api.put(an.path(f"/themes/{t1}/my-vote"), {"dots": 1})
    assert closed.status_code == 409 and closed.json()["code"] == "voting_not_open"
    _open(an)
    merge = api.post(an.path(f"/themes/{t1}/merge"), {"into_id": t2})
    assert merge.status_code == 409 and merge.json()["code"] == "voting_open"


@pytest.mark.django_db(transaction=True)
def test_budget_holds_when_one_voter_sends_many_requests_at_once(org, other_org) -> None:
    """Eight threads place one dot each on eight themes for one voter with 3 dots: 3 land.

    Runs on SQLite (writers queue) and PostgreSQL (the voter's row lock queues them).
    """
    an = make_analysis(org, other_org)
    access = analysis_access(an.host, an.assist.pk)
    themes = [Theme.objects.create(assist=an.assist, title=f"T{i}", order=i) for i in range(8)]
    from peerassist.analysis.models import AnalysisSettings

    AnalysisSettings.objects.create(
        assist=an.assist, vote_budget=3, max_per_theme=1, voting=AnalysisSettings.Voting.OPEN
    )
    start = threading.Barrier(len(themes))
    outcomes: list[str] = []
    lock = threading.Lock()

    def cast(theme: Theme) -> None:
        try:
            start.wait()
            vote_set(access=access, theme=theme, dots=1)
            result = "ok"
        except DomainError as error:
            result = error.code
        except BaseException as error:  # the test reports anything unexpected
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=cast, args=(t,)) for t in themes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["ok"] * 3 + ["over_budget"] * 5
    assert sum(Vote.objects.values_list("dots", flat=True)) == 3


@pytest.mark.django_db
def test_open_voting_uses_the_dots_typed_beside_it_without_saving_first(
    api: ApiClient, an: Analysis
) -> None:
    """The facilitator types 7 and 3 and presses "Open voting": voting opens with 7 and 3.
    A bad number opens nothing and says what to fix."""
    from django.test import Client

    from peerassist.analysis.models import AnalysisSettings

    _themes(api, an, 1)
    page = Client()
    page.force_login(an.facilitator)
    url = f"/analysis/assists/{an.assist.pk}/analysis/voting/"
    bad = page.post(url, {"step": "open", "budget": "lots", "max_per_theme": "3"})
    assert bad.status_code == 400
    assert "The number of dots per person must be a whole number." in bad.content.decode()
    assert not AnalysisSettings.objects.filter(voting=AnalysisSettings.Voting.OPEN).exists()
    assert page.post(url, {"step": "open", "budget": "7", "max_per_theme": "3"}).status_code == 302
    settings = AnalysisSettings.objects.get(assist=an.assist)
    assert (settings.voting, settings.vote_budget, settings.max_per_theme) == ("open", 7, 3)
