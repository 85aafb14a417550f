from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerassist.core"
    label = "core"
