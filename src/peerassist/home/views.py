"""The signed-in home page: a person's projects, coming peer assists, and what other apps add.

It sits above the feature apps (it reads projects and assists), so ``core`` stays free of them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.accounts.models import User
from peerassist.assists.selectors import assist_upcoming
from peerassist.core.home import home_sections
from peerassist.projects.selectors import project_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)  # login_required admits signed-in users only
    context = {
        "projects": list(project_list(actor=actor)[:6]),
        "assists": list(assist_upcoming(actor=actor)[:6]),
        "sections": home_sections(actor),
    }
    return render(request, "home/home.html", context)
