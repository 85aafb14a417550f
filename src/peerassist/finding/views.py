"""Pages for finding lessons: search, people who have done it before, subscriptions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid
from peerassist.finding import digest, people, subscriptions
from peerassist.finding.forms import LessonSearchForm, SubscriptionForm
from peerassist.finding.models import Subscription
from peerassist.finding.search import lesson_search


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        return 1


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search box, filters and one page of highlighted results; works without JavaScript."""
    form = LessonSearchForm(request.GET or None, actor=request.user)  # type: ignore[arg-type]
    searched = bool(request.GET)
    if searched:
        form.is_valid()
    query = form.cleaned_data.get("q", "") if searched and hasattr(form, "cleaned_data") else ""
    result = lesson_search(
        actor=request.user,  # type: ignore[arg-type]
        query=query,
        filters=form.filters() if searched else None,
        page=_page_number(request),
    )
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return render(
        request,
        "finding/search.html",
        {
            "form": form,
            "result": result,
            "searched": searched,
            "previous_url": f"?{base}&page={result.page - 1}" if result.has_previous else "",
            "next_url": f"?{base}&page={result.page + 1}" if result.has_next else "",
        },
    )


@login_required
@domain_errors
def people_finder(request: HttpRequest) -> HttpResponse:
    """Who has done this before? People ranked for one learning need, to invite as visitors."""
    need = people.access_need(request.user, request.GET.get("need"))  # type: ignore[arg-type]
    found = people.people_for_need(actor=request.user, need=need)  # type: ignore[arg-type]
    assists = people.upcoming_assists(need)
    rows = [
        {
            "person": person,
            "invites": [
                {
                    "assist": assist,
                    "url": people.invite_url(assist, person),
                }
                for assist in assists
            ],
        }
        for person in found
    ]
    return render(request, "finding/people.html", {"need": need, "rows": rows, "assists": assists})


@login_required
@require_http_methods(["GET", "POST"])
def subscription_list(request: HttpRequest) -> HttpResponse:
    """The things a person follows; add one; the digest says what is new."""
    form = SubscriptionForm(request.POST or None, actor=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscription_create(
                user=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                construct_code=form.cleaned_data.get("construct") or "",
                value=form.cleaned_data.get("value") or "",
            )
        except Invalid as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, "You will get new matching lessons in your digest.")
            return redirect("finding:subscriptions")
    return render(
        request,
        "finding/subscriptions.html",
        {
            "form": form,
            "subscriptions": Subscription.objects.filter(
                user=request.user  # type: ignore[misc]
            ).select_related("construct"),
        },
    )


@login_required
@domain_errors
@require_http_methods(["POST"])
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscriptions.subscription_delete(
        user=request.user,  # type: ignore[arg-type]
        subscription_id=subscription_id,
    )
    messages.success(request, "You no longer follow that.")
    return redirect("finding:subscriptions")


@csrf_exempt  # the signed token is the credential; mail clients post here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click, no sign-in: the signed link names the subscription it ends."""
    subscription = digest.subscription_from_token(token)
    if subscription is None:
        return render(request, "finding/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        description = subscription.describe()
        subscriptions.subscription_delete(user=subscription.user, subscription_id=subscription.pk)
        return render(request, "finding/unsubscribe.html", {"done": True, "what": description})
    return render(request, "finding/unsubscribe.html", {"subscription": subscription})


def search_url(**params: str) -> str:
    return "?" + urlencode(params)
