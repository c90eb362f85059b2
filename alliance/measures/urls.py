from django.urls import path

from alliance.measures import views

urlpatterns = [
    path("me/check-in/", views.client_check_in, name="client-check-in"),
    path("me/check-in/<int:response_id>/support/", views.client_support, name="client-support"),
    path(
        "practice/clients/<int:episode_id>/check-in/",
        views.therapist_check_in,
        name="therapist-check-in",
    ),
    path("instruments/", views.instruments_page, name="instruments"),
    path("episodes/<int:episode_id>/schedule/", views.episode_schedule, name="episode-schedule"),
    path("clinic/schedule/", views.clinic_schedule, name="clinic-schedule"),
]
