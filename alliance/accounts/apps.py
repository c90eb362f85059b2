from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from alliance.accounts import signals  # noqa: F401  (connects the log-in audit receivers)
