from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "alliance.matching"
    label = "matching"
    verbose_name = "Intake, matching and booking"

    def ready(self) -> None:
        from alliance.directory.hooks import slot_bookings
        from alliance.matching import receivers

        slot_bookings.subscribe(receivers.slot_bookings, purpose="slot bookings")
