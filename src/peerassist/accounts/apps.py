from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerassist.accounts"
    label = "accounts"

    def ready(self) -> None:
        from peerassist.accounts import signals  # noqa: F401  (connects the receivers)
