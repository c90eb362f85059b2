from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alliance.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from alliance.alerts import receivers
        from alliance.care.hooks import session_changed
        from alliance.measures.hooks import SAFETY_ALERTS, responses_stored

        responses_stored.subscribe(receivers.raise_safety_alerts_for, purpose=SAFETY_ALERTS)
        responses_stored.subscribe(receivers.monitor_after_responses, purpose="monitoring")
        session_changed.subscribe(receivers.monitor_after_session, purpose="monitoring")
