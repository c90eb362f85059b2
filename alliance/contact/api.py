from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.care.access import get_clinical_episode_for_user
from alliance.contact.access import (
    get_messages_for_user,
    get_notebook_entry_for_user,
    get_notebook_for_user,
)
from alliance.contact.actions import (
    do_delete_notebook_entry,
    do_send_message,
    do_share_notebook_entry,
    do_write_notebook_entry,
)
from alliance.contact.models import Message, NotebookEntry, Topic

router = Router(tags=["contact"])


class MessageIn(Schema):
    topic: Topic
    minutes_late: int | None = None
    body: str = ""


class MessageOut(Schema):
    id: int
    episode_id: int
    sender_id: int
    topic: str
    minutes_late: int | None
    summary: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotebookIn(Schema):
    body: str


class NotebookOut(Schema):
    id: int
    body: str
    created_at: dt.datetime
    shared_at: dt.datetime | None
    episode_id: int | None


@router.get(
    "/episodes/{episode_id}/messages",
    response=list[MessageOut],
    url_name="list_messages",
    summary="Logistics messages of an episode, oldest first",
)
def list_messages(request: HttpRequest, episode_id: int) -> list[Message]:
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    return list(get_messages_for_user(user, episode)[:1000])


@router.post(
    "/episodes/{episode_id}/messages",
    response={201: MessageOut},
    url_name="send_message",
    summary="Send a logistics message to the other person in the episode",
)
def send_message(request: HttpRequest, episode_id: int, payload: MessageIn) -> Status:
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    message = do_send_message(
        user,
        episode=episode,
        topic=payload.topic.value,
        minutes_late=payload.minutes_late,
        body=payload.body,
    )
    return Status(201, message)


@router.get(
    "/notebook",
    response=list[NotebookOut],
    url_name="list_notebook",
    summary="Your own notebook, newest first (clients)",
)
def list_notebook(request: HttpRequest) -> list[NotebookEntry]:
    user = request_user(request)
    require_role(user, Role.CLIENT)
    return list(get_notebook_for_user(user)[:1000])


@router.post(
    "/notebook",
    response={201: NotebookOut},
    url_name="write_notebook",
    summary="Write a private notebook entry (clients)",
)
def write_notebook(request: HttpRequest, payload: NotebookIn) -> Status:
    user = request_user(request)
    require_role(user, Role.CLIENT)
    return Status(201, do_write_notebook_entry(user, body=payload.body))


@router.post(
    "/notebook/{entry_id}/share",
    response=NotebookOut,
    url_name="share_notebook",
    summary="Share an entry with your therapist, for your next session (final)",
)
def share_notebook(request: HttpRequest, entry_id: int) -> NotebookEntry:
    user = request_user(request)
    entry = get_notebook_entry_for_user(user, entry_id)
    return do_share_notebook_entry(user, entry=entry)


@router.delete(
    "/notebook/{entry_id}",
    response={204: None},
    url_name="delete_notebook",
    summary="Delete an entry you have not shared",
)
def delete_notebook(request: HttpRequest, entry_id: int) -> Status:
    user = request_user(request)
    entry = get_notebook_entry_for_user(user, entry_id)
    do_delete_notebook_entry(user, entry=entry)
    return Status(204, None)
