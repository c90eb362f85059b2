from django.urls import path

from alliance.matching import views

urlpatterns = [
    path("me/intake/", views.intake, name="intake"),
    path("me/intake/measures/", views.intake_measures, name="intake-measures"),
    path("me/matches/", views.matches, name="matches"),
    path("me/matches/<int:profile_id>/book/", views.book, name="book"),
    path("me/bookings/<int:booking_id>/cancel/", views.cancel_booking, name="booking-cancel"),
    path("clinic/waitlist/", views.waitlist, name="waitlist"),
    path("clinic/waitlist/assign/", views.propose_assignment, name="assignment-propose"),
    path("clinic/waitlist/runs/<int:run_id>/", views.assignment_run, name="assignment-run"),
]
