"""Pages for finding lessons, under ``/lessons/`` beside the lessons app's own pages.

Included in ``config/urls.py`` with the same ``lessons/`` prefix, so the paths people know
(``/lessons/search/``, ``/lessons/people/`` …) stay; the names live in this app's namespace.
"""

from django.urls import path

from peerassist.finding import views

app_name = "finding"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("people/", views.people_finder, name="people"),
    path("subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        "subscriptions/<int:subscription_id>/delete/",
        views.subscription_delete,
        name="subscription_delete",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
