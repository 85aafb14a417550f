"""Lesson search: full text on SQLite and PostgreSQL, meaning, fusion, filters, pages, safety."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.models import Organisation, User
from peerassist.analysis.models import CfirConstruct
from peerassist.finding.fts import parse_query
from peerassist.finding.search import LessonFilters, lesson_search, rank_lessons, rrf_merge
from tests.conftest import ApiClient
from tests.factories import GuestFactory, LessonFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SEARCH = "/lessons/search/"
API = "/api/v1/search/lessons"


def page(user: User, **params: object) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def api_ids(api: ApiClient, **params: object) -> list[int]:
    response = api.get(API, **params)
    assert response.status_code == 200, response.content
    return [hit["id"] for hit in response.json()["results"]]


def import_lessons(organisation: Organisation, count: int, *, title: str, lesson: str) -> None:
    """Approved organisation lessons written in bulk, as an import does: no save signals, so
    no full-text rows until the index is rebuilt."""
    from peerassist.lessons.models import Lesson

    project = ProjectFactory(organisation=organisation)
    Lesson.objects.bulk_create(
        [
            Lesson(
                organisation=organisation,
                project=project,
                title=f"{title} {n}",
                lesson=lesson,
                status="approved",
                visibility="organisation",
                published_at=timezone.now(),
            )
            for n in range(count)
        ]
    )


def test_rrf_merge_rewards_agreement_between_rankings() -> None:
    """An id near the top of both rankings beats one at the top of only one (k = 60)."""
    fused = rrf_merge([[1, 2, 3], [2, 4, 1]])
    assert [pk for pk, _ in fused] == [2, 1, 4, 3]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_parse_query_keeps_words_phrases_exclusions_and_or() -> None:
    """Engine syntax never passes through: only words, phrases, -words and OR survive."""
    parsed = parse_query('"protected time" -locum NEAR(a* b) OR title:x ( ) ^')
    assert parsed.terms[0] == ("protected", "time")
    assert parsed.excluded == ["locum"]
    assert parsed.any_of is True
    assert ("near",) in parsed.terms and ("title",) in parsed.terms
    assert all(w.isalnum() for term in parsed.terms for w in term)


def test_full_text_finds_stemmed_words_and_ranks_title_first(
    member: User, org: Organisation
) -> None:
    """'referrals' finds 'referral'; a title match ranks above a body-only match."""
    project = ProjectFactory(organisation=org)
    body_only = LessonFactory(
        project=project, title="Weekly huddles", lesson="The referral form was too long."
    )
    in_title = LessonFactory(project=project, title="Referral pathways need one owner")
    LessonFactory(project=project, title="Unrelated", lesson="Parking at the hospital.")
    result = lesson_search(actor=member, query="referrals")
    ids = [hit.lesson.pk for hit in result.hits]
    assert ids[:2] == [in_title.pk, body_only.pk] or set(ids[:2]) == {in_title.pk, body_only.pk}
    assert ids.index(in_title.pk) < ids.index(body_only.pk)


def test_every_word_must_match_else_the_page_says_it_relaxed(
    member: User, org: Organisation
) -> None:
    """All words are required; when none has all, lessons with some are shown and flagged."""
    project = ProjectFactory(organisation=org)
    both = LessonFactory(
        project=project, title="Pharmacy discharge", lesson="Pharmacy led the discharge."
    )
    LessonFactory(project=project, title="Pharmacy stock", lesson="Order early.")
    result = lesson_search(actor=member, query="pharmacy discharge")
    assert result.hits[0].lesson.pk == both.pk and not result.relaxed
    relaxed = lesson_search(actor=member, query="pharmacy zebracrossing")
    assert relaxed.relaxed and relaxed.total >= 2
    assert "No lesson has every word" in page(member, q="pharmacy zebracrossing")


def test_highlights_escape_lesson_text_before_marking(member: User, org: Organisation) -> None:
    """Script in a lesson shows as text; matches are wrapped in <mark>, nothing else is markup."""
    LessonFactory(
        project=ProjectFactory(organisation=org),
        title="<script>alert('x')</script> Falls clinic",
        lesson="Falls dropped when <b>physio</b> & pharmacy met weekly.",
    )
    html = page(member, q="falls")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Falls</mark> clinic" in html
    assert "&lt;b&gt;physio&lt;/b&gt; &amp; pharmacy" in html
    hit = lesson_search(actor=member, query="<mark>falls</mark>").hits[0]
    assert "<mark>Falls</mark>" in hit.title_html and "<script>" not in hit.title_html


def test_highlights_mark_the_word_forms_the_engine_matched(member: User, org: Organisation) -> None:
    """A query for study marks "studies" (the old suffix-stripper missed it), and care leaves
    "career" unmarked (the old prefix match marked it): both engines stem the same way."""
    LessonFactory(
        project=ProjectFactory(organisation=org),
        title="Care home studies",
        lesson="Two studies of care and a career path for each healthcare assistant.",
    )
    hit = lesson_search(actor=member, query="study care").hits[0]
    assert hit.title_html == "<mark>Care</mark> home <mark>studies</mark>"
    assert "<mark>career</mark>" not in hit.snippet_html
    assert "<mark>healthcare</mark>" not in hit.snippet_html
    assert "Two <mark>studies</mark> of <mark>care</mark> and a career" in hit.snippet_html
    assert hit.matched_terms == ["study", "care"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "falls " * 2000,
        '"unbalanced',
        '""',
        "falls*",
        "*",
        "NEAR(falls clinic)",
        "falls NEAR clinic",
        "(((",
        ")",
        "OR",
        "AND OR NOT",
        "-",
        "-falls",
        "title:falls",
        "^falls",
        "falls'); DROP TABLE lessons_lesson; --",
        "\\",
        "{}[]<>!@#$%&",
        "ünïcödé – “quotes”",
        "falls\x00clinic",
    ],
)
def test_search_never_fails_on_odd_input(
    member: User, org: Organisation, api: ApiClient, query: str
) -> None:
    """Any text in the box gives a page and an API answer, never a server error."""
    LessonFactory(project=ProjectFactory(organisation=org), title="Falls clinic")
    client = Client()
    client.force_login(member)
    assert client.get(SEARCH, {"q": query}).status_code == 200
    response = api.login(member).get(API, q=query[:1000])
    assert response.status_code in (200, 422, 400), response.status_code


def test_too_long_api_query_is_a_clear_4xx(member: User, api: ApiClient) -> None:
    """The API refuses a query over 1,000 characters with a message, not a 500."""
    response = api.login(member).get(API, q="x" * 10_000)
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_pagination_pages_through_the_fused_list(
    member: User, org: Organisation, api: ApiClient
) -> None:
    """25 matches at 10 a page: three pages, the last with 5; a page past the end is empty."""
    project = ProjectFactory(organisation=org)
    for n in range(25):
        LessonFactory(project=project, title=f"Discharge lesson {n}", lesson="Discharge planning.")
    api.login(member)
    first = api.get(API, q="discharge", per_page=10).json()
    assert first["total"] == 25 and first["pages"] == 3
    seen = [
        h["id"] for p in (1, 2, 3) for h in api.get(API, q="discharge", page=p).json()["results"]
    ]
    assert len(seen) == 25 and len(set(seen)) == 25
    assert api.get(API, q="discharge", page=50).json()["results"] == []
    html = page(member, q="discharge", page=2)
    assert "Page 1 of 3" in html and "Page 3 of 3" in html
    assert page(member, q="discharge", page="not-a-number")


def test_filters_narrow_results(
    member: User, org: Organisation, other_org: Organisation, api: ApiClient
) -> None:
    """Valence, construct, domain, setting, organisation, evidence and dates each narrow."""
    construct = CfirConstruct.objects.filter(
        organisation__isnull=True, parent__isnull=False
    ).first()
    assert construct is not None
    project = ProjectFactory(organisation=org)
    old = timezone.now() - timedelta(days=400)
    barrier = LessonFactory(
        project=project,
        title="Rota gaps",
        valence="barrier",
        care_setting="Community pharmacy",
        evidence_level="research",
        published_at=old,
    )
    barrier.constructs.add(construct)
    enabler = LessonFactory(
        project=project, title="Rota champions", valence="enabler", care_setting="Acute ward"
    )
    shared = LessonFactory(
        project=ProjectFactory(organisation=other_org), title="Rota apps", visibility="shared"
    )
    api.login(member)
    assert set(api_ids(api, q="rota")) == {barrier.pk, enabler.pk, shared.pk}
    assert api_ids(api, q="rota", valence="barrier") == [barrier.pk]
    assert api_ids(api, q="rota", construct_code=construct.code) == [barrier.pk]
    assert api_ids(api, q="rota", domain=construct.domain) == [barrier.pk]
    assert api_ids(api, q="rota", setting="pharmacy") == [barrier.pk]
    assert api_ids(api, q="rota", evidence="research") == [barrier.pk]
    assert api_ids(api, q="rota", organisation=other_org.pk) == [shared.pk]
    recent = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert set(api_ids(api, q="rota", published_from=recent)) == {enabler.pk, shared.pk}
    assert api_ids(api, q="rota", published_to=recent) == [barrier.pk]
    assert api_ids(api, valence="barrier") == [barrier.pk]  # filters alone, no words
    html = page(member, q="rota", published_from="2026-02-30")
    assert "There is a problem" in html


def test_private_lessons_never_appear_to_another_organisation(
    member: User, outsider: User, org: Organisation, api: ApiClient
) -> None:
    """An organisation lesson is found by its members; others see only shared ones."""
    project = ProjectFactory(organisation=org)
    private = LessonFactory(
        project=project, title="Sepsis screening private", visibility="organisation"
    )
    shared = LessonFactory(project=project, title="Sepsis screening shared", visibility="shared")
    draft = LessonFactory(
        project=project, title="Sepsis screening draft", status="draft", visibility="shared"
    )
    assert set(api_ids(api.login(member), q="sepsis")) >= {private.pk, shared.pk}
    outsider_api = ApiClient().login(outsider)
    assert api_ids(outsider_api, q="sepsis") == [shared.pk]
    assert api_ids(outsider_api, q="sepsis screening private") in ([shared.pk], [])
    assert api_ids(outsider_api) == [shared.pk]
    html = page(outsider, q="sepsis")
    assert "<mark>Sepsis</mark> screening shared" in html
    assert "screening private" not in html
    assert draft.pk not in api_ids(outsider_api, q="draft")


def test_api_needs_a_signed_in_user(api: ApiClient) -> None:
    """Anonymous callers get 401 from every finding endpoint; the page redirects to sign in."""
    assert api.get(API, q="falls").status_code == 401
    assert api.get("/api/v1/search/subscriptions").status_code == 401
    assert api.get("/api/v1/search/learning-needs/1/related").status_code == 401
    assert api.get("/api/v1/search/learning-needs/1/people").status_code == 401
    assert Client().get(SEARCH).status_code == 302


def test_semantic_search_finds_meaning_without_shared_words(
    member: User,
    org: Organisation,
    sentence_model: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With the sentence model, 'staff burnout' finds a lesson about exhausted nurses."""
    with django_capture_on_commit_callbacks(execute=True):  # the embedding task runs on commit
        lesson = LessonFactory(
            project=ProjectFactory(organisation=org),
            title="Exhausted nurses left the ward",
            lesson="Tired nursing staff quit after months of overtime and stress.",
        )
        LessonFactory(
            project=ProjectFactory(organisation=org),
            title="Car park barrier",
            lesson="Fix the gate.",
        )
    result = lesson_search(actor=member, query="staff burnout")
    assert result.hits and result.hits[0].lesson.pk == lesson.pk
    assert any("similar in meaning" in r.lower() for r in result.hits[0].reasons)
    assert "sentence-embedding model" in page(member, q="staff burnout")


def test_tfidf_fallback_reranks_full_text_matches_and_says_so(
    member: User, org: Organisation, tfidf: None
) -> None:
    """Without the model, search is full text re-ranked by TF-IDF, and the page says which."""
    project = ProjectFactory(organisation=org)
    strong = LessonFactory(
        project=project, title="Falls prevention", lesson="Falls falls falls prevention at home."
    )
    weak = LessonFactory(project=project, title="Home visits", lesson="One fall was reported.")
    result = lesson_search(actor=member, query="falls prevention")
    assert result.hits[0].lesson.pk == strong.pk
    assert weak.pk not in [h.lesson.pk for h in result.hits] or result.total >= 1
    assert "TF-IDF" in page(member, q="falls")


def test_search_page_query_count_does_not_grow_with_results(
    member: User, org: Organisation, django_assert_max_num_queries: object
) -> None:
    """A page of ten results costs a fixed number of queries, however many lessons match."""
    project = ProjectFactory(organisation=org)
    for n in range(30):
        LessonFactory(project=project, title=f"Huddle lesson {n}")
    client = Client()
    client.force_login(member)
    client.get(SEARCH, {"q": "huddle"})
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        assert client.get(SEARCH, {"q": "huddle"}).status_code == 200


def test_build_search_index_indexes_lessons_saved_without_signals(
    member: User, org: Organisation
) -> None:
    """Lessons bulk-imported (no save signals) are found after `build_search_index`."""
    from django.core.management import call_command

    import_lessons(
        org, 3, title="Imported chiropody lesson", lesson="Imported from the old spreadsheet."
    )
    assert lesson_search(actor=member, query="chiropody").total == 0
    call_command("build_search_index", "--no-embeddings")
    assert lesson_search(actor=member, query="chiropody").total == 3


def test_best_matching_private_lesson_of_another_organisation_never_appears(
    member: User,
    outsider: User,
    org: Organisation,
    sentence_model: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Full text and meaning both rank only visible lessons, whatever matches best.

    The other organisation's private lesson and draft match every word and mean the same;
    the outsider's search, its relaxed (any word) form, its filters and its later pages
    still hold only what the outsider may see.
    """
    project = ProjectFactory(organisation=org)
    text = "Hospital discharge delays: pharmacy discharge medicines discharge letters."
    with django_capture_on_commit_callbacks(execute=True):  # embeddings are stored on commit
        private = LessonFactory(
            project=project, title="Pharmacy discharge medicines", lesson=text, valence="barrier"
        )
        draft = LessonFactory(
            project=project,
            title="Pharmacy discharge draft",
            lesson=text,
            status="draft",
            visibility="shared",
            valence="barrier",
        )
        shared = LessonFactory(
            project=project,
            title="Ward rounds",
            lesson="Pharmacy joined the ward round.",
            visibility="shared",
            valence="barrier",
        )
    hidden = {private.pk, draft.pk}
    assert {private.pk, shared.pk} <= {
        h.lesson.pk for h in lesson_search(actor=member, query="pharmacy discharge").hits
    }
    for query in ("pharmacy discharge", "pharmacy zebracrossing", "discharge medicines"):
        for filters in (None, LessonFilters(valence="barrier")):
            for number in (1, 2):
                result = lesson_search(actor=outsider, query=query, filters=filters, page=number)
                assert not hidden & {hit.lesson.pk for hit in result.hits}, (query, filters)
        result = lesson_search(actor=outsider, query=query)
        assert [hit.lesson.pk for hit in result.hits] == [shared.pk]
        assert result.total == 1
    fused, similarity, _, _ = rank_lessons(outsider, "pharmacy discharge medicines")
    assert [pk for pk, _ in fused] == [shared.pk] and set(similarity) <= {shared.pk}


def test_guests_and_anonymous_visitors_find_no_lessons(org: Organisation) -> None:
    """Search for someone who may see no lesson answers with nothing, not an error."""
    LessonFactory(project=ProjectFactory(organisation=org), title="Sepsis screening")
    for actor in (None, GuestFactory(organisation=org)):
        result = lesson_search(actor=actor, query="sepsis screening")
        assert result.total == 0 and result.hits == []
        assert rank_lessons(actor, "sepsis")[0] == []


def test_a_visible_match_ranked_below_hundreds_of_hidden_ones_is_found(
    outsider: User, org: Organisation, other_org: Organisation
) -> None:
    """Full text checks visibility past the best few hundred matches when it must."""
    from peerassist.finding.fts import fts_rebuild

    import_lessons(org, 650, title="Podiatry podiatry clinic", lesson="Podiatry podiatry podiatry.")
    fts_rebuild()
    own = LessonFactory(
        project=ProjectFactory(organisation=other_org),
        title="Foot care",
        lesson="A long lesson that mentions podiatry once among many other words.",
    )
    result = lesson_search(actor=outsider, query="podiatry")
    assert [hit.lesson.pk for hit in result.hits] == [own.pk] and result.total == 1
