"""Planning pages: who sees what, forms that work without JavaScript, and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.models import PHASE_ORDER as PHASES
from peerassist.assists.models import AgendaItem, Attachment, Participant, PeerAssist
from peerassist.assists.planning.agenda import agenda_apply_template
from tests.assists.planning.planning_fixtures import (  # noqa: F401
    Cast,
    cast_fixture,
    invite_herself,
)

ROLES = [
    "host",
    "facilitator",
    "km",
    "reader",
    "outsider",
    "invited",
    "guest",
    "other_guest",
    "anonymous",
]
LOGIN = "login"
EXPECTED = {
    "read": {
        "host": 200,
        "facilitator": 200,
        "km": 200,
        "reader": 200,
        "outsider": 404,
        "invited": 200,
        "guest": 403,
        "other_guest": 404,
        "anonymous": LOGIN,
    },
    "plan_get": {
        "host": 200,
        "facilitator": 200,
        "km": 200,
        "reader": 403,
        "outsider": 404,
        "invited": 403,
        "guest": 403,
        "other_guest": 404,
        "anonymous": LOGIN,
    },
    "plan_post": {
        "host": 302,
        "facilitator": 302,
        "km": 302,
        "reader": 403,
        "outsider": 404,
        "invited": 403,
        "guest": 403,
        "other_guest": 404,
        "anonymous": LOGIN,
    },
    "briefing": {
        "host": 200,
        "facilitator": 200,
        "km": 200,
        "reader": 200,
        "outsider": 404,
        "invited": 200,
        "guest": 200,
        "other_guest": 404,
        "anonymous": LOGIN,
    },
    "briefing_file": {
        "host": 200,
        "facilitator": 200,
        "km": 200,
        "reader": 200,
        "outsider": 404,
        "invited": 200,
        "guest": 200,
        "other_guest": 404,
        "anonymous": 404,
    },
    # A colleague's reply to their invitation, on the peer assist page: the invited
    # facilitator only; guests reply on their invitation page.
    "reply": {
        "host": 403,
        "facilitator": 302,
        "km": 403,
        "reader": 403,
        "outsider": 404,
        "invited": 302,
        "guest": 403,
        "other_guest": 404,
        "anonymous": LOGIN,
    },
    "invitation": {
        "host": 302,
        "facilitator": 302,
        "km": 302,
        "reader": 302,
        "outsider": 404,
        "invited": 302,
        "guest": 200,
        "other_guest": 404,
        "anonymous": 404,
    },
}

PAGES = [
    ("read", "GET", "/assists/{a}/plan/", None),
    ("plan_get", "GET", "/assists/{a}/plan/details/", None),
    ("plan_post", "POST", "/assists/{a}/plan/status/", {"to_status": "planning"}),
    ("read", "GET", "/assists/{a}/plan/agenda/", None),
    ("plan_post", "POST", "/assists/{a}/plan/agenda/template/", {"template": "short_90"}),
    (
        "plan_post",
        "POST",
        "/assists/{a}/plan/agenda/add/",
        {"title": "Break", "phase": "ask", "lead": "all", "minutes": "10"},
    ),
    ("plan_get", "GET", "/assists/{a}/plan/agenda/{item}/", None),
    ("plan_post", "POST", "/assists/{a}/plan/agenda/{item}/move/", {"direction": "down"}),
    ("plan_post", "POST", "/assists/{a}/plan/agenda/{item}/delete/", {}),
    ("read", "GET", "/assists/{a}/plan/people/", None),
    (
        "plan_post",
        "POST",
        "/assists/{a}/plan/people/colleague/",
        {"colleague-user": "{colleague}", "colleague-role": "note_taker"},
    ),
    (
        "plan_post",
        "POST",
        "/assists/{a}/plan/people/visitor/",
        {"visitor-name": "Ada", "visitor-email": "ada@else.example", "visitor-role": "visitor"},
    ),
    ("plan_post", "POST", "/assists/{a}/plan/people/{p}/remove/", {}),
    ("plan_post", "POST", "/assists/{a}/plan/people/{p}/resend/", {}),
    ("plan_post", "POST", "/assists/{a}/plan/people/{p}/revoke/", {}),
    ("plan_post", "POST", "/assists/{a}/plan/invitations/", {}),
    ("read", "GET", "/assists/{a}/plan/logistics/", None),
    ("plan_post", "POST", "/assists/{a}/plan/logistics/", {"done": ["facilitator"]}),
    ("briefing", "GET", "/assists/{a}/briefing/", None),
    ("briefing_file", "GET", "/assists/{a}/briefing.pdf", None),
    ("briefing_file", "GET", "/assists/{a}/briefing/files/{f}/", None),
    ("plan_post", "POST", "/assists/{a}/briefing/files/{f}/delete/", {}),
    ("invitation", "GET", "/assists/{a}/invitation/", None),
    ("reply", "POST", "/assists/{a}/reply/", {"rsvp": "accepted"}),
]


def browser_for(cast: Cast, role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    actor = cast.actor(role)
    if "guest" in role:
        session = client.session
        session[GUEST_SESSION_KEY] = actor.pk
        session.save()
    else:
        client.force_login(actor)
    return client


def ids_for(cast: Cast) -> dict[str, Any]:
    invite_herself(cast)
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    Participant.objects.filter(assist=cast.assist, user=cast.facilitator).update(
        rsvp=Participant.Rsvp.PENDING, invited_at=timezone.now()
    )
    attachment = Attachment.objects.create(
        assist=cast.assist,
        file=SimpleUploadedFile("a.txt", b"hello"),
        original_name="a.txt",
        content_type="text/plain",
        size=5,
    )
    return {
        "a": cast.assist.pk,
        "item": cast.assist.agenda_items.first().pk,  # type: ignore[union-attr]
        "p": cast.guest.participant.pk,
        "f": attachment.pk,
        "colleague": cast.colleague.pk,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "method", "path", "data"), PAGES)
def test_every_planning_page_answers_each_role(
    cast: Cast, role: str, kind: str, method: str, path: str, data: Any
) -> None:
    """Planners edit, colleagues read, a guest sees only their invitation and briefing,
    other organisations and other guests get 404, and the signed-out are sent to sign in."""
    ids = ids_for(cast)
    client = browser_for(cast, role)
    url = path.format(**ids)
    if method == "GET":
        response = client.get(url)
    else:
        body = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in data.items()}
        response = client.post(url, body)
    expected = EXPECTED[kind][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.content[:400])


@pytest.mark.parametrize(
    ("role", "expected"),
    [("host", 200), ("km", 200), ("facilitator", 403), ("reader", 403), ("outsider", 404)],
)
def test_only_the_host_team_opens_the_new_plan_form(cast: Cast, role: str, expected: int) -> None:
    """The "Plan a peer assist" form is for the project's host team and knowledge managers."""
    response = browser_for(cast, role).get(f"/assists/new/{cast.assist.project_id}/")
    assert response.status_code == expected


def test_project_page_links_to_planning_for_the_host_team_only(cast: Cast) -> None:
    """The host team sees "Plan a peer assist" on the project page; a reader does not."""
    url = f"/projects/{cast.assist.project_id}/"
    assert "Plan a peer assist" in browser_for(cast, "host").get(url).content.decode()
    assert "Plan a peer assist" not in browser_for(cast, "reader").get(url).content.decode()


def test_creating_a_plan_without_javascript(cast: Cast) -> None:
    """The form posts, the plan is created in draft and the planning page warns what to fix."""
    client = browser_for(cast, "host")
    day = timezone.localdate() + timedelta(days=20)
    response = client.post(
        f"/assists/new/{cast.assist.project_id}/",
        {
            "title": "Learning from Harbour",
            "purpose": "Learn",
            "mode": "in_person",
            "date": day.isoformat(),
            "starts_at": "09:00",
            "ends_at": "12:00",
            "bar": str(cast.assist.bar_id),
        },
        follow=True,
    )
    assert response.status_code == 200
    assist = PeerAssist.objects.get(title="Learning from Harbour")
    assert assist.status == "draft" and assist.created_by == cast.host
    page = response.content.decode()
    assert "A peer assist is for learning before you decide" in page
    assert "Move to:" in page


@pytest.mark.parametrize("facilitates", [False, True])
def test_the_planner_is_on_the_people_list_and_the_checks_name_missing_roles(
    cast: Cast, facilitates: bool
) -> None:
    """The planner joins as host lead (and as facilitator if they tick it), so their own
    live board gives them controls; the plan warns while the facilitator or note taker is
    missing."""
    client = browser_for(cast, "host")
    form = client.get(f"/assists/new/{cast.assist.project_id}/").content.decode()
    assert "I will facilitate this peer assist" in form
    data = {"title": "Learning from Harbour", "mode": "in_person"}
    if facilitates:
        data["planner_facilitates"] = "on"
    response = client.post(f"/assists/new/{cast.assist.project_id}/", data, follow=True)
    assist = PeerAssist.objects.get(title="Learning from Harbour")
    roles = set(assist.participants.filter(user=cast.host).values_list("role", flat=True))
    expected = {"host_lead", "facilitator"} if facilitates else {"host_lead"}
    assert roles == expected
    planner_rsvps = set(assist.participants.filter(user=cast.host).values_list("rsvp", flat=True))
    assert planner_rsvps == {"accepted"}  # nobody e-mails the planner an invitation
    page = response.content.decode()
    assert "Nobody is the note taker yet." in page
    assert ("Nobody is the facilitator yet." in page) is not facilitates
    board = client.get(f"/api/v1/assists/{assist.pk}/board").json()
    assert board["me"]["role"] == ("facilitator" if facilitates else "host_lead")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2001-01-01"}, "The date must be today or in the future."),
        ({"starts_at": "12:00", "ends_at": "11:00"}, "The end time must be after the start time."),
        ({"title": ""}, "Give the peer assist a title."),
        ({"video_link": "not a link"}, "Enter the video link as a full web address"),
        ({"date": "31/02/2027"}, "Enter a real date"),
    ],
)
def test_bad_plan_input_shows_the_error_summary_and_saves_nothing(
    cast: Cast, change: dict[str, str], message: str
) -> None:
    """Past dates, end before start, an empty title or a bad link are named; nothing is saved."""
    client = browser_for(cast, "host")
    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    data = {"title": "Another", "mode": "in_person", "date": day, **change}
    response = client.post(f"/assists/new/{cast.assist.project_id}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert PeerAssist.objects.count() == 2  # the fixture's two only


def test_a_script_in_a_title_is_shown_as_text_everywhere(cast: Cast) -> None:
    """Markup typed into a title or agenda item is escaped on every page, and in the PDF."""
    script = "<script>alert('x')</script>"
    PeerAssist.objects.filter(pk=cast.assist.pk).update(title=script, purpose=script)
    AgendaItem.objects.create(assist=cast.assist, title=script, phase="ask", minutes=10)
    client = browser_for(cast, "host")
    for url in ["plan/", "plan/agenda/", "plan/people/", "plan/logistics/"]:
        page = client.get(f"/assists/{cast.assist.pk}/{url}").content.decode()
        assert script not in page
        assert "&lt;script&gt;" in page
    guest_page = browser_for(cast, "guest").get(f"/assists/{cast.assist.pk}/briefing/")
    assert script not in guest_page.content.decode()
    pdf = client.get(f"/assists/{cast.assist.pk}/briefing.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_agenda_reorders_with_plain_buttons_and_shows_the_total(cast: Cast) -> None:
    """ "Up" and "Down" are form buttons: they work without JavaScript, and htmx reuses them."""
    client = browser_for(cast, "host")
    client.post(f"/assists/{cast.assist.pk}/plan/agenda/template/", {"template": "short_90"})
    items = list(cast.assist.agenda_items.all())
    response = client.post(
        f"/assists/{cast.assist.pk}/plan/agenda/{items[0].pk}/move/",
        {"direction": "down"},
        follow=True,
    )
    assert [i.pk for i in cast.assist.agenda_items.all()][:2] == [items[1].pk, items[0].pk]
    page = response.content.decode()
    assert 'id="agenda-total">90<' in page
    assert 'hx-post="' in page and 'hx-select="#agenda"' in page
    bad = client.post(
        f"/assists/{cast.assist.pk}/plan/agenda/add/",
        {"title": "", "phase": "ask", "lead": "all", "minutes": "abc"},
    )
    assert bad.status_code == 400
    assert "Give the item a title." in bad.content.decode()
    assert cast.assist.agenda_items.count() == 6


def test_people_page_adds_people_sends_invitations_and_shows_replies(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """Visitors and colleagues are added by form; invitations are queued and e-mailed after
    the request, and the list says whether each one has gone; replies show."""
    client = browser_for(cast, "host")
    base = f"/assists/{cast.assist.pk}/plan/people/"
    response = client.post(
        base + "visitor/",
        {
            "visitor-name": "Ada Lovelace",
            "visitor-email": "ada@else.example",
            "visitor-organisation_name": "Analytical Trust",
            "visitor-role": "visitor",
            "visitor-experience": "Ran the same clinic.",
        },
    )
    assert response.status_code == 302
    unknown = client.post(
        base + "colleague/", {"colleague-user": str(cast.outsider.pk), "colleague-role": "visitor"}
    )
    assert unknown.status_code == 400
    assert "Choose a colleague from the list." in unknown.content.decode()
    bad_mail = client.post(
        base + "visitor/", {"visitor-name": "X", "visitor-email": "nope", "visitor-role": "visitor"}
    )
    assert bad_mail.status_code == 400
    assert "Enter an e-mail address" in bad_mail.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/assists/{cast.assist.pk}/plan/invitations/", follow=True)
        page = sent.content.decode()
        assert "3 invitations queued to be e-mailed." in page
        assert page.count("Invitation e-mail queued, not sent yet") == 3
        assert mail.outbox == []
    assert {m.to[0] for m in mail.outbox} == {
        "ada@else.example",
        cast.guest.email,
        cast.facilitator.email,
    }
    cast.assist.refresh_from_db()
    assert cast.assist.status == "invited"
    page = client.get(base).content.decode()
    assert "Awaiting reply" in page and "Analytical Trust" in page
    assert page.count("Invitation e-mailed ") == 3
    assert "queued, not sent yet" not in page


def test_guest_lands_on_the_invitation_page_and_replies(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """The e-mailed link admits the guest to their invitation: purpose, agenda, privacy and
    a reply that needs consent to record notes unless they decline."""
    agenda_apply_template(assist=cast.assist, template_key="four_part")
    host = browser_for(cast, "host")
    with django_capture_on_commit_callbacks(execute=True):
        host.post(f"/assists/{cast.assist.pk}/plan/invitations/")
    guest_mail = next(m for m in mail.outbox if m.to == [cast.guest.email])
    token_url = "/accounts/guest/" + guest_mail.body.split("/accounts/guest/")[1].split()[0]
    visitor = Client()
    page = visitor.get(token_url, follow=True)
    assert page.redirect_chain[-1][0] == f"/assists/{cast.assist.pk}/invitation/"
    text = page.content.decode()
    for expected in [
        cast.assist.purpose,
        "Privacy",
        "Welcome, aims and introductions",
        "I agree that the notes I write",
    ]:
        assert expected in text
    refused = visitor.post(f"/assists/{cast.assist.pk}/invitation/", {"rsvp": "accepted"})
    assert refused.status_code == 400
    assert "Tick the box to agree" in refused.content.decode()
    assert Participant.objects.get(pk=cast.guest.participant.pk).rsvp == "pending"
    visitor.post(f"/assists/{cast.assist.pk}/invitation/", {"rsvp": "accepted", "consent": "on"})
    assert Participant.objects.get(pk=cast.guest.participant.pk).rsvp == "accepted"
    assert visitor.get(f"/assists/{cast.assist.pk}/plan/").status_code == 403
    assert visitor.get(f"/projects/{cast.assist.project_id}/").status_code in {302, 404}


def test_a_50_mb_upload_is_refused_with_a_clear_message(cast: Cast, settings: Any) -> None:
    """A 50 MB file gets 413 and a message saying the limit; nothing is stored."""
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("huge.pdf", b"%PDF" + b"0" * (50 * 1024 * 1024))
    response = browser_for(cast, "host").post(
        f"/assists/{cast.assist.pk}/briefing/files/", {"file": big}
    )
    assert response.status_code == 413
    assert "The file is too big. Upload a file of 10 MB or less" in response.content.decode()
    assert not Attachment.objects.exists()


def test_uploaded_papers_download_only_through_the_access_check(cast: Cast) -> None:
    """A paper is stored under the data directory and served only to people who may see it."""
    client = browser_for(cast, "host")
    response = client.post(
        f"/assists/{cast.assist.pk}/briefing/files/",
        {"file": SimpleUploadedFile("Context.docx", b"PK\x03\x04 word")},
        follow=True,
    )
    assert "File added to the briefing pack." in response.content.decode()
    attachment = Attachment.objects.get()
    assert not attachment.file.url.startswith("/assists/")  # storage has no public route...
    url = f"/assists/{cast.assist.pk}/briefing/files/{attachment.pk}/"
    download = browser_for(cast, "guest").get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="Context.docx"')
    assert browser_for(cast, "outsider").get(url).status_code == 404
    assert browser_for(cast, "other_guest").get(url).status_code == 404
    bad = client.post(
        f"/assists/{cast.assist.pk}/briefing/files/", {"file": SimpleUploadedFile("run.exe", b"MZ")}
    )
    assert bad.status_code == 400 and "That type of file cannot be added" in bad.content.decode()


def test_illegal_status_move_on_the_page_says_why(cast: Cast) -> None:
    """Trying to go live from draft is refused with the reason; the history shows legal moves."""
    client = browser_for(cast, "host")
    refused = client.post(f"/assists/{cast.assist.pk}/plan/status/", {"to_status": "live"})
    assert refused.status_code == 409
    assert "cannot move from" in refused.content.decode()
    client.post(
        f"/assists/{cast.assist.pk}/plan/status/",
        {"to_status": "planning", "reason": "Dates agreed"},
    )
    page = client.get(f"/assists/{cast.assist.pk}/plan/").content.decode()
    assert "Draft → Planning, by Hana Host" in page and "Dates agreed" in page


def test_plan_page_query_count_does_not_grow_with_people(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    """The people page costs the same number of queries for 2 or 20 participants."""
    from tests.factories import ParticipantFactory

    client = browser_for(cast, "host")
    url = f"/assists/{cast.assist.pk}/plan/people/"
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(18):
        ParticipantFactory(assist=cast.assist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_change_form_is_filled_in_and_saves_unchanged(cast: Cast) -> None:
    """The change form shows the saved date and times, so saving it as it is changes nothing."""
    PeerAssist.objects.filter(pk=cast.assist.pk).update(
        starts_at="09:30", ends_at="12:00", open_decisions="Which team first"
    )
    client = browser_for(cast, "host")
    url = f"/assists/{cast.assist.pk}/plan/details/"
    page = client.get(url).content.decode()
    assert f'value="{cast.assist.date.isoformat()}"' in page
    assert 'value="09:30"' in page
    data = {
        "title": cast.assist.title,
        "mode": "in_person",
        "date": cast.assist.date.isoformat(),
        "starts_at": "09:30",
        "ends_at": "12:00",
        "open_decisions": "Which team first",
        "bar": str(cast.assist.bar_id),
    }
    assert client.post(url, data).status_code == 302


def test_people_finder_links_prefill_the_visitor_form_without_saving(client, db) -> None:  # type: ignore[no-untyped-def]
    """An "Invite as visitor" link fills in the form; nobody is added until it is submitted."""
    from peerassist.assists.models import Participant
    from tests.factories import PeerAssistFactory, ProjectMemberFactory, UserFactory

    assist = PeerAssistFactory()
    host = UserFactory(organisation=assist.organisation)
    ProjectMemberFactory(project=assist.project, user=host)
    client.force_login(host)
    page = client.get(
        f"/assists/{assist.pk}/plan/people/",
        {"visitor-name": "Vic <b>Visitor</b>", "visitor-email": "vic@elsewhere.example"},
    ).content.decode()
    assert 'value="Vic &lt;b&gt;Visitor&lt;/b&gt;"' in page
    assert 'value="vic@elsewhere.example"' in page
    assert not Participant.objects.filter(assist=assist).exists()


def test_colleague_replies_from_the_peer_assist_page_and_home_page(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """Before the invitations go, the page says a reply can come later; once invited, the
    home page lists the invitation, the peer assist page takes the answer without
    JavaScript, shows it, and the planners' list shows it too."""
    facilitator = browser_for(cast, "facilitator")
    detail = f"/assists/{cast.assist.pk}/"
    early = facilitator.get(detail).content.decode()
    assert "You are on the list as facilitator." in early
    assert "has not sent the invitations yet" in early
    assert f'action="{detail}reply/"' not in early
    assert "Invitations waiting for your reply" not in facilitator.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        browser_for(cast, "host").post(f"/assists/{cast.assist.pk}/plan/invitations/")
    home = facilitator.get("/").content.decode()
    assert "Invitations waiting for your reply" in home
    assert f'href="{detail}#reply"' in home
    page = facilitator.get(detail).content.decode()
    assert f'action="{detail}reply/"' in page
    assert "Will you take part?" in page

    replied = facilitator.post(f"{detail}reply/", {"rsvp": "tentative"}, follow=True)
    assert replied.redirect_chain[-1][0] == f"{detail}#reply"
    text = replied.content.decode()
    assert "Your reply has been sent to the host team." in text
    assert "You answered: <strong>Tentative</strong>" in text
    assert "Invitations waiting for your reply" not in facilitator.get("/").content.decode()
    people = browser_for(cast, "host").get(f"/assists/{cast.assist.pk}/plan/people/")
    assert "Tentative" in people.content.decode()


def test_a_colleague_reply_page_says_what_went_wrong(cast: Cast) -> None:
    """No answer or a made-up one re-shows the page with the NHS error summary (400); a
    colleague not on the list is told why (403); nothing is saved."""
    Participant.objects.filter(assist=cast.assist, user=cast.facilitator).update(
        rsvp=Participant.Rsvp.PENDING, invited_at=timezone.now()
    )
    url = f"/assists/{cast.assist.pk}/reply/"
    facilitator = browser_for(cast, "facilitator")
    for data, message in [
        ({}, "Say whether you will take part."),
        ({"rsvp": "maybe"}, "Answer yes, no or maybe."),
    ]:
        response = facilitator.post(url, data)
        assert response.status_code == 400, data
        text = response.content.decode()
        assert "There is a problem" in text and message in text
        assert "<title>Error: " in text
        assert '<a href="#id_rsvp">' in text  # the summary leads to the radios
    reader = browser_for(cast, "reader").post(url, {"rsvp": "accepted"})
    assert reader.status_code == 403
    assert "Only the people on this peer assist&#x27;s list" in reader.content.decode()
    assert (
        "Your invitation"
        not in browser_for(cast, "reader").get(f"/assists/{cast.assist.pk}/").content.decode()
    )
    assert set(Participant.objects.filter(assist=cast.assist).values_list("rsvp", flat=True)) == {
        "pending",
        "not_invited",
    }


def test_full_day_agenda_template_fills_a_day_with_breaks(cast: Cast) -> None:
    """The Handbook allows half a day to a day: a full-day template, every phase in order,
    seven hours at most, with breaks and lunch."""
    client = browser_for(cast, "host")
    page = client.get(f"/assists/{cast.assist.pk}/plan/agenda/").content.decode()
    assert "Full-day peer assist" in page
    response = client.post(
        f"/assists/{cast.assist.pk}/plan/agenda/template/", {"template": "full_day"}
    )
    assert response.status_code == 302
    items = list(cast.assist.agenda_items.all())
    total = sum(i.minutes for i in items)
    assert 6 * 60 <= total <= 7 * 60
    phases = [i.phase for i in items]
    assert phases == sorted(phases, key=PHASES.index)
    assert set(phases) == set(PHASES)
    assert any("Lunch" in i.title for i in items)
