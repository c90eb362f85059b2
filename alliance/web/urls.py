from django.urls import path

from alliance.web.views import homes, records

urlpatterns = [
    path("me/", homes.client_home, name="client-home"),
    path("me/progress/", records.client_progress, name="client-progress"),
    path("practice/", homes.therapist_home, name="therapist-home"),
    path("practice/clients/<int:episode_id>/", records.therapist_client, name="therapist-client"),
    path("clinic/", homes.staff_home, name="staff-home"),
    path("people/<int:person_id>/", records.person_detail, name="person-detail"),
]
