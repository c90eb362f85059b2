from django.urls import path

from alliance.directory import views

urlpatterns = [
    path("therapists/", views.directory, name="directory"),
    path("therapists/<int:profile_id>/", views.profile, name="directory-profile"),
    path("practice/profile/", views.own_profile_edit, name="practice-profile"),
    path(
        "clinic/therapists/<int:profile_id>/edit/",
        views.clinic_profile_edit,
        name="clinic-therapist-edit",
    ),
]
