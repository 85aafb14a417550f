from django.urls import path

app_name = "analysis"
urlpatterns: list = []

# Follow-up: action lists, calendars, share-back, After Action Review (views_actions.py).
from peerassist.analysis import views_actions  # noqa: E402

urlpatterns += [
    path("actions/", views_actions.action_index, name="actions"),
    path("actions/mine.ics", views_actions.actions_ics_mine, name="actions_ics_mine"),
    path("actions/<int:action_id>/status/", views_actions.action_status, name="action_status"),
    path(
        "projects/<int:project_id>/actions/", views_actions.project_actions, name="project_actions"
    ),
    path(
        "projects/<int:project_id>/actions.ics",
        views_actions.project_actions_ics,
        name="project_actions_ics",
    ),
    path("assists/<int:assist_id>/share-back/", views_actions.share_back, name="share_back"),
    path("assists/<int:assist_id>/shared/", views_actions.shared, name="shared"),
    path("shared/<str:token>/", views_actions.shared_enter, name="shared_enter"),
    path("assists/<int:assist_id>/after-action-review/", views_actions.aar, name="aar"),
]

# The host team's analysis of one peer assist (views.py).
from peerassist.analysis import views as analysis_views  # noqa: E402

_a = "assists/<int:assist_id>/analysis/"
urlpatterns += [
    path(_a, analysis_views.analysis_page, name="analysis"),
    path(f"{_a}board/", analysis_views.analysis_board, name="analysis_board"),
    path(f"{_a}themes/", analysis_views.theme_new, name="theme_new"),
    path(f"{_a}move/", analysis_views.notes_move, name="notes_move"),
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
