from django.urls import path

from peerassist.core import views

app_name = "core"
urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
