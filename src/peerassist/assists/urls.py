from django.urls import path

from peerassist.assists import views

app_name = "assists"
urlpatterns = [
    path("", views.assist_index, name="list"),
    path("<int:assist_id>/", views.assist_detail, name="detail"),
]
