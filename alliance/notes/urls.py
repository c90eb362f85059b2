from __future__ import annotations

from django.urls import path

from alliance.notes import views

urlpatterns = [
    path("episodes/<int:episode_id>/notes/", views.episode_notes, name="episode-notes"),
    path("notes/<int:note_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:note_id>/delete/", views.note_delete, name="note-delete"),
]
