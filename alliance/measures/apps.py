from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        # Load and validate every instrument file now: a bad definition stops start-up with a
        # message naming the file and the problem, rather than failing a client mid-check-in.
        from alliance.measures import registry

        registry.load_instruments()
