from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "alliance.matching"
    label = "matching"
    verbose_name = "Intake, matching and booking"
