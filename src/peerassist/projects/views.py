"""Project pages: list and search, and one project's learning events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.core.errors import NotFound
from peerassist.projects.access import access_project
from peerassist.projects.selectors import project_list


@login_required
def project_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    page = Paginator(project_list(actor=request.user, query=query), 20).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    return render(request, "projects/list.html", {"page": page, "query": query})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project = access_project(request.user, project_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.detail) from None
    return render(
        request,
        "projects/detail.html",
        {"project": project, "assists": project.peer_assists.order_by("-date", "-created_at")},
    )
