"""Reminders and share-back e-mails: sent once, with the right content, and the replies."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from peerassist.analysis.models import Action
from peerassist.assists.models import Status
from peerassist.followup.models import ActionReminder, ShareBack, ShareBackComment
from tests.followup.session_fixtures import Session

pytestmark = pytest.mark.django_db


def _run(today=None) -> str:
    out = StringIO()
    args = ["send_reminders", "--now"] + ([f"--today={today.isoformat()}"] if today else [])
    call_command(*args, stdout=out)
    return out.getvalue()


# --- Reminders ---------------------------------------------------------------------------


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(session: Session) -> None:
    """Due-in-2-days and overdue actions each get one e-mail; a second run sends nothing."""
    _run()
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert subjects[0].startswith("Action due ") and "prescribing protocol" in subjects[0]
    assert subjects[1].startswith("Overdue action:")
    assert {m.to[0] for m in mail.outbox} == {session.host.email, session.facilitator.email}
    _run()
    _run()
    assert len(mail.outbox) == 2
    assert ActionReminder.objects.count() == 2


def test_due_soon_action_gets_its_overdue_reminder_later(session: Session) -> None:
    """The same action is reminded again (once) when it becomes overdue."""
    _run()
    later = timezone.localdate() + timedelta(days=5)
    _run(later)
    _run(later)
    protocol = [m for m in mail.outbox if "prescribing protocol" in m.subject]
    assert len(protocol) == 2
    assert protocol[0].subject.startswith("Action due ")
    assert protocol[1].subject.startswith("Overdue action:")


def test_moving_the_due_date_allows_a_fresh_reminder(session: Session) -> None:
    """A new due date is a new promise: its reminder goes out."""
    _run()
    action = session.actions[0]
    action.due_date = action.due_date + timedelta(days=1)
    action.save()
    _run()
    assert len([m for m in mail.outbox if "prescribing protocol" in m.subject]) == 2


def test_done_dropped_and_ownerless_actions_get_no_reminder(session: Session) -> None:
    """Only open actions with an owner are chased."""
    Action.objects.filter(pk=session.actions[0].pk).update(status=Action.Status.DONE)
    Action.objects.filter(pk=session.actions[1].pk).update(owner=None)
    _run()
    assert mail.outbox == []


def test_reminder_names_the_action_and_links_to_my_actions(session: Session) -> None:
    """The e-mail body quotes the action, the project and the link to "my actions"."""
    _run()
    body = next(m.body for m in mail.outbox if "prescribing" in m.subject)
    assert "Agree a prescribing protocol with pharmacy" in body
    assert "Nurse-led recovery (HAT)" in body
    assert "/analysis/actions/?scope=mine" in body


def test_command_queues_without_now_and_rejects_bad_dates() -> None:
    """Without --now the jobs are queued (run at once by the test backend); bad dates fail."""
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Queued" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today=yesterday")


# --- Share back --------------------------------------------------------------------------


def test_host_sends_now_and_visitors_get_actions_pdf_and_link(
    client, session: Session, django_capture_on_commit_callbacks
) -> None:
    """ "Send now" e-mails each visitor the action list, the PDF and their own link, once."""
    client.force_login(session.host)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/analysis/assists/{session.assist.pk}/share-back/", {"message": "Thanks again!"}
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [session.visitor_guest.email, session.other_visitor.guest.email]
    )
    message = next(m for m in mail.outbox if m.to == [session.visitor_guest.email])
    assert message.subject == "Action list from the peer assist: HAT peer assist"
    assert "Hello Vera Visitor" in message.body
    assert "Thanks again!" in message.body
    assert "Agree a prescribing protocol with pharmacy" in message.body
    assert "+Run a staff briefing" in message.body
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "/analysis/shared/" in message.body
    page = client.get(f"/analysis/assists/{session.assist.pk}/share-back/").content.decode()
    assert "Vera Visitor" in page and "Waiting to send" not in page


def test_second_send_needs_send_again(
    client, session: Session, django_capture_on_commit_callbacks
) -> None:
    """Pressing send twice is refused with a message; ticking "send again" sends round 2."""
    client.force_login(session.host)
    url = f"/analysis/assists/{session.assist.pk}/share-back/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {})
        refused = client.post(url, {})
    assert refused.status_code == 400
    assert "already shared back" in refused.content.decode()
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"again": "on"}).status_code == 302
    assert len(mail.outbox) == 4
    assert list(ShareBack.objects.values_list("round", flat=True)) == [1, 2]


def test_scheduled_share_back_goes_on_the_promised_date_once(
    session: Session, django_capture_on_commit_callbacks
) -> None:
    """Before the date nothing goes; on it, one round; the command again sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        _run()
    assert not any("Action list" in m.subject for m in mail.outbox)
    due = session.assist.action_list_due
    with django_capture_on_commit_callbacks(execute=True):
        _run(due)
        _run(due)
    share_mail = [m for m in mail.outbox if "Action list" in m.subject]
    assert len(share_mail) == 2
    assert ShareBack.objects.get().trigger == "scheduled"


def test_scheduled_share_back_waits_for_the_session_to_happen(
    session: Session, django_capture_on_commit_callbacks
) -> None:
    """A peer assist still being planned is not shared back, whatever the date."""
    type(session.assist).objects.filter(pk=session.assist.pk).update(status=Status.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        _run(session.assist.action_list_due)
    assert ShareBack.objects.count() == 0


def test_only_the_host_team_shares_back(client, session: Session, member, outsider) -> None:
    """A colleague gets 403, another organisation 404, a guest 404 on the host page."""
    url = f"/analysis/assists/{session.assist.pk}/share-back/"
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert ShareBack.objects.count() == 0


def test_share_back_api_send_conflict_and_state(
    api, session: Session, member, django_capture_on_commit_callbacks
) -> None:
    """The API sends (201), refuses a repeat (409), shows state to the host only (403)."""
    url = f"/api/v1/reports/assists/{session.assist.pk}/share-back"
    api._csrf()  # the sign-in page hands out the CSRF cookie only before signing in
    api.login(session.host)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(url, {"message": "Hi"})
    assert created.status_code == 201 and created.json()["round"] == 1
    again = api.post(url, {})
    assert again.status_code == 409 and again.json()["code"] == "already_shared_back"
    state = api.get(url).json()
    assert len(state["rounds"][0]["deliveries"]) == 2
    assert all(d["sent_at"] for d in state["rounds"][0]["deliveries"])
    api.login(member)
    assert api.get(url).status_code == 403
    assert api.post(url, {}).status_code == 403


def test_visitor_follows_the_emailed_link_reads_actions_and_replies(
    client, session: Session, django_capture_on_commit_callbacks
) -> None:
    """The link admits the guest to the shared page; their reply reaches the host team."""
    client.force_login(session.host)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/analysis/assists/{session.assist.pk}/share-back/", {})
    body = next(m.body for m in mail.outbox if m.to == [session.visitor_guest.email])
    link = re.search(r"https?://[^/]+(/analysis/shared/[^\s]+)", body).group(1)
    client.logout()
    landing = client.get(link)
    assert landing.status_code == 302
    page = client.get(landing["Location"])
    assert page.status_code == 200
    assert "Agree a prescribing protocol with pharmacy" in page.content.decode()
    empty = client.post(landing["Location"], {"text": "   "})
    assert empty.status_code == 400
    assert "Write your comment before sending it." in empty.content.decode()
    sent = client.post(landing["Location"], {"text": "<b>Great</b> list, consider peer support."})
    assert sent.status_code == 302
    assert ShareBackComment.objects.get().participant == session.visitor
    client.force_login(session.host)
    host_page = client.get(f"/analysis/assists/{session.assist.pk}/share-back/").content.decode()
    assert "&lt;b&gt;Great&lt;/b&gt; list" in host_page


def test_visitor_page_waits_for_share_back_and_is_closed_to_others(
    api, session: Session, outsider
) -> None:
    """Before share-back the visitor is told to wait; strangers and colleagues get 404."""
    url = f"/analysis/assists/{session.assist.pk}/shared/"
    api.as_guest(session.visitor_guest)
    assert api.get(url).status_code == 403
    comment_url = f"/api/v1/reports/assists/{session.assist.pk}/share-back/comments"
    assert api.post(comment_url, {"text": "hello"}).status_code == 403
    ShareBack.objects.create(assist=session.assist, round=1, trigger="manual")
    assert api.get(url).status_code == 200
    created = api.post(comment_url, {"text": "Thanks"})
    assert created.status_code == 201
    assert api.post(comment_url, {"text": "x" * 2001}).status_code in {400, 422}
    api.login(outsider)
    assert api.get(url).status_code == 404
    api.login(session.host)
    assert api.get(url).status_code == 404  # the host is not a visitor


def test_bad_guest_link_is_a_404_page(client) -> None:
    response = client.get("/analysis/shared/not-a-token/")
    assert response.status_code == 404
    assert b"not valid" in response.content


def test_revoked_guests_get_nothing_and_others_links_outlive_the_invitation(
    session: Session, django_capture_on_commit_callbacks
) -> None:
    """A withdrawn visitor is not e-mailed; the others' links are kept open for weeks."""
    from datetime import timedelta as td

    from peerassist.followup.services import share_back_send

    withdrawn = session.other_visitor.guest
    withdrawn.revoked_at = timezone.now()
    withdrawn.save()
    guest = session.visitor_guest
    guest.expires_at = timezone.now() + td(hours=1)
    guest.save()
    with django_capture_on_commit_callbacks(execute=True):
        share_back_send(assist=session.assist, by=session.host)
    assert [m.to for m in mail.outbox] == [[guest.email]]
    guest.refresh_from_db()
    assert guest.expires_at > timezone.now() + td(days=30)
    withdrawn.refresh_from_db()
    assert withdrawn.revoked_at is not None
