from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Information governance for organisation administrators: subject access exports and
    retention, with the menu entry that leads to them and to the audit log and erasure.

    Sits above ``reports`` (it reads every feature app's rows about a person) and below
    ``home``/``demo`` and ``api``.
    """

    name = "peerassist.governance"
    label = "governance"

    def ready(self) -> None:
        from django.http import HttpRequest

        from peerassist.core.navigation import register_menu_item
        from peerassist.governance.access import admin_organisations

        def administers(request: HttpRequest) -> bool:
            return bool(admin_organisations(getattr(request, "actor", None)))

        register_menu_item("Governance", "governance:hub", administers)
