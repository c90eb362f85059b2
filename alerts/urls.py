from django.urls import path

from alerts import views

urlpatterns = [
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="alert-acknowledge"),
]
