"""The measurement schedule wired to the database: held sessions, last answers, overrides."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from alliance.audit.models import AuditEvent
from alliance.core.errors import PermissionDenied
from alliance.core.monitoring.schedule import InvalidSchedule, ScheduleRule
from alliance.measures.actions import do_set_clinic_schedule, do_set_episode_schedule
from alliance.measures.models import EpisodeSchedule
from alliance.measures.progress import due_for_client, due_for_therapist
from alliance.measures.schedules import load_due_one, session_of
from alliance.measures.tests.factories import checkin, give, hold_session, phq9, utc
from tests.factories import make_episode, make_staff

D = dt.date


def _client_due(episode, now: dt.datetime) -> list[str]:
    return [instrument.id for instrument in due_for_client(episode, now)]


@pytest.mark.parametrize(
    ("day", "held", "expected"),
    [
        (D(2026, 9, 1), [], 1),  # nothing held yet: session 1
        (D(2026, 9, 3), [D(2026, 9, 3)], 1),  # the day of the first session: still session 1
        (D(2026, 9, 4), [D(2026, 9, 3)], 2),  # the day after: the next session
        (D(2026, 9, 10), [D(2026, 9, 3), D(2026, 9, 10)], 2),
        (D(2026, 9, 2), [D(2026, 9, 3), D(2026, 9, 10)], 1),  # before the first
        (D(2026, 9, 30), [D(2026, 9, 3), D(2026, 9, 10)], 3),
    ],
)
def test_session_of_counts_held_sessions(day: dt.date, held: list[dt.date], expected: int) -> None:
    assert session_of(day, held) == expected


def test_check_in_is_due_every_session_and_not_twice_at_one(db: None) -> None:
    episode = make_episode()
    first = utc(2026, 9, 3, 18)
    hold_session(episode, first)
    assert "alliance-checkin-client" in _client_due(episode, first + dt.timedelta(hours=1))
    give(episode, "alliance-checkin-client", checkin(12), first + dt.timedelta(hours=1))
    # Same day, after answering: nothing more for session 1.
    later = first + dt.timedelta(hours=3)
    assert load_due_one(episode, later).session_number == 1
    assert "alliance-checkin-client" not in _client_due(episode, later)
    # A week on, before session 2 is even recorded: due again, for session 2.
    week = first + dt.timedelta(days=7)
    assert load_due_one(episode, week).session_number == 2
    assert "alliance-checkin-client" in _client_due(episode, week)
    hold_session(episode, week)
    assert "alliance-checkin-client" in _client_due(episode, week + dt.timedelta(hours=1))


def test_phq9_every_second_session_when_the_episode_overrides_it(db: None) -> None:
    episode = make_episode()
    do_set_episode_schedule(
        episode.therapist,
        episode=episode,
        overrides=[ScheduleRule("phq-9", every_sessions=2)],
        removed=[],
    )
    due_at = {}
    for number in range(1, 6):
        day = utc(2026, 9, 3, 18) + dt.timedelta(days=7 * (number - 1))
        hold_session(episode, day)
        after = day + dt.timedelta(hours=1)
        due = _client_due(episode, after)
        due_at[number] = "phq-9" in due
        assert "alliance-checkin-client" in due  # the clinic's rule still applies to the rest
        give(episode, "alliance-checkin-client", checkin(12), after)
        if due_at[number]:
            give(episode, "phq-9", phq9(10), after)
    assert due_at == {1: True, 2: False, 3: True, 4: False, 5: True}


def test_core10_is_due_monthly(db: None) -> None:
    episode = make_episode()
    given = utc(2026, 9, 3, 18)
    core10 = {f"core10-{n}": 1 for n in range(1, 11)} | {"core10-6": 0}
    give(episode, "core-10", core10, given)
    for week in range(6):  # weekly sessions, held
        hold_session(episode, given - dt.timedelta(hours=2) + dt.timedelta(days=7 * week))
    for days, expected in [(0, False), (7, False), (27, False), (28, True), (35, True)]:
        now = given + dt.timedelta(days=days)
        assert ("core-10" in _client_due(episode, now)) is expected, days
    reasons = {
        d.instrument.id: d.reason for d in load_due_one(episode, given + dt.timedelta(28)).client
    }
    assert reasons["core-10"] == "monthly (last on 2026-09-03)"


def test_wai_sr_without_wording_is_skipped_with_a_note(db: None) -> None:
    episode = make_episode()
    for week in range(2):
        hold_session(episode, utc(2026, 9, 3, 18) + dt.timedelta(days=7 * week))
    due = load_due_one(episode, utc(2026, 9, 20))  # session 3: WAI-SR's first
    assert due.session_number == 3
    assert "wai-sr" not in [m.instrument.id for m in due.client]
    assert len(due.skipped) == 1
    assert "(WAI-SR)" in due.skipped[0]
    assert "copyrighted" in due.skipped[0]


def test_therapist_check_in_is_due_for_the_therapist_only(db: None) -> None:
    episode = make_episode()
    now = utc(2026, 9, 3)
    assert [i.id for i in due_for_therapist(episode, now)] == ["alliance-checkin-therapist"]
    assert "alliance-checkin-therapist" not in _client_due(episode, now)


def test_a_clinic_schedule_replaces_the_default(db: None) -> None:
    episode = make_episode()
    staff = make_staff(clinic=episode.clinic)
    do_set_clinic_schedule(
        staff,
        clinic=episode.clinic,
        rules=[ScheduleRule("alliance-checkin-client", every_sessions=1)],
    )
    episode.clinic.refresh_from_db()
    assert episode.clinic.measurement_schedule == [
        {"instrument": "alliance-checkin-client", "every_sessions": 1}
    ]
    episode.refresh_from_db()
    assert _client_due(episode, utc(2026, 9, 3)) == ["alliance-checkin-client"]
    event = AuditEvent.objects.get(action="measures.schedule.clinic_changed")
    assert event.data == {"n_rules": 1, "is_default": False}
    do_set_clinic_schedule(staff, clinic=episode.clinic, rules=None)
    episode.clinic.refresh_from_db()
    assert episode.clinic.measurement_schedule == []


def test_removed_instruments_are_not_due_and_the_change_is_audited(db: None) -> None:
    episode = make_episode()
    do_set_episode_schedule(episode.therapist, episode=episode, overrides=[], removed=["gad-7"])
    with time_machine.travel(utc(2026, 9, 3)):
        assert "gad-7" not in _client_due(episode, utc(2026, 9, 3))
    stored = EpisodeSchedule.objects.get(episode=episode)
    assert (stored.overrides, stored.removed) == ([], ["gad-7"])
    event = AuditEvent.objects.get(action="measures.schedule.episode_changed")
    assert event.data == {"episode_id": episode.pk, "n_overrides": 0, "n_removed": 1}


def test_only_the_treating_therapist_and_known_instruments(db: None) -> None:
    episode = make_episode()
    with pytest.raises(PermissionDenied):
        do_set_episode_schedule(episode.client, episode=episode, overrides=[], removed=[])
    with pytest.raises(InvalidSchedule) as caught:
        do_set_episode_schedule(
            episode.therapist,
            episode=episode,
            overrides=[ScheduleRule("beck-depression", every_sessions=1)],
            removed=[],
        )
    assert caught.value.code == "unknown_instrument"
    with pytest.raises(InvalidSchedule) as empty:
        do_set_clinic_schedule(make_staff(clinic=episode.clinic), clinic=episode.clinic, rules=[])
    assert empty.value.code == "empty_schedule"
    assert not EpisodeSchedule.objects.exists()
