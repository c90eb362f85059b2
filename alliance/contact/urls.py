from __future__ import annotations

from django.urls import path

from alliance.contact import views

urlpatterns = [
    path("episodes/<int:episode_id>/messages/", views.episode_messages, name="episode-messages"),
    path(
        "episodes/<int:episode_id>/messages/read/",
        views.episode_messages_read,
        name="episode-messages-read",
    ),
    path("episodes/<int:episode_id>/notebook/", views.episode_notebook, name="episode-notebook"),
    path("notebook/", views.notebook, name="notebook"),
    path("notebook/<int:entry_id>/share/", views.notebook_share, name="notebook-share"),
    path("notebook/<int:entry_id>/delete/", views.notebook_delete, name="notebook-delete"),
    path("crisis/", views.crisis, name="crisis"),
]
