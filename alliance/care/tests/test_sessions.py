"""One-off changes to sessions: move, cancel, add an extra one, record what happened.

The episode's frame is Thursdays 18:00–18:50 London from Monday 2 March 2026 (GMT until 29 March),
so its first two sessions start at 18:00 UTC on 5 and 12 March.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_pause_episode
from alliance.care.actions.sessions import (
    do_add_session,
    do_cancel_session,
    do_move_session,
    do_record_outcome,
)
from alliance.care.models import Episode, Session
from alliance.care.tests.frame_helpers import NOW, TODAY, agree, start_episode, starts, utc
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.factories import make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

MAR_5 = utc(2026, 3, 5, 18)
MAR_12 = utc(2026, 3, 12, 18)
SERIES = [MAR_5, MAR_12, utc(2026, 3, 19, 18), utc(2026, 3, 26, 18)] + [
    utc(2026, 4, day, 17) for day in (2, 9, 16, 23)
]


def _agreed(**changes: Any) -> Episode:
    episode = start_episode()
    agree(episode, **changes)
    return episode


def _at(episode: Episode, starts_at: dt.datetime) -> Session:
    return Session.objects.get(episode=episode, starts_at=starts_at)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# Moving one session


def test_moving_one_session_leaves_the_others_and_remembers_the_first_time() -> None:
    episode = _agreed()
    session = _at(episode, MAR_12)
    moved = do_move_session(episode.client, session=session, starts_at=utc(2026, 3, 13, 18))
    assert (moved.starts_at, moved.ends_at, moved.moved_from) == (
        utc(2026, 3, 13, 18),
        utc(2026, 3, 13, 18, 50),
        MAR_12,
    )
    again = do_move_session(episode.therapist, session=moved, starts_at=utc(2026, 3, 14, 10))
    again.refresh_from_db()
    assert (again.starts_at, again.ends_at, again.moved_from) == (
        utc(2026, 3, 14, 10),
        utc(2026, 3, 14, 10, 50),
        MAR_12,  # the first time, not the time of the previous move
    )
    assert (again.series_date, again.status) == (dt.date(2026, 3, 12), "scheduled")
    assert starts(episode) == [MAR_5, utc(2026, 3, 14, 10), *SERIES[2:]]
    events = _events("care.session.moved")
    assert [(e.actor, e.object_id, e.data) for e in events] == [
        (episode.client, str(session.pk), {}),
        (episode.therapist, str(session.pk), {}),
    ]


@pytest.mark.parametrize(
    ("new_start", "code"),
    [
        (MAR_12, "session_unchanged"),
        (utc(2026, 3, 2, 9), "session_in_past"),  # exactly now
        (dt.datetime(2026, 3, 13, 18), "naive_datetime"),
    ],
)
def test_a_move_to_a_bad_time_is_refused(new_start: dt.datetime, code: str) -> None:
    episode = _agreed()
    with pytest.raises(InvalidInput) as caught:
        do_move_session(episode.client, session=_at(episode, MAR_12), starts_at=new_start)
    assert caught.value.code == code
    assert starts(episode) == SERIES
    assert not _events("care.session.moved")


def test_a_session_that_has_started_cannot_be_moved() -> None:
    episode = _agreed()
    with pytest.raises(InvalidInput) as caught:
        do_move_session(
            episode.therapist,
            session=_at(episode, MAR_5),
            starts_at=utc(2026, 3, 6, 18),
            now=MAR_5,
        )
    assert caught.value.code == "session_started"
    assert _at(episode, MAR_5).moved_from is None


def test_moving_onto_another_clients_session_of_the_therapist_is_refused() -> None:
    episode = _agreed()
    other = start_episode(therapist=episode.therapist)
    agree(other, weekday=4)  # Fridays 18:00–18:50: 6 March at 18:00 UTC
    session = _at(episode, MAR_5)
    for overlapping in (utc(2026, 3, 6, 18, 20), utc(2026, 3, 6, 17, 20), utc(2026, 3, 6, 18)):
        with pytest.raises(Conflict) as caught:
            do_move_session(episode.client, session=session, starts_at=overlapping)
        assert caught.value.code == "slot_taken"
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.moved_from) == (
        MAR_5,
        utc(2026, 3, 5, 18, 50),
        None,
    )
    assert not _events("care.session.moved")
    # Ending just as the other one starts is fine.
    do_move_session(episode.client, session=session, starts_at=utc(2026, 3, 6, 17, 10))
    assert _at(episode, utc(2026, 3, 6, 17, 10)).pk == session.pk


def test_moving_onto_a_time_the_client_is_taken_is_refused() -> None:
    episode = _agreed()
    # The client's session with someone else (left from an earlier episode).
    earlier_therapist = make_therapist(clinic=episode.clinic)
    earlier = Episode.objects.create(
        clinic=episode.clinic,
        client=episode.client,
        therapist=earlier_therapist,
        started_on=dt.date(2025, 1, 6),
        state="ended",
    )
    Session.objects.create(
        episode=earlier,
        client=episode.client,
        therapist=earlier_therapist,
        kind="extra",
        starts_at=utc(2026, 3, 7, 10),
        ends_at=utc(2026, 3, 7, 10, 50),
    )
    session = _at(episode, MAR_5)
    with pytest.raises(Conflict) as caught:
        do_move_session(episode.therapist, session=session, starts_at=utc(2026, 3, 7, 10, 30))
    assert caught.value.code == "slot_taken"
    session.refresh_from_db()
    assert (session.starts_at, session.moved_from) == (MAR_5, None)


def test_moving_onto_another_session_of_the_same_series_is_refused() -> None:
    episode = _agreed()
    with pytest.raises(Conflict) as caught:
        do_move_session(
            episode.client, session=_at(episode, MAR_5), starts_at=utc(2026, 3, 12, 18, 10)
        )
    assert caught.value.code == "slot_taken"
    assert starts(episode) == SERIES


def test_someone_else_cannot_touch_a_session() -> None:
    episode = _agreed()
    outsider = make_therapist(clinic=episode.clinic)
    session = _at(episode, MAR_12)
    with pytest.raises(NotFound):
        do_move_session(outsider, session=session, starts_at=utc(2026, 3, 13, 18))
    with pytest.raises(NotFound):
        do_cancel_session(outsider, session=session)
    with pytest.raises(NotFound):
        do_record_outcome(outsider, session=session, outcome="no_show", now=MAR_12)
    session.refresh_from_db()
    assert (session.starts_at, session.status) == (MAR_12, "scheduled")


# Cancelling one session


@pytest.mark.parametrize(
    ("before_start", "notice"),
    [
        (dt.timedelta(hours=25), "early"),
        (dt.timedelta(hours=24), "early"),  # exactly the agreed notice counts as enough
        (dt.timedelta(hours=23, minutes=59, seconds=59), "late"),
        (dt.timedelta(minutes=1), "late"),
    ],
)
def test_cancelling_notes_whether_the_notice_was_enough(
    before_start: dt.timedelta, notice: str
) -> None:
    episode = _agreed()
    now = MAR_12 - before_start
    cancelled = do_cancel_session(
        episode.client, session=_at(episode, MAR_12), reason=" Aunt's funeral ", now=now
    )
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.notice) == ("cancelled", notice)
    assert (cancelled.cancelled_by, cancelled.cancelled_at) == (episode.client, now)
    assert cancelled.reason == "Aunt's funeral"
    [event] = _events("care.session.cancelled")
    assert event.data == {"by": "client", "notice": notice}
    assert "funeral" not in json.dumps([e.data for e in AuditEvent.objects.all()])
    assert starts(episode, status="scheduled") == [MAR_5, *SERIES[2:]]


def test_the_frames_own_notice_period_applies() -> None:
    episode = _agreed(cancellation_hours=48)
    session = do_cancel_session(
        episode.therapist, session=_at(episode, MAR_12), now=MAR_12 - dt.timedelta(hours=47)
    )
    assert (session.notice, session.cancelled_by) == ("late", episode.therapist)
    assert _events("care.session.cancelled")[0].data == {"by": "therapist", "notice": "late"}


def test_a_session_cannot_be_cancelled_once_it_started_or_twice() -> None:
    episode = _agreed()
    with pytest.raises(InvalidInput) as caught:
        do_cancel_session(episode.client, session=_at(episode, MAR_5), now=MAR_5)
    assert caught.value.code == "session_started"
    assert _at(episode, MAR_5).status == "scheduled"
    do_cancel_session(episode.client, session=_at(episode, MAR_12))
    with pytest.raises(Conflict) as caught_again:
        do_cancel_session(episode.therapist, session=_at(episode, MAR_12))
    assert caught_again.value.code == "session_decided"
    assert _at(episode, MAR_12).cancelled_by == episode.client
    with pytest.raises(InvalidInput) as too_long:
        do_cancel_session(episode.client, session=_at(episode, MAR_5), reason="x" * 201)
    assert too_long.value.code == "reason_too_long"
    assert len(_events("care.session.cancelled")) == 1


def test_a_cancelled_session_frees_its_time() -> None:
    episode = _agreed()
    do_cancel_session(episode.client, session=_at(episode, MAR_12))
    other = start_episode(therapist=episode.therapist)
    extra = do_add_session(episode.therapist, episode=other, starts_at=MAR_12)
    assert (extra.client, extra.starts_at) == (other.client, MAR_12)


# Adding an extra session


def test_the_therapist_adds_an_extra_session() -> None:
    episode = _agreed()
    extra = do_add_session(episode.therapist, episode=episode, starts_at=utc(2026, 3, 7, 10))
    extra.refresh_from_db()
    assert (extra.kind, extra.status, extra.series_date) == ("extra", "scheduled", None)
    assert (extra.starts_at, extra.ends_at) == (utc(2026, 3, 7, 10), utc(2026, 3, 7, 10, 50))
    assert extra.frame == episode.frames.get()
    longer = do_add_session(
        episode.therapist, episode=episode, starts_at=utc(2026, 3, 8, 10), minutes=90
    )
    assert longer.ends_at == utc(2026, 3, 8, 11, 30)
    assert [(e.actor, e.data) for e in _events("care.session.added")] == [
        (episode.therapist, {}),
        (episode.therapist, {}),
    ]


def test_without_a_frame_an_extra_session_lasts_50_minutes() -> None:
    episode = start_episode()
    extra = do_add_session(episode.therapist, episode=episode, starts_at=utc(2026, 3, 7, 10))
    assert (extra.frame, extra.ends_at) == (None, utc(2026, 3, 7, 10, 50))


def test_only_the_therapist_adds_sessions() -> None:
    episode = _agreed()
    with pytest.raises(PermissionDenied):
        do_add_session(episode.client, episode=episode, starts_at=utc(2026, 3, 7, 10))
    assert not Session.objects.filter(kind="extra").exists()
    assert not _events("care.session.added")


@pytest.mark.parametrize(
    ("starts_at", "minutes", "code"),
    [
        (NOW, None, "session_in_past"),
        (dt.datetime(2026, 3, 7, 10), None, "naive_datetime"),
        (utc(2026, 3, 7, 10), 5, "invalid_minutes"),
        (utc(2026, 3, 7, 10), 241, "invalid_minutes"),
    ],
)
def test_a_bad_extra_session_is_refused(
    starts_at: dt.datetime, minutes: int | None, code: str
) -> None:
    episode = _agreed()
    with pytest.raises(InvalidInput) as caught:
        do_add_session(episode.therapist, episode=episode, starts_at=starts_at, minutes=minutes)
    assert caught.value.code == code
    assert not Session.objects.filter(kind="extra").exists()


def test_an_extra_session_on_a_taken_time_is_refused() -> None:
    episode = _agreed()
    other = start_episode(therapist=episode.therapist)
    with pytest.raises(Conflict) as caught:
        do_add_session(episode.therapist, episode=other, starts_at=utc(2026, 3, 5, 18, 49))
    assert caught.value.code == "slot_taken"
    assert not Session.objects.filter(episode=other).exists()
    assert not _events("care.session.added")


def test_a_paused_episode_gets_no_extra_sessions() -> None:
    episode = _agreed()
    do_pause_episode(episode.client, episode=episode, today=TODAY)
    episode.refresh_from_db()
    with pytest.raises(Conflict) as caught:
        do_add_session(episode.therapist, episode=episode, starts_at=utc(2026, 3, 7, 10))
    assert caught.value.code == "episode_not_running"


# Recording what happened


def test_a_held_session_records_its_real_times_and_overrun() -> None:
    episode = _agreed()
    now = utc(2026, 3, 5, 19, 5)
    held = do_record_outcome(
        episode.therapist,
        session=_at(episode, MAR_5),
        outcome="held",
        actual_start=utc(2026, 3, 5, 18, 2),
        actual_end=utc(2026, 3, 5, 19, 0),
        now=now,
    )
    held.refresh_from_db()
    assert (held.status, held.recorded_by, held.recorded_at) == ("held", episode.therapist, now)
    assert (held.actual_start, held.actual_end) == (utc(2026, 3, 5, 18, 2), utc(2026, 3, 5, 19))
    assert held.overrun == 8  # 58 minutes held for 50 agreed
    [event] = _events("care.session.recorded")
    assert event.data == {"outcome": "held", "overrun_minutes": 8}


def test_a_session_ending_early_has_no_overrun() -> None:
    episode = _agreed()
    do_record_outcome(
        episode.therapist,
        session=_at(episode, MAR_5),
        outcome="held",
        actual_start=MAR_5,
        actual_end=utc(2026, 3, 5, 18, 40),
        now=utc(2026, 3, 5, 18, 40),
    )
    assert _events("care.session.recorded")[0].data == {"outcome": "held", "overrun_minutes": 0}


def test_a_no_show() -> None:
    episode = _agreed()
    session = do_record_outcome(
        episode.therapist, session=_at(episode, MAR_5), outcome="no_show", now=MAR_5
    )
    session.refresh_from_db()
    assert (session.status, session.actual_start, session.actual_end) == ("no_show", None, None)
    assert _events("care.session.recorded")[0].data == {"outcome": "no_show"}
    with pytest.raises(Conflict) as caught:
        do_record_outcome(
            episode.therapist,
            session=session,
            outcome="held",
            actual_start=MAR_5,
            actual_end=utc(2026, 3, 5, 18, 50),
            now=utc(2026, 3, 5, 19),
        )
    assert caught.value.code == "session_decided"


def test_an_outcome_before_the_start_or_by_the_client_is_refused() -> None:
    episode = _agreed()
    session = _at(episode, MAR_5)
    with pytest.raises(InvalidInput) as caught:
        do_record_outcome(
            episode.therapist,
            session=session,
            outcome="no_show",
            now=MAR_5 - dt.timedelta(seconds=1),
        )
    assert caught.value.code == "session_not_started"
    with pytest.raises(PermissionDenied):
        do_record_outcome(episode.client, session=session, outcome="no_show", now=MAR_5)
    session.refresh_from_db()
    assert (session.status, session.recorded_by) == ("scheduled", None)
    assert not _events("care.session.recorded")


@pytest.mark.parametrize(
    ("outcome", "times", "code"),
    [
        ("held", (None, None), "session_times"),
        ("held", (utc(2026, 3, 5, 18, 50), utc(2026, 3, 5, 18)), "session_times"),
        ("held", (MAR_5, utc(2026, 3, 5, 19, 6)), "session_times"),  # ends after now + 5 min
        ("cancelled", (None, None), "session_outcome"),
    ],
)
def test_a_bad_outcome_is_refused(
    outcome: str, times: tuple[dt.datetime | None, dt.datetime | None], code: str
) -> None:
    episode = _agreed()
    with pytest.raises(InvalidInput) as caught:
        do_record_outcome(
            episode.therapist,
            session=_at(episode, MAR_5),
            outcome=outcome,
            actual_start=times[0],
            actual_end=times[1],
            now=utc(2026, 3, 5, 19),
        )
    assert caught.value.code == code
    assert _at(episode, MAR_5).status == "scheduled"


def test_every_session_event_holds_only_ids_and_codes() -> None:
    episode = _agreed()
    do_move_session(episode.client, session=_at(episode, MAR_12), starts_at=utc(2026, 3, 13, 9))
    do_cancel_session(episode.therapist, session=_at(episode, SERIES[2]), reason="I am unwell")
    do_add_session(episode.therapist, episode=episode, starts_at=utc(2026, 3, 7, 10))
    do_record_outcome(episode.therapist, session=_at(episode, MAR_5), outcome="no_show", now=MAR_5)
    data = {e.action: e.data for e in AuditEvent.objects.filter(action__startswith="care.session.")}
    assert data == {
        "care.session.moved": {},
        "care.session.cancelled": {"by": "therapist", "notice": "early"},
        "care.session.added": {},
        "care.session.recorded": {"outcome": "no_show"},
    }
