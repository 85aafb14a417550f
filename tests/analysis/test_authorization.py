"""Every analysis API route: visitors and colleagues outside the host team are refused
(403), other organisations and guests of other peer assists see nothing (404)."""

from __future__ import annotations

import pytest

from peerassist.analysis.models import (
    Action,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    ThemeSuggestion,
    Vote,
)
from tests.analysis.conftest import Analysis
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _routes(an: Analysis) -> list[tuple[str, str, dict]]:
    theme = Theme.objects.create(assist=an.assist, title="Existing")
    other = Theme.objects.create(assist=an.assist, title="Other", order=1)
    suggestion = ThemeSuggestion.objects.create(
        assist=an.assist, title="S", note_ids=[an.notes[0].pk], backend="tfidf"
    )
    # Notes to add to a theme the team started (ADR 0019): accepted through the same route.
    add = ThemeSuggestion.objects.create(
        assist=an.assist,
        kind=ThemeSuggestion.Kind.ADD,
        theme=theme,
        title=theme.title,
        note_ids=[an.notes[2].pk],
        backend="tfidf",
    )
    determinant = Determinant.objects.create(
        project=an.assist.project, assist=an.assist, note=an.notes[0], valence="+1"
    )
    action = Action.objects.create(project=an.assist.project, assist=an.assist, text="A")
    AnalysisSettings.objects.create(assist=an.assist, voting=AnalysisSettings.Voting.OPEN)
    construct = CfirConstruct.objects.filter(organisation=None).first()
    assert construct is not None
    t = theme.pk
    return [
        ("post", "/themes", {"title": "New"}),
        ("patch", f"/themes/{t}", {"title": "Renamed"}),
        ("delete", f"/themes/{other.pk}", {}),
        ("post", f"/themes/{other.pk}/merge", {"into_id": t}),
        ("post", f"/themes/{t}/split", {"title": "S", "note_ids": [an.notes[0].pk]}),
        ("put", "/theme-order", {"theme_ids": [other.pk, t]}),
        ("post", "/placements", {"note_ids": [an.notes[0].pk], "theme_id": t}),
        ("post", "/suggestions", {}),
        ("post", f"/suggestions/{suggestion.pk}/accept", {}),
        ("post", f"/suggestions/{suggestion.pk}/dismiss", {}),
        ("post", f"/suggestions/{add.pk}/accept", {"note_ids": [an.notes[2].pk]}),
        ("post", f"/suggestions/{add.pk}/dismiss", {}),
        ("put", "/voting", {"budget": 5, "max_per_theme": 2}),
        ("post", "/voting/open", {}),
        ("post", "/voting/close", {}),
        ("put", f"/themes/{t}/my-vote", {"dots": 1}),
        (
            "post",
            "/determinants",
            {"valence": "-1", "construct_ids": [construct.pk], "note_id": an.notes[1].pk},
        ),
        ("delete", f"/determinants/{determinant.pk}", {}),
        ("post", "/constructs", {"code": "Z.1", "name": "Z", "domain": "Own"}),
        ("post", "/actions", {"text": "Do it"}),
        ("patch", f"/actions/{action.pk}", {"status": "done"}),
    ]


def _snapshot() -> tuple:
    return (
        list(Theme.objects.values_list("pk", "title", "order")),
        list(ThemeSuggestion.objects.values_list("pk", "status", "theme")),
        list(NotePlacement.objects.values_list("note", "theme")),
        Determinant.objects.count(),
        list(Action.objects.values_list("pk", "status")),
        Vote.objects.count(),
        list(AnalysisSettings.objects.values_list("voting", "vote_budget")),
        CfirConstruct.objects.count(),
    )


@pytest.mark.parametrize("who", ["visitor", "colleague"])
def test_read_only_people_are_refused_every_write(api: ApiClient, an: Analysis, who: str) -> None:
    """403 with a reason on every route; nothing changes."""
    routes = _routes(an)
    if who == "visitor":
        api.as_guest(an.visitor)
    else:
        api.login(an.colleague)
    before = _snapshot()
    for method, rest, body in routes:
        response = getattr(api, method)(an.path(rest), body)
        assert response.status_code == 403, (method, rest, response.content)
        assert response.json()["detail"], (method, rest)
    assert _snapshot() == before


def test_other_organisation_gets_404_on_every_route(api: ApiClient, an: Analysis, outsider) -> None:
    routes = _routes(an)
    api.login(outsider)
    before = _snapshot()
    assert api.get(an.path()).status_code == 404
    assert api.get(an.path("/construct-suggestions"), text="money").status_code == 404
    for method, rest, body in routes:
        response = getattr(api, method)(an.path(rest), body)
        assert response.status_code == 404, (method, rest, response.content)
    assert _snapshot() == before


def test_ids_from_another_peer_assist_are_not_found(api: ApiClient, an: Analysis) -> None:
    """A theme id of another organisation's peer assist is 404 inside this one."""
    stranger = Theme.objects.create(assist=an.other_assist, title="Theirs")
    api.login(an.host)
    assert api.patch(an.path(f"/themes/{stranger.pk}"), {"title": "Mine"}).status_code == 404
    assert api.delete(an.path(f"/themes/{stranger.pk}")).status_code == 404
    assert api.patch(an.path("/themes/abc"), {"title": "x"}).status_code in {400, 404}
    assert Theme.objects.get(pk=stranger.pk).title == "Theirs"
