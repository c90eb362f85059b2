from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo clinic: `alliance demo` loads it through the real actions."""

    name = "alliance.demo"
    label = "demo"
    verbose_name = "Demo clinic"
