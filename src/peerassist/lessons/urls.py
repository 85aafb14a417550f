from django.urls import path

from peerassist.lessons import views

app_name = "lessons"
urlpatterns: list = [
    path("", views.lesson_index, name="list"),
    path("new/", views.lesson_create, name="create"),
    path("publish/<str:kind>/<int:source_id>/", views.lesson_publish, name="publish"),
    path("export.csv", views.lesson_export, name="export"),
    path("review/", views.lesson_review_queue, name="review_queue"),
    path("insights/", views.insights, name="insights"),
    path("insights.csv", views.insights_csv, name="insights_csv"),
    path("public/<str:token>/", views.lesson_public, name="public"),
    path("<int:lesson_id>/", views.lesson_detail, name="detail"),
    path("<int:lesson_id>/edit/", views.lesson_edit, name="edit"),
    path("<int:lesson_id>/submit/", views.lesson_submit, name="submit"),
    path("<int:lesson_id>/review/", views.lesson_review, name="review"),
    path("<int:lesson_id>/delete/", views.lesson_delete, name="delete"),
    path("projects/<int:project_id>/log/", views.log_page, name="log"),
    path("log/<int:entry_id>/delete/", views.log_entry_delete, name="log_entry_delete"),
    path("projects/<int:project_id>/reports/", views.reports_page, name="reports"),
    path("reports/<int:report_id>/", views.report_page, name="report"),
    path(
        "projects/<int:project_id>/retrospects/new/",
        views.retrospect_create,
        name="retrospect_create",
    ),
    path("retrospects/<int:retrospect_id>/", views.retrospect_page, name="retrospect"),
    path(
        "retrospects/<int:retrospect_id>/draft-lessons/",
        views.retrospect_draft_lessons,
        name="retrospect_draft_lessons",
    ),
]
