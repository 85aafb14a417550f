from django.urls import path

from peerassist.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_index, name="list"),
    path("new/", views.project_create, name="create"),
    path("tools/", views.tools_index, name="tools"),
    path("tools/<slug:slug>/", views.tool_detail, name="tool"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/team/", views.project_team_page, name="team"),
    path(
        "<int:project_id>/team/<int:member_id>/remove/",
        views.project_member_remove,
        name="member_remove",
    ),
    path("<int:project_id>/bars/new/", views.bar_start, name="bar_start"),
    path("<int:project_id>/bars/<int:bar_id>/", views.bar_edit, name="bar"),
    path("<int:project_id>/enablers/", views.enablers_page, name="enablers"),
    path(
        "<int:project_id>/enablers/suggested/",
        views.enabler_add_suggested,
        name="enabler_add_suggested",
    ),
    path(
        "<int:project_id>/enablers/<int:enabler_id>/edit/",
        views.enabler_edit,
        name="enabler_edit",
    ),
    path(
        "<int:project_id>/enablers/<int:enabler_id>/delete/",
        views.enabler_delete,
        name="enabler_delete",
    ),
    path(
        "<int:project_id>/enablers/<int:enabler_id>/learning-need/",
        views.enabler_to_need,
        name="enabler_to_need",
    ),
]
