"""Follow-up pages, mounted under ``/analysis/`` as they always were (config/urls.py)."""

from django.urls import path

from peerassist.followup import views

app_name = "followup"
urlpatterns = [
    path("actions/", views.action_index, name="actions"),
    path("actions/mine.ics", views.actions_ics_mine, name="actions_ics_mine"),
    path("actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path("projects/<int:project_id>/actions/", views.project_actions, name="project_actions"),
    path(
        "projects/<int:project_id>/actions.ics",
        views.project_actions_ics,
        name="project_actions_ics",
    ),
    path("assists/<int:assist_id>/share-back/", views.share_back, name="share_back"),
    path("assists/<int:assist_id>/shared/", views.shared, name="shared"),
    path("shared/<str:token>/", views.shared_enter, name="shared_enter"),
    path("assists/<int:assist_id>/after-action-review/", views.aar, name="aar"),
]
