from django.apps import AppConfig


class SemanticConfig(AppConfig):
    name = "peerassist.semantic"
    label = "semantic"
