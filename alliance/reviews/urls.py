from __future__ import annotations

from django.urls import path

from alliance.reviews import views

urlpatterns = [
    path("episodes/<int:episode_id>/fit-review/", views.fit_review, name="fit-review"),
    path(
        "episodes/<int:episode_id>/fit-review/request/",
        views.fit_review_request,
        name="fit-review-request",
    ),
    path("episodes/<int:episode_id>/history/", views.history_consent, name="history-consent"),
    path("clinic/rematches/", views.staff_rematches, name="staff-rematches"),
]
