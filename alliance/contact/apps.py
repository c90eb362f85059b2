from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "alliance.contact"
    label = "contact"
    verbose_name = "Contact between sessions"
