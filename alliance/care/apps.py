from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "alliance.care"
    label = "care"
    verbose_name = "Episodes of care"

    def ready(self) -> None:
        from alliance.care import receivers
        from alliance.directory.hooks import therapist_moved_city

        therapist_moved_city.subscribe(receivers.offer_online_to_clients, purpose="online offers")
