from django.urls import path

from alliance.alerts import views

urlpatterns = [
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert-detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="alert-acknowledge"),
    path("alerts/<int:alert_id>/actions/", views.record_action, name="alert-action"),
    path("alerts/<int:alert_id>/resolve/", views.resolve, name="alert-resolve"),
    path("practice/alerts/", views.therapist_alerts, name="therapist-alerts"),
    path("clinic/alerts/", views.staff_alerts, name="staff-alerts"),
]
