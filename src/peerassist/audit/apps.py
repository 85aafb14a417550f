from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerassist.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from peerassist.audit import tracking

        tracking.connect()
