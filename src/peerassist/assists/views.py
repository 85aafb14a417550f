"""Peer assist pages: the list, a peer assist's own page, and a colleague's reply to their
invitation (guests reply on their invitation page, ``planning.views.invitation``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from peerassist.accounts.models import User
from peerassist.assists.access import AssistNeed, access_peer_assist, assist_outsider
from peerassist.assists.models import PeerAssist
from peerassist.assists.planning import services as planning_services
from peerassist.assists.planning.forms import ColleagueReplyForm
from peerassist.assists.planning.selectors import your_invitation
from peerassist.assists.planning.views import planner_page
from peerassist.assists.selectors import assist_upcoming
from peerassist.core.errors import DomainError, Forbidden, NotFound


@login_required
def assist_index(request: HttpRequest) -> HttpResponse:
    return render(request, "assists/list.html", {"assists": assist_upcoming(actor=request.user)})  # type: ignore[arg-type]


def assist_detail(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The peer assist's page; the invitation e-mail of anybody with an account links here,
    so the signed-out are sent to sign in and brought back (not a bare 404)."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return redirect_to_login(request.get_full_path())
    try:
        assist = access_peer_assist(actor, assist_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    return _detail_page(request, assist, ColleagueReplyForm())


def _detail_page(
    request: HttpRequest, assist: PeerAssist, reply_form: ColleagueReplyForm, status: int = 200
) -> HttpResponse:
    invitation = your_invitation(getattr(request, "actor", None), assist)
    if invitation is not None and not reply_form.is_bound and invitation.rsvp:
        reply_form = ColleagueReplyForm(initial={"rsvp": invitation.rsvp})
    context = {
        "assist": assist,
        "invitation": invitation,
        "reply_form": reply_form,
        # From another organisation, here as herself: no links to the host team's pages.
        "outsider": assist_outsider(getattr(request, "actor", None), assist),
    }
    return render(request, "assists/detail.html", context, status=status)


@require_POST
@planner_page(AssistNeed.VIEW)
def assist_reply(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """A colleague on the list answers their invitation: yes, maybe or no."""
    user = request.user
    assert isinstance(user, User)  # planner_page turned guests and the signed-out away
    form = ColleagueReplyForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            planning_services.colleague_reply(
                assist=assist,
                user=user,
                rsvp=form.cleaned_data["rsvp"],
                attendance=form.cleaned_data["attendance"],
            )
        except Forbidden as error:
            raise PermissionDenied(error.detail) from None
        except DomainError as error:
            form.add_error("rsvp", error.detail)
            status = error.status
        else:
            messages.success(request, "Thank you. Your reply has been sent to the host team.")
            return redirect(reverse("assists:detail", args=[assist.pk]) + "#reply")
    return _detail_page(request, assist, form, status)
