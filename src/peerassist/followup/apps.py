from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """What follows a peer assist: action lists, reminders, share-back and the AAR.

    Sits above ``analysis`` and below ``reports``: it reads the actions and writes the
    delivery records; the report it sends back is rendered by ``reports``, which registers
    its renderer here (``followup/report_source.py``) so this app never imports it.
    """

    name = "peerassist.followup"
    label = "followup"

    def ready(self) -> None:
        from peerassist.core.home import register_home_section
        from peerassist.followup.home import (
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
