"""Private notes over the API: the same rules as the pages (author only; others get 404)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.accounts.http import request_user
from alliance.notes.access import get_note_episode_for_user, get_note_for_user, get_notes_for_user
from alliance.notes.actions import do_delete_note, do_edit_note, do_write_note
from alliance.notes.models import NOTE_MAX_CHARS, PrivateNote

router = Router(tags=["notes"])


class NoteIn(Schema):
    body: str = Field(max_length=NOTE_MAX_CHARS)


class NoteOut(Schema):
    id: int
    episode_id: int
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime


@router.get(
    "/episodes/{episode_id}/notes",
    response=list[NoteOut],
    url_name="list_notes",
    summary="Your private notes on an episode you treat, newest first",
)
def list_notes(request: HttpRequest, episode_id: int) -> list[PrivateNote]:
    user = request_user(request)
    episode = get_note_episode_for_user(user, episode_id)
    return list(get_notes_for_user(user, episode)[:1000])


@router.post(
    "/episodes/{episode_id}/notes",
    response={201: NoteOut},
    url_name="create_note",
    summary="Write a private note (only you will be able to read it)",
)
def create_note(request: HttpRequest, episode_id: int, payload: NoteIn) -> Status:
    user = request_user(request)
    episode = get_note_episode_for_user(user, episode_id)
    return Status(201, do_write_note(user, episode=episode, body=payload.body))


@router.patch(
    "/notes/{note_id}",
    response=NoteOut,
    url_name="update_note",
    summary="Change the text of one of your notes",
)
def update_note(request: HttpRequest, note_id: int, payload: NoteIn) -> PrivateNote:
    user = request_user(request)
    note = get_note_for_user(user, note_id)
    return do_edit_note(user, note=note, body=payload.body)


@router.delete(
    "/notes/{note_id}",
    response={204: None},
    url_name="delete_note",
    summary="Delete one of your notes for good",
)
def delete_note(request: HttpRequest, note_id: int) -> Status:
    user = request_user(request)
    do_delete_note(user, note=get_note_for_user(user, note_id))
    return Status(204, None)
