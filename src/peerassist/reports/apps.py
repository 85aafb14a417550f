from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "peerassist.reports"
    label = "reports"

    def ready(self) -> None:
        from peerassist.core.home import register_home_section
        from peerassist.reports.home import (
            my_actions_section,
            project_aar_events,
            project_actions_panel,
        )

        register_home_section(my_actions_section)
        try:  # the project page's panel registry (projects/panels.py)
            from peerassist.projects.panels import (
                register_learning_events,
                register_project_panel,
            )
        except ImportError:  # pragma: no cover
            return
        register_project_panel(project_actions_panel)
        register_learning_events(project_aar_events)
