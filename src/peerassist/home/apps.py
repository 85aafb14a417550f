from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "peerassist.home"
    label = "home"
