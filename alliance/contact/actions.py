"""Every state change of contact between sessions: send a message, keep and share the notebook.

Audit payloads hold ids and codes only: message and notebook text never reach the trail.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.access import get_current_episode_for_client
from alliance.care.models import ContactRule, Episode
from alliance.care.queries import current_frame
from alliance.contact.models import (
    LATE_MINUTES,
    MESSAGE_MAX_CHARS,
    NOTEBOOK_MAX_CHARS,
    TOPICS_WITHOUT_CONTACT,
    Message,
    NotebookEntry,
    Topic,
)
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied


def _check_message(topic: str, minutes_late: int | None, body: str) -> None:
    if topic not in Topic.values:
        raise InvalidInput("Choose what the message is about.", code="topic")
    if len(body) > MESSAGE_MAX_CHARS:
        raise InvalidInput(
            f"Keep messages to {MESSAGE_MAX_CHARS} characters: they are for logistics.",
            code="too_long",
        )
    if topic == Topic.RUNNING_LATE and minutes_late not in LATE_MINUTES:
        raise InvalidInput("Say 5, 10 or 15 minutes late.", code="minutes_late")
    if topic != Topic.RUNNING_LATE and minutes_late is not None:
        raise InvalidInput("Minutes late go only with running late.", code="minutes_late")
    if topic == Topic.OTHER_LOGISTICS and not body:
        raise InvalidInput("Write what the message is about.", code="body_required")


def _check_contact_rule(episode: Episode, topic: str, body: str, today: dt.date) -> None:
    frame = current_frame(episode, today)
    if frame is None or frame.contact_rule != ContactRule.NONE:
        return
    if topic not in TOPICS_WITHOUT_CONTACT or body:
        raise InvalidInput(
            "You agreed on no contact between sessions except to cancel or say you are "
            "running late. Bring anything else to your next session.",
            code="contact_rule_none",
        )


@transaction.atomic
def do_send_message(
    actor: User,
    *,
    episode: Episode,
    topic: str,
    minutes_late: int | None = None,
    body: str = "",
    now: dt.datetime | None = None,
) -> Message:
    """The client or therapist of an open episode sends a logistics message to the other."""
    now = now or timezone.now()
    if actor.pk not in (episode.client_id, episode.therapist_id):
        raise PermissionDenied("Only the client and the therapist write in this thread.")
    if not episode.is_open:
        raise Conflict("This episode has ended; its messages are closed.", code="episode_closed")
    body = body.strip()
    _check_message(topic, minutes_late, body)
    _check_contact_rule(episode, topic, body, timezone.localdate(now))
    message = Message.objects.create(
        episode=episode,
        sender=actor,
        topic=topic,
        minutes_late=minutes_late,
        body=body,
        created_at=now,
    )
    data = {"episode": episode.pk, "topic": topic, "minutes_late": minutes_late}
    record_event("contact.message.sent", actor=actor, obj=message, data=data, now=now)
    return message


@transaction.atomic
def do_mark_messages_read(viewer: User, *, episode: Episode, now: dt.datetime | None = None) -> int:
    """Mark the other person's unread messages as read; returns how many.

    Not audited: reading changes no agreement or record, only the "seen" mark.
    """
    if viewer.pk not in (episode.client_id, episode.therapist_id):
        return 0
    unread = Message.objects.filter(episode=episode, read_at__isnull=True).exclude(sender=viewer)
    return unread.update(read_at=now or timezone.now())


def _check_notebook_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput("Write something first.", code="body_required")
    if len(body) > NOTEBOOK_MAX_CHARS:
        raise InvalidInput(
            f"An entry holds at most {NOTEBOOK_MAX_CHARS} characters.", code="too_long"
        )
    return body


@transaction.atomic
def do_write_notebook_entry(
    actor: User, *, body: str, now: dt.datetime | None = None
) -> NotebookEntry:
    """A client writes a private entry: nobody else can read it until they share it."""
    if not actor.is_client:
        raise PermissionDenied("The notebook is for clients.")
    now = now or timezone.now()
    entry = NotebookEntry.objects.create(
        client=actor, body=_check_notebook_body(body), created_at=now
    )
    record_event("contact.notebook.written", actor=actor, obj=entry, now=now)
    return entry


@transaction.atomic
def do_share_notebook_entry(
    actor: User, *, entry: NotebookEntry, now: dt.datetime | None = None
) -> NotebookEntry:
    """Share an entry with the therapist of the client's current episode. Sharing is final."""
    if entry.client_id != actor.pk:
        raise PermissionDenied("Only the writer can share an entry.")
    entry = NotebookEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.is_shared:
        raise Conflict("This entry is already shared.", code="already_shared")
    episode = get_current_episode_for_client(actor)
    if episode is None:
        raise InvalidInput(
            "You are not working with a therapist at the moment, so there is no session to "
            "share this at. It stays in your notebook.",
            code="no_episode",
        )
    now = now or timezone.now()
    entry.episode, entry.shared_at = episode, now
    entry.save(update_fields=["episode", "shared_at"])
    data = {"episode": episode.pk}
    record_event("contact.notebook.shared", actor=actor, obj=entry, data=data, now=now)
    return entry


@transaction.atomic
def do_delete_notebook_entry(actor: User, *, entry: NotebookEntry) -> None:
    """Delete an unshared entry for good; a shared one is part of the episode's record."""
    if entry.client_id != actor.pk:
        raise PermissionDenied("Only the writer can delete an entry.")
    entry = NotebookEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.is_shared:
        raise Conflict("A shared entry cannot be deleted.", code="already_shared")
    record_event("contact.notebook.deleted", actor=actor, obj=entry)
    entry.delete()
