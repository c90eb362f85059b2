from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages that join several apps, the site's templates and static files, `alliance serve`."""

    name = "alliance.web"
    label = "web"
    verbose_name = "Alliance"
