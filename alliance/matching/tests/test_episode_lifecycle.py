"""An episode's life: pause, resume (even years later), end, a declared conflict, and the
trial confirmed.

The frame is Thursdays 18:00–18:50 London from Monday 2 March 2026, agreed at 09:00 UTC that day;
on Friday 13 March the sessions of 5 and 12 March are past and six lie ahead (19 and 26 March at
18:00 UTC, then 2–23 April at 17:00 UTC, after the clocks went forward).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from time_machine import TimeMachineFixture

from alliance.accounts.actions import scheduler_actor
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import (
    do_confirm_continuing,
    do_declare_conflict,
    do_end_episode,
    do_pause_episode,
    do_resume_episode,
    do_start_episode,
)
from alliance.care.actions.frames import (
    do_accept_frame,
    do_decline_frame,
    do_extend_sessions,
    do_propose_frame,
)
from alliance.care.actions.sessions import do_record_outcome
from alliance.care.frames import terms_of
from alliance.care.models import ConflictDeclaration, Episode, EpisodePause, FrameVersion, Session
from alliance.care.tests.frame_helpers import NOW, TERMS, TODAY, agree, start_episode, starts, utc
from alliance.core.errors import Conflict, InvalidInput, NotFound
from alliance.directory.models import TherapistProfile
from alliance.matching import engine
from alliance.matching.actions import do_book_slot
from alliance.matching.tests.helpers import clinic_with_client, submitted_intake, therapist
from tests.factories import make_clinic, make_staff, make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

FRIDAY = utc(2026, 3, 13, 9)
FRIDAY_DATE = dt.date(2026, 3, 13)
PAST = [utc(2026, 3, 5, 18), utc(2026, 3, 12, 18)]
AHEAD = [utc(2026, 3, 19, 18), utc(2026, 3, 26, 18)] + [
    utc(2026, 4, day, 17) for day in (2, 9, 16, 23)
]


def _plan(episode: Episode, today: dt.date) -> tuple[tuple[int, dt.datetime], ...]:
    """Run the scheduled planning for one episode; the clashes it met."""
    return do_extend_sessions(scheduler_actor(), episodes=[episode], today=today).clashes


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _running(time_machine: TimeMachineFixture, *, therapist: User | None = None) -> Episode:
    """An agreed episode on Friday 13 March: 5 March held, 12 March a no-show."""
    episode = start_episode(therapist=therapist)
    agree(episode)
    time_machine.move_to(FRIDAY)
    for start, outcome in zip(PAST, ("held", "no_show"), strict=True):
        do_record_outcome(
            episode.therapist,
            session=Session.objects.get(starts_at=start),
            outcome=outcome,
            actual_start=start if outcome == "held" else None,
            actual_end=start + dt.timedelta(minutes=50) if outcome == "held" else None,
        )
    return episode


def _capacity(episode: Episode) -> int:
    return TherapistProfile.objects.get(user_id=episode.therapist_id).capacity


# Pause and resume


def test_pausing_cancels_the_sessions_ahead_and_withdraws_a_pending_change(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    pending = do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-23"},
        today=FRIDAY_DATE,
    )
    paused = do_pause_episode(episode.client, episode=episode)
    assert paused.state == "paused"
    pause = EpisodePause.objects.get()
    assert (pause.episode, pause.paused_on, pause.paused_by) == (
        episode,
        FRIDAY_DATE,
        episode.client,
    )
    assert (pause.resumed_on, pause.resumed_by) == (None, None)
    rows = Session.objects.filter(episode=episode).order_by("starts_at")
    assert [(s.starts_at, s.status) for s in rows] == [
        (PAST[0], "held"),
        (PAST[1], "no_show"),
    ] + [(start, "cancelled") for start in AHEAD]
    ahead = rows.filter(starts_at__gt=FRIDAY)
    assert set(ahead.values_list("cancelled_by", "cancelled_at", "notice", "reason")) == {
        (episode.client_id, FRIDAY, "early", "Paused")
    }
    pending.refresh_from_db()
    assert (pending.state, pending.decided_at) == ("withdrawn", FRIDAY)
    [event] = _events("care.episode.paused")
    assert (event.actor, event.object_id, event.data) == (
        episode.client,
        str(episode.pk),
        {"n_sessions_cancelled": 6, "n_proposals_withdrawn": 1},
    )
    assert _plan(paused, FRIDAY_DATE) == ()
    assert Session.objects.filter(status="scheduled").count() == 0


def test_only_a_running_episode_is_paused_and_only_by_its_people(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    with pytest.raises(NotFound):
        do_pause_episode(make_therapist(clinic=episode.clinic), episode=episode)
    do_pause_episode(episode.therapist, episode=episode)
    with pytest.raises(Conflict) as caught:
        do_pause_episode(episode.client, episode=episode)
    assert caught.value.code == "episode_not_running"
    assert EpisodePause.objects.count() == 1
    running = start_episode()
    with pytest.raises(Conflict) as not_paused:
        do_resume_episode(running.client, episode=running)
    assert not_paused.value.code == "episode_not_paused"


def test_resuming_years_later_proposes_the_last_terms_again(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-23"},
        today=FRIDAY_DATE,
    )
    do_pause_episode(episode.client, episode=episode)
    history = list(Session.objects.order_by("pk").values_list("pk", "starts_at", "status"))
    time_machine.move_to(utc(2029, 3, 5, 9))  # a Monday, three years on
    proposal = do_resume_episode(episode.therapist, episode=episode)
    episode.refresh_from_db()
    assert (episode.state, episode.baseline_from) == ("active", dt.date(2029, 3, 5))
    # The highest number at the resume, the withdrawn version 2 included.
    assert episode.resumed_after_frame == 2
    pause = EpisodePause.objects.get()
    assert (pause.resumed_on, pause.resumed_by) == (dt.date(2029, 3, 5), episode.therapist)
    assert proposal is not None
    assert (proposal.number, proposal.state, proposal.proposed_by) == (
        3,
        "proposed",
        episode.therapist,
    )
    assert proposal.therapist_accepted_at == utc(2029, 3, 5, 9)
    assert proposal.client_accepted_at is None
    assert proposal.effective_from == dt.date(2029, 3, 5)
    assert (proposal.weekday, proposal.start_time, proposal.time_zone, proposal.minutes) == (
        3,
        dt.time(18),
        "Europe/London",
        50,
    )
    assert proposal.note == "Resuming after a pause, on the terms we last agreed."
    assert proposal.starts_when_agreed is True
    # Until the client agrees, no session is planned, even when someone looks at the list.
    assert (
        do_extend_sessions(scheduler_actor(), episodes=[episode], today=dt.date(2029, 3, 5)).clashes
        == ()
    )
    assert Session.objects.filter(starts_at__year=2029).count() == 0
    do_accept_frame(episode.client, frame=proposal, today=dt.date(2029, 3, 5))
    # Thursdays from 8 March 2029 to the horizon (30 April); BST from Sunday 25 March 2029.
    assert starts(episode, frame=proposal) == [
        utc(2029, 3, 8, 18),
        utc(2029, 3, 15, 18),
        utc(2029, 3, 22, 18),
        utc(2029, 3, 29, 17),
        utc(2029, 4, 5, 17),
        utc(2029, 4, 12, 17),
        utc(2029, 4, 19, 17),
        utc(2029, 4, 26, 17),
    ]
    assert list(FrameVersion.objects.order_by("number").values_list("number", "state")) == [
        (1, "accepted"),
        (2, "withdrawn"),
        (3, "accepted"),
    ]
    assert history == list(
        Session.objects.filter(starts_at__year=2026)
        .order_by("pk")
        .values_list("pk", "starts_at", "status")
    )
    assert len(_events("care.episode.resumed")) == 1


def test_resuming_from_a_later_date_plans_nothing_before_it(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_pause_episode(episode.therapist, episode=episode)
    time_machine.move_to(utc(2026, 9, 1, 9))  # Tuesday 1 September 2026 (BST)
    proposal = do_resume_episode(
        episode.client, episode=episode, starts_on=dt.date(2026, 9, 14), today=dt.date(2026, 9, 1)
    )
    assert proposal is not None
    assert proposal.effective_from == dt.date(2026, 9, 14)
    episode.refresh_from_db()
    assert (
        do_extend_sessions(scheduler_actor(), episodes=[episode], today=dt.date(2026, 9, 1)).clashes
        == ()
    )
    do_accept_frame(episode.therapist, frame=proposal, today=dt.date(2026, 9, 1))
    # Horizon 27 October; London goes back to GMT on Sunday 25 October 2026.
    assert starts(episode, frame=proposal) == [
        utc(2026, 9, 17, 17),
        utc(2026, 9, 24, 17),
        utc(2026, 10, 1, 17),
        utc(2026, 10, 8, 17),
        utc(2026, 10, 15, 17),
        utc(2026, 10, 22, 17),
    ]
    assert not Session.objects.filter(
        starts_at__gte=utc(2026, 9, 1), starts_at__lt=utc(2026, 9, 14)
    ).exists()


def test_pausing_and_resuming_on_the_day_the_frame_took_effect() -> None:
    # Agreed from today, paused and resumed today: the same terms from the same day are
    # proposed again (not "changes nothing", not "must start after"), and the sessions come
    # back only once the other side accepts.
    episode = start_episode()
    first = agree(episode)
    do_pause_episode(episode.client, episode=episode)
    assert starts(episode, status="scheduled") == []
    proposal = do_resume_episode(episode.client, episode=episode)
    assert proposal is not None
    episode.refresh_from_db()
    assert (episode.state, episode.baseline_from, episode.resumed_after_frame) == (
        "active",
        TODAY,
        1,
    )
    assert (proposal.number, proposal.state, proposal.starts_when_agreed) == (2, "proposed", True)
    assert (proposal.client_accepted_at, proposal.therapist_accepted_at) == (NOW, None)
    assert terms_of(proposal) == terms_of(first)  # effective_from included: today, 2 March
    assert _plan(episode, TODAY) == ()
    assert starts(episode, status="scheduled") == []
    with pytest.raises(Conflict) as own:
        do_accept_frame(episode.client, frame=proposal, today=TODAY)
    assert own.value.code == "frame_own_proposal"
    assert starts(episode, status="scheduled") == []
    do_accept_frame(episode.therapist, frame=proposal, today=TODAY)
    assert starts(episode, frame=proposal, status="scheduled") == PAST + AHEAD
    assert starts(episode, frame=first, status="cancelled") == PAST + AHEAD
    assert Session.objects.filter(status="scheduled").exclude(frame=proposal).count() == 0


def test_a_resume_answered_days_later_takes_effect_on_the_day_it_is_accepted(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_pause_episode(episode.therapist, episode=episode)
    time_machine.move_to(utc(2026, 3, 16, 9))  # Monday
    proposal = do_resume_episode(episode.therapist, episode=episode)
    assert proposal is not None
    assert proposal.effective_from == dt.date(2026, 3, 16)
    time_machine.move_to(utc(2026, 3, 18, 9))  # Wednesday: its start has passed, no matter
    do_accept_frame(episode.client, frame=proposal)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.effective_from, proposal.decided_at) == (
        "accepted",
        dt.date(2026, 3, 18),
        utc(2026, 3, 18, 9),
    )
    # From Thursday 19 March to the horizon (13 May); BST from 29 March.
    assert starts(episode, frame=proposal) == [
        utc(2026, 3, 19, 18),
        utc(2026, 3, 26, 18),
        utc(2026, 4, 2, 17),
        utc(2026, 4, 9, 17),
        utc(2026, 4, 16, 17),
        utc(2026, 4, 23, 17),
        utc(2026, 4, 30, 17),
        utc(2026, 5, 7, 17),
    ]
    [accepted] = _events("care.frame.accepted")[1:]
    assert (accepted.actor, accepted.data) == (episode.client, {"side": "client"})


def test_after_a_resume_the_same_terms_may_be_proposed_again(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_pause_episode(episode.client, episode=episode)
    proposal = do_resume_episode(episode.client, episode=episode)
    assert proposal is not None
    do_decline_frame(episode.therapist, frame=proposal)
    episode.refresh_from_db()
    assert (episode.state, episode.resumed_after_frame) == ("active", 1)
    # Version 1 still predates the resume: it plans nothing, however often the series is
    # extended …
    assert _plan(episode, FRIDAY_DATE) == ()
    assert (
        do_extend_sessions(
            scheduler_actor(), episodes=[episode], today=dt.date(2026, 4, 20)
        ).clashes
        == ()
    )
    assert not Session.objects.filter(status="scheduled", starts_at__gt=FRIDAY).exists()
    # … and its very terms may be proposed again, from any day from today on.
    again = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "effective_from": "2026-03-16"},
        today=FRIDAY_DATE,
    )
    assert (again.number, again.starts_when_agreed, again.effective_from) == (
        3,
        False,
        dt.date(2026, 3, 16),
    )
    do_accept_frame(episode.client, frame=again, today=FRIDAY_DATE)
    assert starts(episode, frame=again)[:2] == [utc(2026, 3, 19, 18), utc(2026, 3, 26, 18)]
    # Once terms are agreed after the resume, the usual rules hold again.
    with pytest.raises(InvalidInput) as unchanged:
        do_propose_frame(
            episode.client,
            episode=episode,
            terms={**TERMS, "effective_from": "2026-03-23"},
            today=FRIDAY_DATE,
        )
    assert unchanged.value.code == "frame_unchanged"
    with pytest.raises(InvalidInput) as early:
        do_propose_frame(
            episode.client,
            episode=episode,
            terms={**TERMS, "minutes": 60, "effective_from": "2026-03-16"},
            today=FRIDAY_DATE,
        )
    assert early.value.code == "frame_effective_from"
    assert FrameVersion.objects.count() == 3


def test_a_paused_episode_takes_no_proposal_so_nothing_blocks_resuming(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_pause_episode(episode.client, episode=episode)
    for person in (episode.client, episode.therapist):
        with pytest.raises(Conflict) as caught:
            do_propose_frame(
                person,
                episode=episode,
                terms={**TERMS, "minutes": 60, "effective_from": "2026-03-16"},
                today=FRIDAY_DATE,
            )
        assert (caught.value.code, caught.value.status) == ("episode_paused", 409)
    assert list(FrameVersion.objects.values_list("number", "state")) == [(1, "accepted")]
    assert len(_events("care.frame.proposed")) == 1
    episode.refresh_from_db()
    assert episode.state == "paused"
    proposal = do_resume_episode(episode.therapist, episode=episode)
    assert proposal is not None
    assert (proposal.number, proposal.minutes, proposal.state) == (2, 50, "proposed")


def test_resuming_without_an_agreed_frame_proposes_nothing() -> None:
    episode = start_episode(state="trial")
    do_pause_episode(episode.client, episode=episode, today=TODAY)
    assert do_resume_episode(episode.client, episode=episode, today=TODAY) is None
    episode.refresh_from_db()
    assert (episode.state, episode.baseline_from) == ("active", TODAY)
    assert not FrameVersion.objects.exists()


# Ending


ALLOWED = [
    ("client", "client_stopped"),
    ("client", "planned_ending"),
    ("therapist", "planned_ending"),
    ("therapist", "client_stopped"),
    ("therapist", "dropout"),
    ("therapist", "therapist_left"),
    ("staff", "planned_ending"),
    ("staff", "client_stopped"),
    ("staff", "dropout"),
    ("staff", "therapist_left"),
]
REFUSED = [
    ("client", "dropout"),
    ("client", "therapist_left"),
    ("client", "conflict"),
    ("client", "rematch"),
    ("therapist", "conflict"),
    ("therapist", "rematch"),
    ("staff", "conflict"),
    ("staff", "rematch"),
    ("staff", ""),
    ("client", "bored"),
]


def _actor(episode: Episode, side: str) -> User:
    if side == "staff":
        return make_staff(clinic=episode.clinic)
    return episode.client if side == "client" else episode.therapist


@pytest.mark.parametrize(("side", "reason"), ALLOWED)
def test_ending_cancels_the_sessions_ahead_and_withdraws_a_pending_change(
    side: str, reason: str, time_machine: TimeMachineFixture
) -> None:
    episode = _running(time_machine)  # started by staff: it took none of the therapist's places
    pending = do_propose_frame(
        episode.therapist,
        episode=episode,
        terms={**TERMS, "fee": 1600, "effective_from": "2026-03-23"},
        today=FRIDAY_DATE,
    )
    places = _capacity(episode)
    actor = _actor(episode, side)
    ended = do_end_episode(actor, episode=episode, reason=reason)
    ended.refresh_from_db()
    assert (ended.state, ended.end_reason, ended.ended_on) == ("ended", reason, FRIDAY_DATE)
    assert ended.holds_place is False
    assert _capacity(episode) == places  # no place was taken, so none is given back
    assert starts(episode, status="cancelled") == AHEAD
    assert set(
        Session.objects.filter(status="cancelled").values_list("cancelled_by", "reason")
    ) == {(actor.pk, "Episode ended")}
    assert list(Session.objects.exclude(status="cancelled").values_list("status", flat=True)) == [
        "held",
        "no_show",
    ]
    pending.refresh_from_db()
    assert pending.state == "withdrawn"
    [event] = _events("care.episode.ended")
    assert (event.actor, event.data) == (
        actor,
        {"reason": reason, "n_sessions_cancelled": 6, "n_proposals_withdrawn": 1},
    )


@pytest.mark.parametrize(("side", "reason"), REFUSED)
def test_a_reason_not_open_to_that_side_is_refused(side: str, reason: str) -> None:
    episode = start_episode()
    places = _capacity(episode)
    with pytest.raises(InvalidInput) as caught:
        do_end_episode(_actor(episode, side), episode=episode, reason=reason, today=TODAY)
    assert caught.value.code == "end_reason"
    episode.refresh_from_db()
    assert (episode.state, episode.end_reason, episode.ended_on) == ("active", "", None)
    assert _capacity(episode) == places
    assert not _events("care.episode.ended")


def test_an_episode_ends_once_and_only_for_its_people() -> None:
    episode = start_episode()
    places = _capacity(episode)
    with pytest.raises(NotFound):
        do_end_episode(make_therapist(clinic=episode.clinic), episode=episode, reason="dropout")
    with pytest.raises(NotFound):
        do_end_episode(make_staff(clinic=make_clinic()), episode=episode, reason="dropout")
    do_end_episode(episode.client, episode=episode, reason="planned_ending", today=TODAY)
    with pytest.raises(Conflict) as caught:
        do_end_episode(episode.therapist, episode=episode, reason="planned_ending", today=TODAY)
    assert caught.value.code == "closed"
    assert _capacity(episode) == places  # started by staff: no place to give back


def _booked(capacity: int = 2) -> Episode:
    """An episode started by booking a first session: it takes one of the therapist's places."""
    clinic, client = clinic_with_client()
    record = therapist(clinic, capacity=capacity)
    do_book_slot(
        client,
        intake=submitted_intake(client),
        profile=record,
        slot=record.slots.get(),
        kind="first_session",
    )
    return Episode.objects.get(client=client)


def _end_by_client(episode: Episode) -> None:
    do_end_episode(episode.client, episode=episode, reason="client_stopped", today=TODAY)


def _transfer(episode: Episode) -> None:
    do_end_episode(None, episode=episode, reason="rematch", today=TODAY)


def _declare_conflict(episode: Episode) -> None:
    do_declare_conflict(episode.therapist, episode=episode)


@pytest.mark.parametrize("end", [_end_by_client, _transfer, _declare_conflict])
def test_a_booked_episode_gives_its_place_back_once_and_a_staff_started_one_none(
    end: Callable[[Episode], None],
) -> None:
    booked = _booked(capacity=2)
    assert (booked.holds_place, _capacity(booked)) == (True, 1)
    staff_started = start_episode(therapist=booked.therapist)
    assert (staff_started.holds_place, _capacity(booked)) == (False, 1)
    end(staff_started)
    staff_started.refresh_from_db()
    assert staff_started.state in ("ended", "transferred")
    assert _capacity(booked) == 1  # it took no place: capacity does not grow
    end(booked)
    booked.refresh_from_db()
    assert (booked.state in ("ended", "transferred"), booked.holds_place) == (True, False)
    assert _capacity(booked) == 2
    with pytest.raises(Conflict) as again:
        do_end_episode(booked.therapist, episode=booked, reason="planned_ending", today=TODAY)
    assert again.value.code == "closed"
    assert _capacity(booked) == 2


def test_ending_a_paused_episode_counts_only_what_is_left(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _running(time_machine)
    do_propose_frame(
        episode.client,
        episode=episode,
        terms={**TERMS, "minutes": 60, "effective_from": "2026-03-23"},
        today=FRIDAY_DATE,
    )
    do_pause_episode(episode.therapist, episode=episode)
    do_end_episode(episode.therapist, episode=episode, reason="dropout")
    [paused] = _events("care.episode.paused")
    assert (paused.actor, paused.data) == (
        episode.therapist,
        {"n_sessions_cancelled": 6, "n_proposals_withdrawn": 1},
    )
    [ended] = _events("care.episode.ended")
    assert (ended.actor, ended.data) == (
        episode.therapist,
        {"reason": "dropout", "n_sessions_cancelled": 0, "n_proposals_withdrawn": 0},
    )


def test_a_rematch_by_the_system_transfers_the_episode() -> None:
    episode = start_episode()
    do_end_episode(None, episode=episode, reason="rematch", today=TODAY)
    episode.refresh_from_db()
    assert (episode.state, episode.end_reason) == ("transferred", "rematch")
    [event] = _events("care.episode.ended")
    assert (event.actor, event.data) == (
        None,
        {"reason": "rematch", "n_sessions_cancelled": 0, "n_proposals_withdrawn": 0},
    )


# A declared conflict (dual relationship)


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_a_declared_conflict_ends_the_episode_and_the_two_are_never_matched_again(
    side: str, time_machine: TimeMachineFixture
) -> None:
    clinic = make_clinic()
    known = therapist(clinic, capacity=3)
    other = therapist(clinic)
    episode = _running(time_machine, therapist=known.user)
    declarer = episode.client if side == "client" else episode.therapist
    declaration = do_declare_conflict(declarer, episode=episode)
    assert (declaration.client, declaration.therapist, declaration.declared_by) == (
        episode.client,
        episode.therapist,
        declarer,
    )
    assert declaration.episode == episode
    episode.refresh_from_db()
    assert (episode.state, episode.end_reason, episode.ended_on) == (
        "ended",
        "conflict",
        FRIDAY_DATE,
    )
    assert _capacity(episode) == 3  # started by staff: it took no place, so none comes back
    assert starts(episode, status="cancelled") == AHEAD
    assert list(episode.client.client_profile.excluded_therapists.all()) == [known.user]
    [declared] = _events("care.conflict.declared")
    assert (declared.actor, declared.data) == (declarer, {"by": side})
    assert _events("care.episode.ended")[0].data == {
        "reason": "conflict",
        "n_sessions_cancelled": 6,
        "n_proposals_withdrawn": 0,
    }
    # Staff cannot pair them again …
    staff = make_staff(clinic=clinic)
    with pytest.raises(InvalidInput) as caught:
        do_start_episode(staff, client=episode.client, therapist=known.user, started_on=FRIDAY_DATE)
    assert caught.value.code == "therapist_excluded"
    # … and matching leaves the therapist out of a new search.
    intake = submitted_intake(episode.client)
    assert engine.intake_record(intake).exclude == (str(known.pk),)
    ranked = engine.matcher_for_clinic(clinic).rank(engine.intake_record(intake))
    assert [m.therapist for m in ranked] == [str(other.pk)]
    with pytest.raises(InvalidInput) as refused:
        do_book_slot(
            episode.client,
            intake=intake,
            profile=known,
            slot=known.slots.get(),
            kind="first_session",
        )
    assert refused.value.code == "not_a_match"


def test_a_conflict_is_declared_once_and_only_by_the_two_people() -> None:
    episode = start_episode()
    with pytest.raises(NotFound):
        do_declare_conflict(make_therapist(clinic=episode.clinic), episode=episode)
    assert not ConflictDeclaration.objects.exists()
    first = do_declare_conflict(episode.client, episode=episode)
    episode.refresh_from_db()
    again = do_declare_conflict(episode.therapist, episode=episode)
    assert again.pk == first.pk
    assert again.declared_by == episode.client
    assert len(_events("care.conflict.declared")) == 1
    assert len(_events("care.episode.ended")) == 1


# The trial


def test_confirming_the_trial_makes_the_episode_active() -> None:
    episode = start_episode(state="trial")
    with pytest.raises(NotFound):
        do_confirm_continuing(make_therapist(clinic=episode.clinic), episode=episode)
    continued = do_confirm_continuing(episode.client, episode=episode)
    assert Episode.objects.get(pk=continued.pk).state == "active"
    [event] = _events("care.episode.continued")
    assert (event.actor, event.data) == (episode.client, {})
    with pytest.raises(Conflict) as caught:
        do_confirm_continuing(episode.therapist, episode=episode)
    assert caught.value.code == "episode_not_trial"


def test_a_trial_can_be_paused_and_ended() -> None:
    episode = start_episode(state="trial")
    do_pause_episode(episode.therapist, episode=episode, today=TODAY)
    episode.refresh_from_db()
    assert episode.state == "paused"
    assert _events("care.episode.paused")[0].data == {
        "n_sessions_cancelled": 0,
        "n_proposals_withdrawn": 0,
    }
    do_end_episode(episode.therapist, episode=episode, reason="dropout", today=TODAY)
    episode.refresh_from_db()
    assert episode.state == "ended"
    with pytest.raises(Conflict):
        do_propose_frame(episode.client, episode=episode, terms=TERMS, today=TODAY)
    assert not FrameVersion.objects.exists()
