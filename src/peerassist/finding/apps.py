from django.apps import AppConfig


class FindingConfig(AppConfig):
    """Finding lessons: search indexes, "has this been solved before?", people, digests."""

    name = "peerassist.finding"
    label = "finding"

    def ready(self) -> None:
        from peerassist.finding import indexing, related

        indexing.connect_signals()
        related.register()
