from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "peerassist.api"
    label = "api"
