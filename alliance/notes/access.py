"""Permission-checked lookups for private notes: the only way views and the API obtain them.

A note is visible to its author alone. Anyone else, including the episode's client, a
colleague and clinic staff, is told "not found" (404), exactly as for a note that does not
exist. Writing a note needs the episode's treating therapist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.care.access import get_treating_episode_for_user
from alliance.care.models import Episode
from alliance.core.errors import NotFound
from alliance.notes.models import PrivateNote


def get_note_episode_for_user(viewer: User, episode_id: int) -> Episode:
    """An episode the viewer may keep notes on: one they treat."""
    return get_treating_episode_for_user(viewer, episode_id)


def get_notes_for_user(viewer: User, episode: Episode) -> QuerySet[PrivateNote]:
    """The viewer's own notes on ``episode``, newest first."""
    if not viewer.is_authenticated:
        return PrivateNote.objects.none()
    return PrivateNote.objects.filter(author=viewer, episode=episode)


def get_note_for_user(viewer: User, note_id: int) -> PrivateNote:
    """One of the viewer's own notes."""
    note = None
    if viewer.is_authenticated:
        note = (
            PrivateNote.objects.filter(pk=note_id, author=viewer)
            .select_related("episode__client")
            .first()
        )
    if note is None:
        raise NotFound("No such note.")
    return note
