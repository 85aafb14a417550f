from django.urls import path

from peerassist.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_index, name="list"),
    path("<int:project_id>/", views.project_detail, name="detail"),
]
