from django.urls import path

from peerassist.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/", views.export_detail, name="export"),
    path("exports/<int:export_id>/status.json", views.export_status, name="export_status"),
    path("exports/<int:export_id>/download/", views.export_file, name="export_file"),
    path("retention/", views.retention, name="retention"),
    path("retention/preview/", views.retention_preview_page, name="retention_preview"),
]
