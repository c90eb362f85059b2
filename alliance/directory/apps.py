from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "alliance.directory"
    label = "directory"
    verbose_name = "Therapist directory"
