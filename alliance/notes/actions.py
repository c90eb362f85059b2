"""Every change to a private note: written, edited, deleted. Audited with ids only: the text
never reaches the trail."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.models import Episode
from alliance.core.errors import InvalidInput, PermissionDenied
from alliance.notes.models import NOTE_MAX_CHARS, PrivateNote


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput("Write something in the note.", code="body_required")
    if len(text) > NOTE_MAX_CHARS:
        raise InvalidInput(
            f"Keep a note to {NOTE_MAX_CHARS} characters; start another for more.",
            code="too_long",
        )
    return text


@transaction.atomic
def do_write_note(
    actor: User, *, episode: Episode, body: str, now: dt.datetime | None = None
) -> PrivateNote:
    """The treating therapist writes a private note on the episode."""
    if actor.pk != episode.therapist_id:
        raise PermissionDenied("Only the treating therapist keeps notes on this episode.")
    now = now or timezone.now()
    note = PrivateNote.objects.create(
        author=actor, episode=episode, body=_check_body(body), created_at=now, updated_at=now
    )
    record_event("notes.note.written", actor=actor, obj=note, data={"episode_id": episode.pk})
    return note


@transaction.atomic
def do_edit_note(
    actor: User, *, note: PrivateNote, body: str, now: dt.datetime | None = None
) -> PrivateNote:
    """The author changes the text of their note."""
    if actor.pk != note.author_id:
        raise PermissionDenied("Only the author edits a note.")
    note.body = _check_body(body)
    note.updated_at = now or timezone.now()
    note.save(update_fields=["body", "updated_at"])
    record_event("notes.note.edited", actor=actor, obj=note, data={"episode_id": note.episode_id})
    return note


@transaction.atomic
def do_delete_note(actor: User, *, note: PrivateNote) -> None:
    """The author deletes their note for good."""
    if actor.pk != note.author_id:
        raise PermissionDenied("Only the author deletes a note.")
    data = {"episode_id": note.episode_id}
    record_event("notes.note.deleted", actor=actor, obj=note, data=data)
    note.delete()
