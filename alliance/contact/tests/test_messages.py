"""Logistics messages: the action's rules and the episode's messages page."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import ContactRule, EpisodeState
from alliance.contact.actions import do_send_message
from alliance.contact.models import Message, Topic
from alliance.contact.tests.factories import logged_in, make_episode, make_frame, raw_column
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import make_client, make_therapist

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _page(http, episode) -> str:
    response = http.get(reverse("episode-messages", args=[episode.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("topic", "minutes_late", "body", "shown"),
    [
        (Topic.RUNNING_LATE, 10, "", "I'm running late — 10 minutes."),
        (Topic.RESCHEDULE, None, "", "I need to reschedule."),
        (Topic.CANCEL, None, "", "I need to cancel."),
        (Topic.OTHER_LOGISTICS, None, "Can we meet online on Thursday?", ""),
    ],
)
def test_each_topic_is_sent_and_audited_without_its_text(
    db: None, topic: str, minutes_late: int | None, body: str, shown: str
) -> None:
    episode = make_episode()
    message = do_send_message(
        episode.client, episode=episode, topic=topic, minutes_late=minutes_late, body=body
    )
    stored = Message.objects.get()
    assert (stored.topic, stored.minutes_late, stored.body, stored.summary) == (
        topic,
        minutes_late,
        body,
        shown,
    )
    event = AuditEvent.objects.get(action="contact.message.sent")
    assert event.object_id == str(message.pk)
    assert event.data == {"episode": episode.pk, "topic": topic, "minutes_late": minutes_late}


@pytest.mark.parametrize(
    ("topic", "minutes_late", "body", "code"),
    [
        (Topic.OTHER_LOGISTICS, None, "x" * 501, "too_long"),
        (Topic.OTHER_LOGISTICS, None, "   ", "body_required"),
        (Topic.RUNNING_LATE, 20, "", "minutes_late"),
        (Topic.RUNNING_LATE, None, "", "minutes_late"),
        (Topic.CANCEL, 5, "", "minutes_late"),
        ("chat", None, "hello", "topic"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(
    db: None, topic: str, minutes_late: int | None, body: str, code: str
) -> None:
    episode = make_episode()
    with pytest.raises(InvalidInput) as caught:
        do_send_message(
            episode.client, episode=episode, topic=topic, minutes_late=minutes_late, body=body
        )
    assert caught.value.code == code
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(action="contact.message.sent").exists()


def test_exactly_500_characters_is_allowed(db: None) -> None:
    episode = make_episode()
    do_send_message(episode.therapist, episode=episode, topic="other_logistics", body="x" * 500)
    assert len(Message.objects.get().body) == 500


@pytest.mark.parametrize(
    ("topic", "minutes_late", "body", "allowed"),
    [
        (Topic.CANCEL, None, "", True),
        (Topic.RUNNING_LATE, 15, "", True),
        (Topic.RESCHEDULE, None, "", False),
        (Topic.OTHER_LOGISTICS, None, "Just checking in!", False),
        (Topic.CANCEL, None, "and I've had an awful week", False),
    ],
)
def test_contact_rule_none_allows_only_cancel_or_running_late(
    db: None, topic: str, minutes_late: int | None, body: str, allowed: bool
) -> None:
    episode = make_episode()
    make_frame(episode, contact_rule=ContactRule.NONE)
    if allowed:
        do_send_message(
            episode.client, episode=episode, topic=topic, minutes_late=minutes_late, body=body
        )
        assert Message.objects.count() == 1
        return
    with pytest.raises(InvalidInput) as caught:
        do_send_message(
            episode.client, episode=episode, topic=topic, minutes_late=minutes_late, body=body
        )
    assert caught.value.code == "contact_rule_none"
    assert not Message.objects.exists()


def test_only_the_two_people_of_an_open_episode_write(db: None) -> None:
    episode = make_episode()
    colleague = make_therapist(clinic=episode.clinic)
    with pytest.raises(PermissionDenied):
        do_send_message(colleague, episode=episode, topic="cancel")
    episode.state = EpisodeState.ENDED
    episode.save()
    with pytest.raises(Conflict) as caught:
        do_send_message(episode.client, episode=episode, topic="cancel")
    assert caught.value.code == "episode_closed"
    assert not Message.objects.exists()


def test_the_body_is_encrypted_at_rest(db: None) -> None:
    episode = make_episode()
    text = "Parking at the back gate is closed today"
    message = do_send_message(episode.client, episode=episode, topic="other_logistics", body=text)
    raw = raw_column("contact_message", "body", message.pk)
    assert raw.startswith("fernet:")
    assert text not in raw
    assert "Parking" not in raw


def test_the_page_shows_the_thread_and_the_default_rule(db: None) -> None:
    episode = make_episode()
    do_send_message(episode.client, episode=episode, topic="running_late", minutes_late=5)
    do_send_message(episode.therapist, episode=episode, topic="other_logistics", body="Room 4.")
    page = _page(logged_in(episode.client), episode)
    assert page.index("I'm running late — 5 minutes.") < page.index("Room 4.")  # newest last
    assert (
        "Messages between sessions are for logistics: times, running late, rescheduling or "
        "cancelling." in page
    )
    for button in ["I'm running late — 10 minutes", "I need to reschedule", "I need to cancel"]:
        assert button in page
    assert "Anything else — how you're feeling, something that happened — is worth bringing" in page
    assert reverse("notebook") in page
    assert reverse("crisis") in page


def test_the_therapist_sees_the_frame_rule_and_no_notebook_note(db: None) -> None:
    episode = make_episode()
    make_frame(episode, contact_rule=ContactRule.LOGISTICS)
    page = _page(logged_in(episode.therapist), episode)
    assert "Messages between sessions are for logistics only" in page
    assert "Anything else" not in page
    assert reverse("notebook") not in page
    assert reverse("crisis") in page


def test_with_no_contact_the_composer_offers_only_cancel_and_running_late(db: None) -> None:
    episode = make_episode()
    make_frame(episode, contact_rule=ContactRule.NONE)
    http = logged_in(episode.client)
    page = _page(http, episode)
    assert "No contact between sessions except to cancel" in page
    assert "I need to cancel" in page
    assert "I'm running late — 15 minutes" in page
    assert "I need to reschedule" not in page
    assert 'value="other_logistics"' not in page
    url = reverse("episode-messages", args=[episode.pk])
    refused = http.post(url, {"topic": "other_logistics", "body": "How are you?"})
    assert refused.status_code == 400
    assert "no contact between sessions except to cancel" in html.unescape(refused.content.decode())
    assert not Message.objects.exists()


def test_one_tap_posts_send_and_redirect_back(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.client)
    url = reverse("episode-messages", args=[episode.pk])
    sent = http.post(url, {"topic": "running_late", "minutes_late": "10"})
    assert sent.status_code == 302
    assert sent["Location"] == url
    too_long = http.post(url, {"topic": "other_logistics", "body": "x" * 501})
    assert too_long.status_code == 400
    message = Message.objects.get()
    assert (message.sender, message.topic, message.minutes_late) == (
        episode.client,
        "running_late",
        10,
    )


def test_opening_the_page_marks_only_the_other_sides_messages_read(db: None) -> None:
    episode = make_episode()
    mine = do_send_message(episode.client, episode=episode, topic="cancel")
    theirs = do_send_message(episode.therapist, episode=episode, topic="reschedule")
    with time_machine.travel(NOW, tick=False):
        http = logged_in(episode.client)
        n_events = AuditEvent.objects.count()
        page = _page(http, episode)
        assert theirs.read_at is None  # a GET never writes: the page posts "seen" once loaded
        assert 'hx-trigger="load"' in page
        http.post(reverse("episode-messages-read", args=[episode.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.read_at, theirs.read_at) == (None, NOW)
    assert "Not seen yet" in page
    assert AuditEvent.objects.count() == n_events  # reading is not audited
    therapist = logged_in(episode.therapist)
    therapist.post(reverse("episode-messages-read", args=[episode.pk]))
    therapist_page = _page(therapist, episode)
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "Seen " in therapist_page


def test_an_ended_episode_keeps_its_thread_but_takes_no_messages(db: None) -> None:
    episode = make_episode()
    do_send_message(episode.client, episode=episode, topic="cancel")
    episode.state = EpisodeState.ENDED
    episode.save()
    http = logged_in(episode.client)
    page = _page(http, episode)
    assert "I need to cancel." in page
    assert "messages are closed" in page
    assert "I need to reschedule" not in page
    url = reverse("episode-messages", args=[episode.pk])
    assert http.post(url, {"topic": "cancel"}).status_code == 400
    assert Message.objects.count() == 1


def test_someone_elses_thread_is_not_found(db: None) -> None:
    episode = make_episode()
    do_send_message(episode.client, episode=episode, topic="cancel")
    url = reverse("episode-messages", args=[episode.pk])
    outsiders = [make_client(clinic=episode.clinic), make_therapist(clinic=episode.clinic)]
    for outsider in outsiders:
        http = logged_in(outsider)
        assert http.get(url).status_code == 404
        assert http.post(url, {"topic": "cancel"}).status_code == 404
    assert Message.objects.count() == 1
    assert Message.objects.get().read_at is None
