"""A therapist who moves city keeps their in-person clients: each is offered the same weekly slot
online, a proposal the therapist has accepted by making it and the client accepts or declines.

Frames are Thursdays 18:00 London from Monday 2 March 2026 (GMT until 29 March, then BST). The
move happens on Friday 13 March 2026, after the sessions of 5 and 12 March.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_pause_episode, do_resume_episode
from alliance.care.actions.frames import do_accept_frame, do_decline_frame, do_propose_frame
from alliance.care.calendar import build_calendar
from alliance.care.models import Episode, FrameVersion
from alliance.care.queries import current_frame, pending_frame
from alliance.care.tests.frame_helpers import NOW, TERMS, agree, start_episode, starts, utc
from alliance.directory.actions import do_update_therapist_profile
from alliance.directory.models import TherapistProfile
from tests.factories import make_staff, make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

FRIDAY = utc(2026, 3, 13, 9)
FRIDAY_DATE = dt.date(2026, 3, 13)
IN_PERSON: dict[str, Any] = {"format": "in_person", "location": "Koregaon Park, room 2"}


def _therapist_in_pune() -> tuple[User, TherapistProfile]:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    profile.formats, profile.city = ["online", "in_person"], "Pune"
    profile.save()
    return therapist, profile


def _clients(time_machine: TimeMachineFixture) -> tuple[TherapistProfile, Episode, Episode]:
    """One client seen in person on Thursdays, one online on Fridays; then it is 13 March."""
    therapist, profile = _therapist_in_pune()
    in_person = start_episode(therapist=therapist)
    agree(in_person, **IN_PERSON)
    online = start_episode(therapist=therapist)
    agree(online, weekday=4)
    time_machine.move_to(FRIDAY)
    return profile, in_person, online


def test_moving_city_offers_in_person_clients_the_same_slot_online(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, online = _clients(time_machine)
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    offer = pending_frame(in_person)
    assert offer is not None
    assert (offer.number, offer.format, offer.location) == (2, "online", "")
    assert (offer.weekday, offer.start_time, offer.time_zone, offer.minutes) == (
        3,
        dt.time(18),
        "Europe/London",
        50,
    )
    assert (offer.fee, offer.cancellation_hours, offer.style) == (1500, 24, "supportive")
    assert (offer.effective_from, offer.starts_when_agreed) == (FRIDAY_DATE, True)
    assert (offer.proposed_by, offer.therapist_accepted_at, offer.client_accepted_at) == (
        profile.user,
        FRIDAY,
        None,
    )
    assert "Mumbai" in offer.note
    # The online client has nothing to agree to.
    assert pending_frame(online) is None
    assert FrameVersion.objects.filter(episode=online).count() == 1
    proposed = AuditEvent.objects.filter(action="care.frame.proposed", at=FRIDAY).get()
    assert (proposed.actor, proposed.data) == (profile.user, {"episode": in_person.pk})
    updated = AuditEvent.objects.get(action="directory.profile.updated")
    assert updated.data == {"city": True}


def test_the_client_accepts_and_carries_on_online_from_that_date(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    first = in_person.frames.get()
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    offer = pending_frame(in_person)
    assert offer is not None
    do_accept_frame(in_person.client, frame=offer, today=FRIDAY_DATE)
    assert current_frame(in_person, FRIDAY_DATE) == offer
    assert current_frame(in_person, dt.date(2026, 3, 12)) == first
    # The past sessions stay in person; from 13 March on, the same Thursday slot is online.
    assert starts(in_person, frame=first) == [utc(2026, 3, 5, 18), utc(2026, 3, 12, 18)]
    assert starts(in_person, frame=offer) == [
        utc(2026, 3, 19, 18),
        utc(2026, 3, 26, 18),
        utc(2026, 4, 2, 17),
        utc(2026, 4, 9, 17),
        utc(2026, 4, 16, 17),
        utc(2026, 4, 23, 17),
        utc(2026, 4, 30, 17),
        utc(2026, 5, 7, 17),
    ]
    ics = build_calendar(in_person.client).decode()
    assert ics.count("LOCATION:Online") == 8
    assert ics.count("LOCATION:Koregaon Park\\, room 2") == 2


def test_an_offer_accepted_days_later_takes_effect_on_that_day(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    first = in_person.frames.get()
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    offer = pending_frame(in_person)
    assert offer is not None
    time_machine.move_to(utc(2026, 3, 15, 9))  # Sunday, two days later
    do_accept_frame(in_person.client, frame=offer)
    offer.refresh_from_db()
    assert (offer.state, offer.effective_from) == ("accepted", dt.date(2026, 3, 15))
    assert current_frame(in_person, dt.date(2026, 3, 14)) == first
    assert current_frame(in_person, dt.date(2026, 3, 15)) == offer
    # Thursdays from 19 March online, to the horizon (15 March + 8 weeks = 10 May).
    assert starts(in_person, frame=offer) == [
        utc(2026, 3, 19, 18),
        utc(2026, 3, 26, 18),
        utc(2026, 4, 2, 17),
        utc(2026, 4, 9, 17),
        utc(2026, 4, 16, 17),
        utc(2026, 4, 23, 17),
        utc(2026, 4, 30, 17),
        utc(2026, 5, 7, 17),
    ]
    assert starts(in_person, frame=first, status="scheduled") == [
        utc(2026, 3, 5, 18),
        utc(2026, 3, 12, 18),
    ]


def test_a_paused_client_is_asked_on_resuming_and_a_trial_one_is_offered(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    trial = start_episode(therapist=profile.user, state="trial")
    agree(trial, weekday=1, today=FRIDAY_DATE, effective_from="2026-03-13", **IN_PERSON)
    do_pause_episode(in_person.client, episode=in_person)
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    profile.refresh_from_db()
    assert profile.city == "Mumbai"
    # The paused episode gets no offer (it could not take one while paused) …
    assert pending_frame(in_person) is None
    assert list(in_person.frames.values_list("number", "state")) == [(1, "accepted")]
    # … the trial one does.
    offer = pending_frame(trial)
    assert offer is not None
    assert (offer.number, offer.format, offer.weekday, offer.starts_when_agreed) == (
        2,
        "online",
        1,
        True,
    )
    # Resuming is not blocked: the last agreed terms come back for the therapist to answer.
    proposal = do_resume_episode(in_person.client, episode=in_person)
    assert proposal is not None
    assert (proposal.number, proposal.format, proposal.state) == (2, "in_person", "proposed")
    assert pending_frame(in_person) == proposal


def test_the_client_may_decline_and_stay_in_person(time_machine: TimeMachineFixture) -> None:
    profile, in_person, _ = _clients(time_machine)
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    offer = pending_frame(in_person)
    assert offer is not None
    do_decline_frame(in_person.client, frame=offer)
    frame = current_frame(in_person, FRIDAY_DATE)
    assert frame is not None
    assert (frame.number, frame.format) == (1, "in_person")
    assert len(starts(in_person, frame=frame, status="scheduled")) == 8


def test_staff_moving_the_therapist_make_the_offer_in_the_therapists_name(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    staff = make_staff(clinic=profile.user.clinic)
    do_update_therapist_profile(staff, profile=profile, city="Mumbai")
    offer = pending_frame(in_person)
    assert offer is not None
    assert (offer.proposed_by, offer.format) == (profile.user, "online")


def test_no_offer_without_a_change_of_city(time_machine: TimeMachineFixture) -> None:
    profile, in_person, _ = _clients(time_machine)
    do_update_therapist_profile(profile.user, profile=profile, city="Pune", fee=1800)
    assert pending_frame(in_person) is None
    assert FrameVersion.objects.count() == 2


def test_a_client_already_answering_a_proposal_is_not_offered_another(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    waiting = do_propose_frame(
        in_person.client,
        episode=in_person,
        terms={**TERMS, **IN_PERSON, "minutes": 60, "effective_from": "2026-03-16"},
        today=FRIDAY_DATE,
    )
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    assert pending_frame(in_person) == waiting
    assert FrameVersion.objects.filter(episode=in_person).count() == 2


def test_a_change_already_agreed_for_later_does_not_block_the_move(
    time_machine: TimeMachineFixture,
) -> None:
    profile, in_person, _ = _clients(time_machine)
    later = start_episode(therapist=profile.user)
    agree(later, weekday=1, today=FRIDAY_DATE, effective_from="2026-03-13", **IN_PERSON)
    # Agreed on 13 March: 60-minute sessions from 30 March.
    agree(later, weekday=1, minutes=60, today=FRIDAY_DATE, effective_from="2026-03-30", **IN_PERSON)
    do_update_therapist_profile(profile.user, profile=profile, city="Mumbai")
    profile.refresh_from_db()
    assert profile.city == "Mumbai"
    offer = pending_frame(in_person)
    assert offer is not None
    assert offer.format == "online"
    # The client with a later change agreed is not offered a proposal that would clash with it.
    assert pending_frame(later) is None


def test_an_in_person_client_of_another_therapist_is_left_alone(
    time_machine: TimeMachineFixture,
) -> None:
    _, in_person, _ = _clients(time_machine)
    mover, mover_profile = _therapist_in_pune()
    do_update_therapist_profile(mover, profile=mover_profile, city="Mumbai")
    assert pending_frame(in_person) is None
    assert not AuditEvent.objects.filter(action="care.frame.proposed", at=FRIDAY).exists()
    assert AuditEvent.objects.filter(action="directory.profile.updated", actor=mover).exists()
