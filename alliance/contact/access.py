"""Permission-checked lookups for messages and the notebook.

Messages belong to the two people in an episode: its client and its therapist. Notebook entries
belong to the client; the therapist of an episode sees only the entries shared with it. Clinic
staff see neither. Anything else is "not found".
"""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.contact.models import Message, NotebookEntry
from alliance.core.errors import NotFound


def _require_party(viewer: User, episode: Episode) -> None:
    if viewer.pk not in (episode.client_id, episode.therapist_id):
        raise NotFound("No such episode.")


def get_messages_for_user(viewer: User, episode: Episode) -> QuerySet[Message]:
    """The thread of an episode, oldest first, for its client or therapist."""
    _require_party(viewer, episode)
    return Message.objects.filter(episode=episode).select_related("sender")


def get_notebook_for_user(viewer: User) -> QuerySet[NotebookEntry]:
    """The viewer's own notebook, newest first (empty for anyone who is not a client)."""
    if not viewer.is_authenticated or not viewer.is_client:
        return NotebookEntry.objects.none()
    return NotebookEntry.objects.filter(client=viewer).select_related("episode__therapist")


def get_notebook_entry_for_user(viewer: User, entry_id: int) -> NotebookEntry:
    """One of the viewer's own entries."""
    entry = get_notebook_for_user(viewer).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("No such notebook entry.")
    return entry


def get_shared_entries_for_user(viewer: User, episode: Episode) -> QuerySet[NotebookEntry]:
    """What the client shared with this episode, oldest first: for its therapist only."""
    if viewer.pk != episode.therapist_id:
        raise NotFound("No such episode.")
    return NotebookEntry.objects.filter(episode=episode, shared_at__isnull=False).order_by(
        "shared_at", "pk"
    )
