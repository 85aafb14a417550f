from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "peerassist.analysis"
    label = "analysis"

    def ready(self) -> None:
        from peerassist.analysis.home import analysis_home_section
        from peerassist.core.home import register_home_section

        register_home_section(analysis_home_section)
