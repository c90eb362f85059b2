"""The private calendar address: made, replaced and revoked; the feed it serves.

The frame is Thursdays 18:00–18:50 London from Monday 2 March 2026: 18:00 UTC in March, 17:00 UTC
from April (BST).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import icalendar
import pytest

from alliance.audit.models import AuditEvent
from alliance.care.actions.calendar import do_create_calendar_feed, do_revoke_calendar_feed
from alliance.care.actions.episodes import do_start_episode
from alliance.care.actions.sessions import do_cancel_session, do_move_session
from alliance.care.calendar import build_calendar, feed_for_token, live_feed
from alliance.care.models import CalendarFeed, Episode, Session
from alliance.care.tests.frame_helpers import NOW, agree, start_episode, utc
from alliance.core.errors import NotFound
from tests.factories import make_client, make_clinic, make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

SERIES = [utc(2026, 3, day, 18) for day in (5, 12, 19, 26)] + [
    utc(2026, 4, day, 17) for day in (2, 9, 16, 23)
]


def _episode() -> Episode:
    clinic = make_clinic()
    therapist = make_therapist(clinic=clinic, first_name="Ayesha", last_name="Rao")
    client = make_client(clinic=clinic, first_name="jonas", last_name="keller")
    episode = do_start_episode(None, client=client, therapist=therapist, started_on=NOW.date())
    agree(episode)
    return episode


def _events(ics: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


# The address


def test_a_new_address_stores_only_the_hash_of_its_token() -> None:
    episode = _episode()
    feed, token = do_create_calendar_feed(episode.client)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    assert (feed.user, feed.created_at, feed.revoked_at) == (episode.client, NOW, None)
    assert feed_for_token(token) == feed
    assert live_feed(episode.client) == feed
    [event] = AuditEvent.objects.filter(action="care.calendar.created")
    assert (event.actor, event.object_id, event.data) == (episode.client, str(feed.pk), {})
    assert token not in json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_wrong_token_finds_nothing() -> None:
    episode = _episode()
    _, token = do_create_calendar_feed(episode.client)
    for wrong in ("", token[:-1], token + "x", hashlib.sha256(token.encode()).hexdigest()):
        with pytest.raises(NotFound):
            feed_for_token(wrong)


def test_a_new_address_revokes_the_old_one() -> None:
    episode = _episode()
    old, old_token = do_create_calendar_feed(episode.client)
    new, new_token = do_create_calendar_feed(episode.client)
    old.refresh_from_db()
    assert old.revoked_at == NOW
    with pytest.raises(NotFound):
        feed_for_token(old_token)
    assert feed_for_token(new_token) == new
    assert CalendarFeed.objects.filter(user=episode.client, revoked_at__isnull=True).get() == new


def test_revoking_stops_the_address() -> None:
    episode = _episode()
    feed, token = do_create_calendar_feed(episode.client)
    assert do_revoke_calendar_feed(episode.client) == 1
    with pytest.raises(NotFound):
        feed_for_token(token)
    assert live_feed(episode.client) is None
    assert do_revoke_calendar_feed(episode.client) == 0
    [event] = AuditEvent.objects.filter(action="care.calendar.revoked")
    assert (event.actor, event.object_id) == (episode.client, str(feed.pk))


def test_revoking_is_per_person() -> None:
    episode = _episode()
    _, client_token = do_create_calendar_feed(episode.client)
    _, therapist_token = do_create_calendar_feed(episode.therapist)
    do_revoke_calendar_feed(episode.therapist)
    assert feed_for_token(client_token).user == episode.client
    with pytest.raises(NotFound):
        feed_for_token(therapist_token)


def test_a_deactivated_persons_address_stops_working() -> None:
    episode = _episode()
    _, token = do_create_calendar_feed(episode.therapist)
    episode.therapist.is_active = False
    episode.therapist.save()
    with pytest.raises(NotFound):
        feed_for_token(token)


# The feed


def test_the_feed_has_one_event_per_session_in_utc() -> None:
    episode = _episode()
    ics = build_calendar(episode.client)
    calendar = icalendar.Calendar.from_ical(ics)
    assert (str(calendar["prodid"]), str(calendar["version"])) == (
        "-//Alliance//Sessions//EN",
        "2.0",
    )
    events = _events(ics)
    assert [e.decoded("dtstart") for e in events] == SERIES
    assert [e.decoded("dtend") for e in events] == [s + dt.timedelta(minutes=50) for s in SERIES]
    text = ics.decode()
    assert "DTSTART:20260305T180000Z" in text
    assert "DTSTART:20260402T170000Z" in text
    assert "TZID" not in text
    pks = Session.objects.order_by("starts_at").values_list("pk", flat=True)
    assert [str(e["uid"]) for e in events] == [f"session-{pk}@alliance" for pk in pks]
    assert {str(e["location"]) for e in events} == {"Online"}
    assert {str(e["status"]) for e in events} == {"CONFIRMED"}


def test_cancelled_and_moved_sessions_are_marked() -> None:
    episode = _episode()
    sessions = {s.starts_at: s for s in Session.objects.all()}
    do_cancel_session(episode.client, session=sessions[SERIES[1]])
    do_move_session(episode.therapist, session=sessions[SERIES[2]], starts_at=utc(2026, 3, 20, 9))
    events = {e.decoded("dtstart"): e for e in _events(build_calendar(episode.therapist))}
    assert len(events) == 8
    assert str(events[SERIES[1]]["status"]) == "CANCELLED"
    moved = events[utc(2026, 3, 20, 9)]
    assert (str(moved["status"]), moved.decoded("sequence")) == ("CONFIRMED", 1)
    assert events[SERIES[0]].decoded("sequence") == 0
    assert [str(e["status"]) for e in events.values()].count("CANCELLED") == 1


def test_the_client_sees_the_therapists_first_name_and_the_therapist_initials_only() -> None:
    episode = _episode()
    client_summaries = {str(e["summary"]) for e in _events(build_calendar(episode.client))}
    assert client_summaries == {"Therapy session with Ayesha"}
    therapist_ics = build_calendar(episode.therapist)
    assert {str(e["summary"]) for e in _events(therapist_ics)} == {"Session (JK)"}
    assert b"jonas" not in therapist_ics.lower()
    assert b"keller" not in therapist_ics.lower()
    assert b"Rao" not in build_calendar(episode.client)


def test_a_feed_holds_only_its_owners_sessions() -> None:
    episode = _episode()
    other = start_episode(therapist=episode.therapist)
    agree(other, weekday=4)  # Fridays
    client_events = _events(build_calendar(episode.client))
    therapist_events = _events(build_calendar(episode.therapist))
    assert len(client_events) == 8
    assert len(therapist_events) == 16
    assert len(_events(build_calendar(other.client))) == 8


def test_the_feed_reaches_back_thirty_days() -> None:
    episode = _episode()
    # On 10 April 2026, 09:00 UTC, the feed starts on 11 March, 09:00 UTC.
    events = _events(build_calendar(episode.client, now=utc(2026, 4, 10, 9)))
    assert [e.decoded("dtstart") for e in events] == SERIES[1:]
