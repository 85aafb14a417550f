"""Following lessons: subscriptions, the digest e-mail, one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from peerassist.accounts.models import Organisation, User
from peerassist.analysis.models import CfirConstruct
from peerassist.finding.digest import digest_send_all, unsubscribe_token
from peerassist.finding.models import Subscription
from peerassist.finding.subscriptions import subscription_create
from tests.conftest import ApiClient
from tests.factories import LessonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_digest_sends_new_visible_matches_once(
    member: User, org: Organisation, other_org: Organisation
) -> None:
    """New matching lessons are mailed once; private lessons of others never; old ones not."""
    subscription = subscription_create(user=member, kind="keyword", value="Falls")
    LessonFactory(
        project=ProjectFactory(organisation=org),
        title="Old falls lesson",
        published_at=timezone.now() - timedelta(days=3),
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    LessonFactory(project=ProjectFactory(organisation=org), title="Falls huddles work")
    LessonFactory(
        project=ProjectFactory(organisation=other_org),
        title="Falls shared elsewhere",
        visibility="shared",
    )
    LessonFactory(
        project=ProjectFactory(organisation=other_org),
        title="Falls private elsewhere",
        visibility="organisation",
    )
    LessonFactory(project=ProjectFactory(organisation=org), title="Falls draft", status="draft")
    call_command("send_digests")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Falls huddles work" in body and "Falls shared elsewhere" in body
    assert "private elsewhere" not in body and "Old falls" not in body and "draft" not in body
    assert "/lessons/unsubscribe/" in body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest_send_all()["lessons"] == 0  # never the same lesson twice
    assert len(mail.outbox) == 1


def test_construct_and_setting_subscriptions_match(member: User, org: Organisation) -> None:
    """A construct finds lessons coded with it; a setting finds lessons in that setting."""
    construct = CfirConstruct.objects.filter(organisation__isnull=True).first()
    assert construct is not None
    subscription_create(user=member, kind="construct", construct_code=construct.code)
    subscription_create(user=member, kind="setting", value="care home")
    coded = LessonFactory(project=ProjectFactory(organisation=org), title="Coded lesson")
    coded.constructs.add(construct)
    LessonFactory(
        project=ProjectFactory(organisation=org), title="Home lesson", care_setting="Care homes"
    )
    LessonFactory(project=ProjectFactory(organisation=org), title="Unrelated lesson")
    digest_send_all()
    body = mail.outbox[0].body
    assert "Coded lesson" in body and "Home lesson" in body and "Unrelated" not in body


def test_unsubscribe_link_works_without_sign_in_and_resists_tampering(member: User) -> None:
    """The signed link ends that subscription in one click; an altered link changes nothing."""
    subscription = subscription_create(user=member, kind="keyword", value="sepsis")
    token = unsubscribe_token(subscription)
    client = Client()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/lessons/unsubscribe/{tampered}/").status_code == 404
    assert client.get("/lessons/unsubscribe/not-a-token/").status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    page = client.get(f"/lessons/unsubscribe/{token}/")
    assert page.status_code == 200 and "sepsis" in page.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()  # GET changes nothing
    done = client.post(f"/lessons/unsubscribe/{token}/")
    assert done.status_code == 200 and "You have unsubscribed" in done.content.decode()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert client.post(f"/lessons/unsubscribe/{token}/").status_code == 404  # already gone


def test_subscriptions_page_adds_validates_and_removes(member: User, outsider: User) -> None:
    """The form follows a keyword, explains mistakes, and another person's cannot be removed."""
    client = Client()
    client.force_login(member)
    assert client.get("/lessons/subscriptions/").status_code == 200
    response = client.post("/lessons/subscriptions/", {"kind": "keyword", "value": ""})
    assert (
        response.status_code == 200
        and "Enter the care setting or keyword" in response.content.decode()
    )
    response = client.post("/lessons/subscriptions/", {"kind": "keyword", "value": "<b>falls</b>"})
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=member)
    html = client.get("/lessons/subscriptions/").content.decode()
    assert "&lt;b&gt;falls&lt;/b&gt;" in html
    other = Client()
    other.force_login(outsider)
    assert other.post(f"/lessons/subscriptions/{subscription.pk}/delete/").status_code == 404
    assert client.post(f"/lessons/subscriptions/{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.filter(user=member).exists()


def test_subscriptions_api(member: User, outsider: User, api: ApiClient) -> None:
    """Create (twice is one), list, refuse bad kinds and unknown constructs, delete own only."""
    api.login(member)
    api.get("/lessons/subscriptions/")  # a page with a form sets the CSRF cookie
    created = api.post("/api/v1/search/subscriptions", {"kind": "keyword", "value": "Falls"})
    assert created.status_code == 201
    again = api.post("/api/v1/search/subscriptions", {"kind": "keyword", "value": "falls"})
    assert again.json()["id"] == created.json()["id"]
    assert len(api.get("/api/v1/search/subscriptions").json()) == 1
    bad = api.post("/api/v1/search/subscriptions", {"kind": "everything", "value": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_kind"
    unknown = api.post(
        "/api/v1/search/subscriptions", {"kind": "construct", "construct_code": "ZZ"}
    )
    assert unknown.status_code == 400
    wrong_type = api.post("/api/v1/search/subscriptions", {"kind": 5})
    assert 400 <= wrong_type.status_code < 500
    other = ApiClient().login(outsider)
    other.get("/lessons/subscriptions/")
    sid = created.json()["id"]
    assert other.delete(f"/api/v1/search/subscriptions/{sid}").status_code == 404
    assert api.delete(f"/api/v1/search/subscriptions/{sid}").status_code == 204
