"""The frame agreement: proposals, acceptance by both sides, and the weekly sessions that follow.

Expected session times are written out by hand in UTC. London is on GMT (UTC+0) until 01:00 UTC
on Sunday 29 March 2026 and on BST (UTC+1) after, so 18:00 in London is 18:00 UTC in March and
17:00 UTC from April.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from alliance.accounts.actions import scheduler_actor
from alliance.accounts.models import ClientProfile
from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_end_episode
from alliance.care.actions.frames import (
    do_accept_frame,
    do_decline_frame,
    do_draft_first_frame,
    do_propose_frame,
    do_withdraw_frame,
)
from alliance.care.actions.sessions import do_cancel_session, do_move_session, do_record_outcome
from alliance.care.models import FrameState, FrameVersion, Session, SessionStatus
from alliance.care.tests.frame_helpers import NOW, TERMS, TODAY, agree, start_episode, starts, utc
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.directory.models import TherapistProfile
from tests.factories import make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

# v1 of TERMS (Thursdays 18:00 London from 2 March 2026), planned on 2 March to the horizon of
# 8 weeks (27 April 2026 inclusive): the clocks go forward between 26 March and 2 April.
THURSDAYS = [
    utc(2026, 3, 5, 18),
    utc(2026, 3, 12, 18),
    utc(2026, 3, 19, 18),
    utc(2026, 3, 26, 18),
    utc(2026, 4, 2, 17),
    utc(2026, 4, 9, 17),
    utc(2026, 4, 16, 17),
    utc(2026, 4, 23, 17),
]


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_proposal_is_the_proposers_acceptance_and_waits_for_the_other() -> None:
    episode = start_episode()
    frame = do_propose_frame(episode.therapist, episode=episode, terms=TERMS, today=TODAY)
    assert (frame.number, frame.state, frame.proposed_by) == (1, "proposed", episode.therapist)
    assert frame.therapist_accepted_at == NOW
    assert frame.client_accepted_at is None
    assert (frame.weekday, frame.start_time, frame.time_zone) == (3, dt.time(18), "Europe/London")
    assert frame.effective_from == dt.date(2026, 3, 2)
    assert frame.starts_when_agreed is False
    assert not Session.objects.exists()
    [event] = _events("care.frame.proposed")
    assert (event.actor, event.object_id, event.data) == (
        episode.therapist,
        str(frame.pk),
        {"episode": episode.pk},
    )


def test_the_client_proposes_too() -> None:
    episode = start_episode()
    frame = do_propose_frame(episode.client, episode=episode, terms=TERMS, today=TODAY)
    assert frame.client_accepted_at == NOW
    assert frame.therapist_accepted_at is None
    accepted = do_accept_frame(episode.therapist, frame=frame, today=TODAY)
    assert accepted.state == FrameState.ACCEPTED
    assert starts(episode) == THURSDAYS


def test_accepting_plans_the_weekly_sessions_to_the_horizon_across_the_clock_change() -> None:
    episode = start_episode()
    frame = agree(episode)
    frame.refresh_from_db()
    assert (frame.state, frame.client_accepted_at, frame.decided_at) == ("accepted", NOW, NOW)
    sessions = list(Session.objects.filter(episode=episode).order_by("starts_at"))
    assert [s.starts_at for s in sessions] == THURSDAYS
    assert [s.ends_at for s in sessions] == [t + dt.timedelta(minutes=50) for t in THURSDAYS]
    assert {(s.frame_id, s.kind, s.status) for s in sessions} == {
        (frame.pk, "regular", "scheduled")
    }
    assert [s.series_date for s in sessions] == [t.date() for t in THURSDAYS]
    assert {(s.client_id, s.therapist_id) for s in sessions} == {
        (episode.client_id, episode.therapist_id)
    }
    [event] = _events("care.frame.accepted")
    assert (event.actor, event.data) == (episode.client, {"side": "client"})


def test_a_wall_time_in_the_spring_gap_and_one_after_it() -> None:
    # Sundays 01:30 in London: on 29 March 2026 01:30 does not exist (01:00 → 02:00); the core
    # reads it with the offset before the change (GMT), so it is 01:30 UTC (02:30 BST).
    episode = start_episode()
    agree(episode, weekday=6, start_time="01:30")
    assert starts(episode) == [
        utc(2026, 3, 8, 1, 30),
        utc(2026, 3, 15, 1, 30),
        utc(2026, 3, 22, 1, 30),
        utc(2026, 3, 29, 1, 30),
        utc(2026, 4, 5, 0, 30),
        utc(2026, 4, 12, 0, 30),
        utc(2026, 4, 19, 0, 30),
        utc(2026, 4, 26, 0, 30),
    ]


def test_sessions_follow_the_frames_own_time_zone() -> None:
    # Kolkata is UTC+5:30 all year: Thursday 18:00 there is 12:30 UTC.
    episode = start_episode()
    agree(episode, time_zone="Asia/Kolkata")
    assert starts(episode) == [utc(2026, 3, 5 + 7 * week, 12, 30) for week in range(4)] + [
        utc(2026, 4, 2 + 7 * week, 12, 30) for week in range(4)
    ]


def test_the_proposer_cannot_accept_their_own_proposal() -> None:
    episode = start_episode()
    frame = do_propose_frame(episode.therapist, episode=episode, terms=TERMS, today=TODAY)
    with pytest.raises(Conflict) as caught:
        do_accept_frame(episode.therapist, frame=frame, today=TODAY)
    assert (caught.value.code, caught.value.status) == ("frame_own_proposal", 409)
    frame.refresh_from_db()
    assert (frame.state, frame.client_accepted_at) == ("proposed", None)
    assert not Session.objects.exists()
    assert not _events("care.frame.accepted")


def test_a_second_proposal_while_one_is_pending_is_refused() -> None:
    episode = start_episode()
    do_propose_frame(episode.therapist, episode=episode, terms=TERMS, today=TODAY)
    with pytest.raises(Conflict) as caught:
        do_propose_frame(
            episode.client, episode=episode, terms={**TERMS, "weekday": 1}, today=TODAY
        )
    assert caught.value.code == "frame_pending"
    assert list(FrameVersion.objects.values_list("number", "weekday")) == [(1, 3)]
    assert len(_events("care.frame.proposed")) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"weekday": 7}, "frame_weekday"),
        ({"weekday": "Thursday"}, "frame_weekday"),
        ({"minutes": 5}, "frame_minutes"),
        ({"minutes": 241}, "frame_minutes"),
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown_time_zone"),
        ({"time_zone": "Europe"}, "unknown_time_zone"),
        ({"format": "in_person", "location": "  "}, "frame_location"),
        ({"format": "by_post"}, "frame_format"),
        ({"effective_from": "2026-03-01"}, "frame_in_past"),
        ({"effective_from": "next week"}, "frame_effective_from"),
        ({"start_time": "25:00"}, "frame_start_time"),
        ({"fee": -1}, "frame_fee"),
        ({"style": "shouty"}, "frame_style"),
        ({"ending_goal_level": 3}, "frame_ending_goal_level"),
        ({"colour": "blue"}, "frame_unknown"),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_stored(changes: dict[str, object], code: str) -> None:
    episode = start_episode()
    with pytest.raises(InvalidInput) as caught:
        do_propose_frame(
            episode.therapist, episode=episode, terms={**TERMS, **changes}, today=TODAY
        )
    assert caught.value.code == code
    assert not FrameVersion.objects.exists()
    assert not _events("care.frame.proposed")


def test_missing_terms_are_named() -> None:
    episode = start_episode()
    terms = {k: v for k, v in TERMS.items() if k not in ("fee", "style")}
    with pytest.raises(InvalidInput, match=r"fee, .*style") as caught:
        do_propose_frame(episode.therapist, episode=episode, terms=terms, today=TODAY)
    assert caught.value.code == "frame_missing"
    assert not FrameVersion.objects.exists()


def test_online_drops_the_place_and_in_person_keeps_it() -> None:
    episode = start_episode()
    online = do_propose_frame(
        episode.therapist, episode=episode, terms={**TERMS, "location": "Room 2"}, today=TODAY
    )
    assert online.location == ""
    do_withdraw_frame(episode.therapist, frame=online)
    in_person = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "format": "in_person", "location": " Room 2 "},
        today=TODAY,
    )
    assert (in_person.format, in_person.location) == ("in_person", "Room 2")


def test_a_change_that_changes_nothing_or_starts_too_early_is_refused() -> None:
    episode = start_episode()
    agree(episode)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"effective_from": "2026-03-16"}, "frame_unchanged"),
        ({"effective_from": "2026-03-02", "weekday": 1}, "frame_effective_from"),
    ]
    for changes, code in cases:
        with pytest.raises(InvalidInput) as caught:
            do_propose_frame(
                episode.client, episode=episode, terms={**TERMS, **changes}, today=TODAY
            )
        assert caught.value.code == code
    assert FrameVersion.objects.count() == 1
    assert len(_events("care.frame.proposed")) == 1


def test_the_other_side_declines_and_the_proposer_withdraws() -> None:
    episode = start_episode()
    frame = do_propose_frame(episode.therapist, episode=episode, terms=TERMS, today=TODAY)
    with pytest.raises(PermissionDenied):
        do_decline_frame(episode.therapist, frame=frame)  # own proposal: withdraw it instead
    with pytest.raises(PermissionDenied):
        do_withdraw_frame(episode.client, frame=frame)  # not theirs to withdraw
    declined = do_decline_frame(episode.client, frame=frame)
    assert (declined.state, declined.decided_at) == ("declined", NOW)
    for act in (do_decline_frame, do_withdraw_frame):
        with pytest.raises(Conflict) as caught:
            act(episode.therapist if act is do_withdraw_frame else episode.client, frame=frame)
        assert caught.value.code == "frame_decided"
    with pytest.raises(Conflict) as caught:
        do_accept_frame(episode.client, frame=frame, today=TODAY)
    assert caught.value.code == "frame_decided"
    again = do_propose_frame(episode.client, episode=episode, terms=TERMS, today=TODAY)
    assert again.number == 2
    withdrawn = do_withdraw_frame(episode.client, frame=again)
    assert withdrawn.state == "withdrawn"
    assert not Session.objects.exists()
    assert [e.actor for e in _events("care.frame.declined")] == [episode.client]
    assert [e.actor for e in _events("care.frame.withdrawn")] == [episode.client]


def test_a_declined_change_leaves_the_sessions_of_the_frame_in_force() -> None:
    episode = start_episode()
    agree(episode)
    change = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "weekday": 1, "effective_from": "2026-03-16"},
        today=TODAY,
    )
    do_decline_frame(episode.client, frame=change)
    assert starts(episode) == THURSDAYS
    assert list(FrameVersion.objects.values_list("number", "state")) == [
        (1, "accepted"),
        (2, "declined"),
    ]


def test_a_change_replaces_only_untouched_future_sessions_from_its_date(
    time_machine: TimeMachineFixture,
) -> None:
    episode = start_episode()
    first = agree(episode)
    time_machine.move_to(utc(2026, 3, 13, 9))  # Friday: 5 and 12 March are past
    by_start = {s.starts_at: s for s in Session.objects.filter(episode=episode)}
    do_record_outcome(
        episode.therapist,
        session=by_start[utc(2026, 3, 12, 18)],
        outcome="held",
        actual_start=utc(2026, 3, 12, 18),
        actual_end=utc(2026, 3, 12, 18, 50),
    )
    do_move_session(
        episode.client, session=by_start[utc(2026, 4, 2, 17)], starts_at=utc(2026, 4, 3, 17)
    )
    do_cancel_session(episode.client, session=by_start[utc(2026, 4, 9, 17)])
    # From Monday 23 March: Tuesdays 10:00 London.
    change = do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "weekday": 1, "start_time": "10:00", "effective_from": "2026-03-23"},
        today=dt.date(2026, 3, 13),
    )
    second = do_accept_frame(episode.therapist, frame=change, today=dt.date(2026, 3, 13))
    rows = Session.objects.filter(episode=episode).order_by("starts_at")
    kept = [(s.starts_at, s.status, s.moved_from) for s in rows.filter(frame=first)]
    assert kept == [
        (utc(2026, 3, 5, 18), "scheduled", None),  # past, never recorded: history
        (utc(2026, 3, 12, 18), "held", None),
        (utc(2026, 3, 19, 18), "scheduled", None),  # before the change starts: old time
        (utc(2026, 4, 3, 17), "scheduled", utc(2026, 4, 2, 17)),  # moved one by one
        (utc(2026, 4, 9, 17), "cancelled", None),
    ]
    # Tuesdays from 24 March to the horizon (13 March + 8 weeks = 8 May); BST from 29 March.
    assert list(rows.filter(frame=second).values_list("starts_at", flat=True)) == [
        utc(2026, 3, 24, 10),
        utc(2026, 3, 31, 9),
        utc(2026, 4, 7, 9),
        utc(2026, 4, 14, 9),
        utc(2026, 4, 21, 9),
        utc(2026, 4, 28, 9),
        utc(2026, 5, 5, 9),
    ]
    assert rows.count() == 12  # 26 March, 16 and 23 April (untouched, v1) gave way


def test_a_change_of_time_zone_replaces_the_old_series_by_its_dates() -> None:
    # v1: Mondays 00:30 in Tokyo (UTC+9), i.e. Sundays 15:30 UTC. v2 from Monday 16 March:
    # Mondays 09:00 in London. The Tokyo session *dated* Monday 16 March starts on Sunday
    # 15 March in UTC, before midnight in London, yet it belongs to the week v2 replaces.
    episode = start_episode()
    first = agree(episode, weekday=0, start_time="00:30", time_zone="Asia/Tokyo")
    assert starts(episode)[:2] == [utc(2026, 3, 8, 15, 30), utc(2026, 3, 15, 15, 30)]
    second = agree(
        episode,
        weekday=0,
        start_time="09:00",
        time_zone="Europe/London",
        effective_from="2026-03-16",
    )
    assert starts(episode, frame=first) == [utc(2026, 3, 8, 15, 30)]
    assert starts(episode, frame=second) == [
        utc(2026, 3, 16, 9),
        utc(2026, 3, 23, 9),
        utc(2026, 3, 30, 8),
        utc(2026, 4, 6, 8),
        utc(2026, 4, 13, 8),
        utc(2026, 4, 20, 8),
        utc(2026, 4, 27, 8),
    ]


def test_a_slot_that_clashes_with_another_clients_session_rolls_the_acceptance_back() -> None:
    taken = start_episode()
    agree(taken)  # Thursdays 18:00–18:50 London
    other = start_episode(therapist=taken.therapist)
    clash = do_propose_frame(
        other.therapist, episode=other, terms={**TERMS, "start_time": "18:30"}, today=TODAY
    )
    with pytest.raises(Conflict) as caught:
        do_accept_frame(other.client, frame=clash, today=TODAY)
    assert caught.value.code == "slot_taken"
    clash.refresh_from_db()
    assert (clash.state, clash.client_accepted_at, clash.decided_at) == ("proposed", None, None)
    assert not Session.objects.filter(episode=other).exists()
    assert starts(taken) == THURSDAYS
    assert [e.object_id for e in _events("care.frame.accepted")] == [str(taken.frames.get().pk)]
    # Straight after the other client's session (18:50, end == start) is free.
    do_withdraw_frame(other.therapist, frame=clash)
    agree(other, start_time="18:50")
    assert starts(other)[0] == utc(2026, 3, 5, 18, 50)


def test_someone_elses_episode_is_not_found() -> None:
    episode = start_episode()
    outsider = make_therapist(clinic=episode.clinic)
    with pytest.raises(NotFound):
        do_propose_frame(outsider, episode=episode, terms=TERMS, today=TODAY)
    frame = do_propose_frame(episode.therapist, episode=episode, terms=TERMS, today=TODAY)
    for act in (do_decline_frame, do_withdraw_frame):
        with pytest.raises(NotFound):
            act(outsider, frame=frame)
    with pytest.raises(NotFound):
        do_accept_frame(outsider, frame=frame, today=TODAY)
    frame.refresh_from_db()
    assert (frame.state, frame.client_accepted_at) == ("proposed", None)
    assert FrameVersion.objects.count() == 1


def test_an_ended_episode_refuses_changes() -> None:
    episode = start_episode()
    agree(episode)
    pending = do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-09"},
        today=TODAY,
    )
    do_end_episode(episode.client, episode=episode, reason="planned_ending", today=TODAY)
    pending.refresh_from_db()
    assert pending.state == "withdrawn"
    with pytest.raises(Conflict) as caught:
        do_propose_frame(
            episode.therapist,
            episode=episode,
            terms={**TERMS, "minutes": 45, "effective_from": "2026-03-09"},
            today=TODAY,
        )
    assert caught.value.code == "closed"
    assert FrameVersion.objects.count() == 2


def test_a_change_whose_start_has_passed_cannot_be_accepted(
    time_machine: TimeMachineFixture,
) -> None:
    episode = start_episode()
    agree(episode)
    change = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-09"},
        today=TODAY,
    )
    assert change.starts_when_agreed is False
    time_machine.move_to(utc(2026, 3, 10, 9))
    with pytest.raises(Conflict) as caught:
        do_accept_frame(episode.client, frame=change, today=dt.date(2026, 3, 10))
    assert caught.value.code == "frame_expired"
    change.refresh_from_db()
    assert (change.state, change.effective_from, change.client_accepted_at) == (
        "proposed",
        dt.date(2026, 3, 9),
        None,
    )
    assert set(Session.objects.values_list("frame_id", flat=True)) == {
        episode.frames.get(number=1).pk
    }


def test_a_change_that_starts_when_agreed_takes_effect_on_the_day_it_is_accepted(
    time_machine: TimeMachineFixture,
) -> None:
    episode = start_episode()
    first = agree(episode)
    change = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-09"},
        today=TODAY,
        starts_when_agreed=True,
    )
    assert (change.starts_when_agreed, change.effective_from) == (True, dt.date(2026, 3, 9))
    time_machine.move_to(utc(2026, 3, 11, 9))  # Wednesday, two days after it was to start
    do_accept_frame(episode.client, frame=change, today=dt.date(2026, 3, 11))
    change.refresh_from_db()
    assert (change.state, change.effective_from) == ("accepted", dt.date(2026, 3, 11))
    assert starts(episode, frame=first) == [utc(2026, 3, 5, 18)]
    # 60-minute Thursdays from 12 March to the horizon (11 March + 8 weeks = 6 May).
    new = Session.objects.filter(frame=change).order_by("starts_at")
    expected = [utc(2026, 3, 12 + 7 * week, 18) for week in range(3)] + [
        utc(2026, 4, 2 + 7 * week, 17) for week in range(5)
    ]
    assert [(s.starts_at, s.ends_at) for s in new] == [
        (start, start + dt.timedelta(minutes=60)) for start in expected
    ]


def test_a_change_that_starts_when_agreed_keeps_a_later_date() -> None:
    episode = start_episode()
    agree(episode)
    change = do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-16"},
        today=TODAY,
        starts_when_agreed=True,
    )
    do_accept_frame(episode.therapist, frame=change, today=TODAY)
    change.refresh_from_db()
    assert (change.state, change.effective_from) == ("accepted", dt.date(2026, 3, 16))
    assert starts(episode, frame=change)[0] == utc(2026, 3, 19, 18)


@pytest.mark.parametrize(
    ("offered", "preference", "expected"),
    [
        (["online", "in_person"], "in_person", ("in_person", "Pune")),
        (["online", "in_person"], "online", ("online", "")),
        (["in_person", "online"], "either", ("online", "")),
        (["in_person"], "online", ("in_person", "Pune")),
        (["in_person"], "either", ("in_person", "Pune")),
        (["online"], "in_person", ("online", "")),
    ],
)
def test_a_drafted_first_frame_follows_the_clients_format_when_offered(
    offered: list[str], preference: str, expected: tuple[str, str]
) -> None:
    episode = start_episode(state="trial")
    TherapistProfile.objects.filter(user=episode.therapist).update(formats=offered, city="Pune")
    ClientProfile.objects.filter(user=episode.client).update(format_preference=preference)
    episode.refresh_from_db()
    frame = do_draft_first_frame(None, episode=episode, weekday=3, start=dt.time(18), minutes=50)
    assert (frame.format, frame.location) == expected


def test_a_drafted_first_frame_needs_both_to_accept() -> None:
    episode = start_episode(state="trial")
    frame = do_draft_first_frame(None, episode=episode, weekday=3, start=dt.time(18), minutes=50)
    assert (frame.number, frame.proposed_by, frame.state) == (1, None, "proposed")
    assert (frame.client_accepted_at, frame.therapist_accepted_at) == (None, None)
    # The therapist's usual terms: make_therapist's profile is online, in UTC, at 1500.
    assert (frame.time_zone, frame.format, frame.fee, frame.effective_from) == (
        "UTC",
        "online",
        1500,
        TODAY,
    )
    do_accept_frame(episode.client, frame=frame, today=TODAY)
    frame.refresh_from_db()
    assert (frame.state, frame.client_accepted_at) == ("proposed", NOW)
    assert not Session.objects.exists()
    with pytest.raises(Conflict) as caught:
        do_accept_frame(episode.client, frame=frame, today=TODAY)
    assert caught.value.code == "frame_own_proposal"
    do_accept_frame(episode.therapist, frame=frame, today=TODAY)
    frame.refresh_from_db()
    assert frame.state == "accepted"
    assert starts(episode) == [utc(2026, 3, 5, 18) + dt.timedelta(weeks=w) for w in range(8)]
    [event] = _events("care.frame.proposed")
    assert (event.actor, event.data) == (None, {"episode": episode.pk})
    assert [e.data["side"] for e in _events("care.frame.accepted")] == ["client", "therapist"]


def test_the_series_skips_sessions_already_cancelled_or_moved() -> None:
    from alliance.care.actions.frames import do_extend_sessions

    episode = start_episode()
    agree(episode)
    first = Session.objects.get(starts_at=THURSDAYS[0])
    do_cancel_session(episode.client, session=first)
    do_move_session(
        episode.client,
        session=Session.objects.get(starts_at=THURSDAYS[1]),
        starts_at=utc(2026, 3, 13, 18),
    )
    assert do_extend_sessions(scheduler_actor(), episodes=[episode], today=TODAY).clashes == ()
    assert Session.objects.count() == 8
    assert Session.objects.filter(status=SessionStatus.CANCELLED).get().pk == first.pk
