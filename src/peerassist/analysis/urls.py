"""The host team's analysis of one peer assist (views.py).

The follow-up pages (actions, share-back, AAR) share the ``/analysis/`` prefix but live in
``followup/urls.py``.
"""

from django.urls import path

from peerassist.analysis import views as analysis_views

app_name = "analysis"
_a = "assists/<int:assist_id>/analysis/"
urlpatterns = [
    path(_a, analysis_views.analysis_page, name="analysis"),
    path(f"{_a}board/", analysis_views.analysis_board, name="analysis_board"),
    path(f"{_a}themes/", analysis_views.theme_new, name="theme_new"),
    path(f"{_a}move/", analysis_views.notes_move, name="notes_move"),
    path(f"{_a}merge/", analysis_views.themes_merge, name="themes_merge"),
    path(f"{_a}themes/<int:theme_id>/", analysis_views.theme_edit, name="theme_edit"),
    path(f"{_a}themes/<int:theme_id>/delete/", analysis_views.theme_remove, name="theme_delete"),
    path(f"{_a}themes/<int:theme_id>/merge/", analysis_views.theme_merge, name="theme_merge"),
    path(f"{_a}themes/<int:theme_id>/split/", analysis_views.theme_split, name="theme_split"),
    path(
        f"{_a}themes/<int:theme_id>/position/",
        analysis_views.theme_reposition,
        name="theme_position",
    ),
    path(f"{_a}themes/<int:theme_id>/vote/", analysis_views.vote, name="vote"),
    path(f"{_a}suggestions/", analysis_views.suggestions_run, name="suggestions_run"),
    path(
        f"{_a}suggestions/<int:suggestion_id>/",
        analysis_views.suggestion_decide,
        name="suggestion_decide",
    ),
    path(f"{_a}voting/", analysis_views.voting, name="voting"),
    path(f"{_a}code/", analysis_views.code_new, name="code_new"),
    path(f"{_a}actions/new/", analysis_views.action_form, name="action_new"),
    path(f"{_a}actions/<int:action_id>/", analysis_views.action_form, name="action_edit"),
]
