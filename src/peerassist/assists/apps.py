from django.apps import AppConfig


class AssistsConfig(AppConfig):
    name = "peerassist.assists"
    label = "assists"
