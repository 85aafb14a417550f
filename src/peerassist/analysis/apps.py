from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "peerassist.analysis"
    label = "analysis"
