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
