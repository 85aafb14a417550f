from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "peerassist.lessons"
    label = "lessons"

    def ready(self) -> None:
        from peerassist.core.home import register_home_section
        from peerassist.lessons.home import (
            project_lessons_panel,
            project_retrospect_events,
            recent_lessons_section,
        )

        register_home_section(recent_lessons_section)
        try:  # the project page's panel registry (projects/panels.py), when installed
            from peerassist.projects.panels import (
                register_learning_events,
                register_project_panel,
            )
        except ImportError:  # pragma: no cover - older project pages link from lessons only
            return
        register_project_panel(project_lessons_panel)
        register_learning_events(project_retrospect_events)
