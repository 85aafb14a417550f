"""The host team's analysis pages: themes, suggestions, dot voting, codes and actions.

Thin: every view reaches the peer assist through ``analysis.access`` (404 outside the actor's
reach), calls one service and redirects back to the page (post/redirect/get), or re-renders
the page with an NHS.UK error summary and a 400/403 when the service refuses. Every form
posts without JavaScript; ``frontend/src/analysis.js`` adds drag and drop and live refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from peerassist.analysis import services
from peerassist.analysis.access import (
    AnalysisAccess,
    access_analysis,
    access_determinant,
    access_note,
    access_theme,
)
from peerassist.analysis.cfir_suggest import cfir_suggestions, suggestions_warm
from peerassist.analysis.models import Action, ThemeSuggestion, Valence
from peerassist.analysis.selectors import analysis_state, construct_tree
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import DomainError, Invalid, NotFound
from peerassist.core.forms import NhsForm

Handler = Callable[[AnalysisAccess], str | None]


def _access(request: HttpRequest, assist_id: int) -> AnalysisAccess:
    return access_analysis(getattr(request, "actor", None), assist_id)


def _editor(request: HttpRequest, assist_id: int) -> AnalysisAccess:
    """As ``_access``, for pages that only the host team may open (403 with the reason)."""
    access = _access(request, assist_id)
    if not access.can_edit:
        raise PermissionDenied(access.read_only_reason)
    return access


def _page_url(access: AnalysisAccess, anchor: str = "") -> str:
    url = reverse("analysis:analysis", args=[access.assist.pk])
    return f"{url}#{anchor}" if anchor else url


def _context(access: AnalysisAccess) -> dict[str, Any]:
    from peerassist.semantic.embeddings import embedding_backend_name

    state = analysis_state(access)
    return {
        "assist": access.assist,
        "access": access,
        "state": state,
        "dot_choices": range(0, state.voting.settings.max_per_theme + 1),
        "backend_name": embedding_backend_name(),
    }


def _page(
    request: HttpRequest,
    access: AnalysisAccess,
    *,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
    keep: Callable[[dict[str, Any]], None] | None = None,
) -> HttpResponse:
    """The analysis page, with ``errors``; ``keep`` puts back what the refused form held."""
    context = _context(access)
    context["errors"] = errors or []
    if keep is not None:
        keep(context)
    return render(request, "analysis/page.html", context, status=status)


@require_GET
@domain_errors
def analysis_page(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The analysis page; anyone who may see the peer assist may watch it.

    For the host team, the notes and themes they may code next get their sentence vectors
    ready in the background (only where the model is already loaded), so the coding page's
    suggestions answer without encoding.
    """
    access = _access(request, assist_id)
    context = _context(access)
    context["errors"] = []
    if access.can_edit:
        state = context["state"]
        suggestions_warm(
            [theme.theme.title for theme in state.themes]
            + [note.text for note in state.ungrouped]
            + [note.text for theme in state.themes for note in theme.notes]
        )
    return render(request, "analysis/page.html", context)


@require_GET
@domain_errors
def analysis_board(request: HttpRequest, assist_id: int) -> HttpResponse:
    """Just the themes and notes, for htmx to swap in when another viewer changes them."""
    access = _access(request, assist_id)
    return render(request, "analysis/_board.html", _context(access))


def _post(
    request: HttpRequest,
    assist_id: int,
    handler: Handler,
    anchor: str,
    keep: Callable[[dict[str, Any]], None] | None = None,
) -> HttpResponse:
    """Run one service for a page form; on a refusal show the page with the reason (and,
    through ``keep``, the form as the person left it)."""
    access = _access(request, assist_id)
    try:
        message = handler(access)
    except NotFound:
        raise  # domain_errors answers 404
    except DomainError as error:
        return _page(
            request, access, errors=[(error.detail, anchor)], status=error.status, keep=keep
        )
    if message:
        messages.success(request, message)
    return redirect(_page_url(access, anchor))


def _ids(request: HttpRequest, name: str = "note_ids") -> list[str]:
    return [value for value in request.POST.getlist(name) if value]


# --- themes and placements --------------------------------------------------------------------


@require_POST
@domain_errors
def theme_new(request: HttpRequest, assist_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        theme = services.theme_create(
            access=access, title=request.POST.get("title", ""), note_ids=_ids(request)
        )
        return f"Theme “{theme.title}” made."

    return _post(request, assist_id, handle, "themes")


@require_POST
@domain_errors
def notes_move(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The keyboard and no-JavaScript way: "Move selected notes to" a theme, back to the
    ungrouped notes, or into a new theme, for every ticked note at once."""

    def handle(access: AnalysisAccess) -> str:
        target = request.POST.get("theme", "")
        note_ids = _ids(request)
        if not target:
            raise Invalid("Choose where the selected notes go.", code="no_target")
        if target == "new":
            if not note_ids:
                raise Invalid("Tick the notes to move into the new theme.", code="no_notes")
            made = services.theme_create(
                access=access, title=request.POST.get("title", ""), note_ids=note_ids
            )
            return f"{_notes(len(note_ids))} moved to the new theme “{made.title}”."
        theme = None if target == "ungrouped" else access_theme(access, target)
        services.notes_place(access=access, note_ids=note_ids, theme=theme)
        where = f"“{theme.title}”" if theme else "the ungrouped notes"
        return f"{_notes(len(note_ids))} moved to {where}."

    return _post(request, assist_id, handle, "themes")


def _notes(count: int) -> str:
    return f"{count} note{'s' if count != 1 else ''}"


@require_POST
@domain_errors
def theme_edit(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        theme = access_theme(access, theme_id)
        services.theme_update(access=access, theme=theme, title=request.POST.get("title", ""))
        return "Theme renamed."

    return _post(request, assist_id, handle, f"theme-{theme_id}")


@require_POST
@domain_errors
def theme_remove(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        services.theme_delete(access=access, theme=access_theme(access, theme_id))
        return "Theme deleted; its notes are back with the ungrouped notes."

    return _post(request, assist_id, handle, "themes")


@require_POST
@domain_errors
def theme_merge(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        source = access_theme(access, theme_id)
        target = access_theme(access, request.POST.get("into", ""))
        services.theme_merge(access=access, source=source, target=target)
        return f"Merged into “{target.title}”."

    return _post(request, assist_id, handle, "themes")


@require_POST
@domain_errors
def themes_merge(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The wall's one merge form: both themes are chosen in it, so the page holds one pair
    of theme lists rather than one list per theme."""

    def handle(access: AnalysisAccess) -> str:
        source = access_theme(access, request.POST.get("source", ""))
        target = access_theme(access, request.POST.get("into", ""))
        services.theme_merge(access=access, source=source, target=target)
        return f"“{source.title}” merged into “{target.title}”."

    return _post(request, assist_id, handle, "themes")


@require_POST
@domain_errors
def theme_split(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        theme = services.theme_split(
            access=access,
            theme=access_theme(access, theme_id),
            note_ids=_ids(request),
            title=request.POST.get("title", ""),
        )
        return f"New theme “{theme.title}” made from the selected notes."

    return _post(request, assist_id, handle, f"theme-{theme_id}")


@require_POST
@domain_errors
def theme_reposition(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        offset = -1 if request.POST.get("direction") == "up" else 1
        services.theme_move(access=access, theme=access_theme(access, theme_id), offset=offset)
        return "Theme moved."

    return _post(request, assist_id, handle, f"theme-{theme_id}")


# --- suggestions ------------------------------------------------------------------------------


@require_POST
@domain_errors
def suggestions_run(request: HttpRequest, assist_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        found = services.suggestions_run(access=access)
        if not found:
            return "No groups stood out among the ungrouped notes."
        adds = sum(1 for s in found if s.kind == ThemeSuggestion.Kind.ADD)
        parts = []
        if adds:
            parts.append(f"{adds} to add notes to your themes")
        if len(found) - adds:
            new = len(found) - adds
            parts.append(f"{new} new theme{'s' if new != 1 else ''}")
        return (
            f"{len(found)} suggestion{'s' if len(found) != 1 else ''} "
            f"({' and '.join(parts)}): accept or dismiss each."
        )

    return _post(request, assist_id, handle, "suggestions")


@require_POST
@domain_errors
def suggestion_decide(request: HttpRequest, assist_id: int, suggestion_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        suggestion = ThemeSuggestion.objects.filter(pk=suggestion_id, assist=access.assist).first()
        if suggestion is None:
            raise NotFound("No such suggestion.")
        if request.POST.get("decision") == "accept":
            retried = suggestion.status == ThemeSuggestion.Status.ACCEPTED
            # The notes the person saw (and, for "add to", left ticked): if one was moved
            # since, nothing moves (409).
            chosen = request.POST.get("choosing") == "1"
            shown = _ids(request, "suggested_notes") if chosen else None
            theme = services.suggestion_accept(
                access=access,
                suggestion=suggestion,
                title=request.POST.get("title") or None,
                note_ids=shown,
            )
            if retried:
                return f"Already accepted: its notes are in “{theme.title}”."
            if suggestion.kind == ThemeSuggestion.Kind.ADD:
                count = len(shown) if shown is not None else len(suggestion.note_ids)
                return f"{count} note{'s' if count != 1 else ''} added to “{theme.title}”."
            return f"Theme “{theme.title}” made from the suggestion."
        services.suggestion_dismiss(access=access, suggestion=suggestion)
        return "Suggestion dismissed."

    def keep(context: dict[str, Any]) -> None:
        """A refused accept shows the card as the person left it: unticks and typed title."""
        if request.POST.get("choosing") != "1":
            return
        ticked = set(_ids(request, "suggested_notes"))
        for view in context["state"].suggestions:
            if view.suggestion.pk == suggestion_id:
                if view.is_add:
                    view.unticked = frozenset(
                        note.pk for note in view.notes if str(note.pk) not in ticked
                    )
                if "title" in request.POST:
                    view.typed_title = request.POST["title"]

    return _post(request, assist_id, handle, "suggestions", keep)


# --- voting -----------------------------------------------------------------------------------


@require_POST
@domain_errors
def voting(request: HttpRequest, assist_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        step = request.POST.get("step", "")
        if step == "open":
            # The dots typed beside "Open voting" count, saved or not.
            services.voting_open(
                access=access,
                budget=request.POST.get("budget"),
                max_per_theme=request.POST.get("max_per_theme"),
            )
            return "Voting is open. Votes stay hidden until you close it."
        if step == "close":
            services.voting_close(access=access)
            return "Voting closed: themes are ranked by their dots."
        services.voting_configure(
            access=access,
            budget=request.POST.get("budget", ""),
            max_per_theme=request.POST.get("max_per_theme", ""),
        )
        return "Voting settings saved."

    return _post(request, assist_id, handle, "voting")


@require_POST
@domain_errors
def vote(request: HttpRequest, assist_id: int, theme_id: int) -> HttpResponse:
    def handle(access: AnalysisAccess) -> str:
        left = services.vote_set(
            access=access, theme=access_theme(access, theme_id), dots=request.POST.get("dots", "")
        )
        return f"Vote saved. You have {left} dot{'s' if left != 1 else ''} left."

    return _post(request, assist_id, handle, f"theme-{theme_id}")


# --- enablers and barriers --------------------------------------------------------------------


class DeterminantForm(NhsForm):
    valence = forms.ChoiceField(
        label="How does it act on the project?",
        choices=Valence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is an enabler, a barrier or mixed."},
    )
    description = forms.CharField(
        label="Describe the enabler or barrier (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _source(access: AnalysisAccess, data: Any) -> tuple[Any, Any, str]:
    """The theme or note a code or action is made from, and its words."""
    theme = access_theme(access, data["theme"]) if data.get("theme") else None
    note = access_note(access, data["note"]) if data.get("note") and theme is None else None
    text = theme.title if theme else note.text if note else ""
    return theme, note, text


@domain_errors
def code_new(request: HttpRequest, assist_id: int) -> HttpResponse:
    """Code a theme or note as an enabler or barrier, with CFIR 2.0 constructs."""
    access = _editor(request, assist_id)
    data = request.POST if request.method == "POST" else request.GET
    theme, note, source_text = _source(access, data)
    suggestions = (
        cfir_suggestions(access.assist.organisation_id, source_text) if source_text else None
    )
    form = DeterminantForm(
        request.POST or None,
        initial={"valence": suggestions.valence_choice} if suggestions else None,
    )
    chosen = {int(v) for v in data.getlist("constructs") if v.isdigit()}
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.determinant_create(
                access=access,
                valence=form.cleaned_data["valence"],
                construct_ids=sorted(chosen),
                theme=theme,
                note=note,
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            errors.append((error.detail, "constructs"))
            status = error.status
        else:
            messages.success(request, "Enabler or barrier recorded.")
            return redirect(_page_url(access, "determinants"))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "analysis/code.html",
        {
            "assist": access.assist,
            "access": access,
            "form": form,
            "theme": theme,
            "note": note,
            "source_text": source_text,
            "tree": construct_tree(access.assist.organisation_id),
            "suggestions": suggestions,
            "chosen": chosen,
            "errors": errors,
        },
        status=status,
    )


# --- actions ----------------------------------------------------------------------------------


class ActionForm(NhsForm):
    text = forms.CharField(
        label="What will be done?",
        max_length=Action.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done."},
    )
    owner = forms.TypedChoiceField(label="Owner", coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(
        label="Due date",
        required=False,
        help_text="For example, 2026-12-31",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the due date as a real date, for example 2026-12-31."},
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Action.Priority.choices, initial=Action.Priority.MEDIUM
    )
    status = forms.ChoiceField(
        label="Status", choices=Action.Status.choices, initial=Action.Status.PROPOSED
    )

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.TypedChoiceField)
        owner_field.choices = [("", "Nobody yet")] + [
            (u.pk, u.full_name or u.email) for u in owners
        ]


@domain_errors
def action_form(request: HttpRequest, assist_id: int, action_id: int | None = None) -> HttpResponse:
    """Make an action from a theme, note or determinant, or edit one."""
    access = _editor(request, assist_id)
    data = request.POST if request.method == "POST" else request.GET
    action = None
    determinant = None
    try:
        if action_id is not None:
            action = Action.objects.filter(pk=action_id, assist=access.assist).first()
            if action is None:
                raise NotFound("No such action.")
            theme, note, source_text = action.theme, action.note, action.source_text
            determinant = action.determinant
        else:
            theme, note, source_text = _source(access, data)
            if data.get("determinant") and theme is None and note is None:
                determinant = access_determinant(access, data["determinant"])
                source_text = determinant.description or str(determinant.get_valence_display())
    except NotFound as error:
        raise Http404(error.detail) from None
    owners = services.host_team_users(access.assist)
    initial: dict[str, Any] = {"text": source_text if action is None else ""}
    if action is not None:
        initial = {
            "text": action.text,
            "owner": action.owner_id,
            "due_date": action.due_date,
            "priority": action.priority,
            "status": action.status,
        }
    form = ActionForm(request.POST or None, owners=owners, initial=initial)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        fields = {
            "text": form.cleaned_data["text"],
            "owner_id": form.cleaned_data["owner"],
            "due_date": form.cleaned_data["due_date"],
            "priority": form.cleaned_data["priority"],
            "status": form.cleaned_data["status"],
        }
        try:
            if action is None:
                services.action_create(
                    access=access, theme=theme, note=note, determinant=determinant, **fields
                )
            else:
                services.action_update(actor=access.actor, action=action, **fields)
        except DomainError as error:
            errors.append((error.detail, "id_text"))
            status = error.status
        else:
            messages.success(request, "Action saved.")
            return redirect(_page_url(access, "actions"))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "analysis/action_form.html",
        {
            "assist": access.assist,
            "access": access,
            "form": form,
            "action": action,
            "theme": theme,
            "note": note,
            "determinant": determinant,
            "source_text": source_text,
            "errors": errors,
        },
        status=status,
    )
