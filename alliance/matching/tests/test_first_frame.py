"""Booking a first session starts the episode with a first frame drafted from the booked slot,
which both client and therapist then accept.

Booked on Monday 2 March 2026 at 09:00 UTC; the slot is Thursdays 18:00 for 50 minutes in the
therapist's zone (Asia/Kolkata, UTC+5:30 all year, so 12:30 UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_end_episode, do_pause_episode, do_resume_episode
from alliance.care.actions.frames import do_accept_frame
from alliance.care.models import Episode, FrameVersion, Session
from alliance.directory.models import TherapistProfile
from alliance.matching.actions import do_book_slot
from alliance.matching.tests.helpers import clinic_with_client, submitted_intake, therapist

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False),
]

UTC = dt.UTC
THURSDAYS_IN_KOLKATA = [
    dt.datetime(2026, 3, 5, 12, 30, tzinfo=UTC) + dt.timedelta(weeks=week) for week in range(8)
]


def _book(
    kind: str = "first_session", *, preference: str = "either", **profile: Any
) -> TherapistProfile:
    clinic, client = clinic_with_client()
    client.client_profile.format_preference = preference
    client.client_profile.save(update_fields=["format_preference"])
    record = therapist(clinic, time_zone="Asia/Kolkata", fee=1700, **profile)
    if profile.get("formats") == ["in_person"]:
        intake_fields = {"format": "in_person"}
    elif preference != "either":
        intake_fields = {"format": preference}  # the intake says what the client asked for
    else:
        intake_fields = {}
    intake = submitted_intake(client, **intake_fields)
    do_book_slot(client, intake=intake, profile=record, slot=record.slots.get(), kind=kind)
    return record


def test_booking_a_first_session_drafts_the_first_frame_from_the_slot() -> None:
    profile = _book()
    episode = Episode.objects.get()
    assert (episode.therapist, episode.state, episode.started_on) == (
        profile.user,
        "trial",
        dt.date(2026, 3, 2),
    )
    # The booking took one of the therapist's two places; ending the episode gives it back.
    assert episode.holds_place is True
    profile.refresh_from_db()
    assert profile.capacity == 1
    frame = FrameVersion.objects.get()
    assert (frame.episode, frame.number, frame.state, frame.proposed_by) == (
        episode,
        1,
        "proposed",
        None,
    )
    assert (frame.client_accepted_at, frame.therapist_accepted_at) == (None, None)
    assert (frame.weekday, frame.start_time, frame.minutes, frame.time_zone) == (
        3,
        dt.time(18),
        50,
        "Asia/Kolkata",
    )
    assert (frame.format, frame.location, frame.fee, frame.style) == (
        "online",
        "",
        1700,
        "supportive",
    )
    assert (frame.cancellation_hours, frame.contact_rule) == (24, "logistics")
    assert frame.effective_from == dt.date(2026, 3, 2)
    assert frame.starts_when_agreed is False  # no proposer: it starts when both agree anyway
    assert not Session.objects.exists()  # nothing is planned before both have agreed
    # Placing the intake, starting the episode and drafting the frame are one intent, the
    # client's booking: one audit event, with the client as actor, naming all three.
    [event] = AuditEvent.objects.filter(
        action__in=[
            "care.episode.started",
            "care.frame.proposed",
            "matching.intake.placed",
            "matching.slot.booked",
        ]
    )
    assert (event.action, event.actor) == ("matching.slot.booked", episode.client)
    assert event.data == {
        "kind": "first_session",
        "intake": episode.client.intakes.get().pk,
        "episode": episode.pk,
        "frame": frame.pk,
    }


def test_both_accept_and_the_weekly_sessions_follow() -> None:
    _book()
    episode = Episode.objects.get()
    frame = FrameVersion.objects.get()
    do_accept_frame(episode.therapist, frame=frame)
    frame.refresh_from_db()
    assert frame.state == "proposed"
    assert not Session.objects.exists()
    do_accept_frame(episode.client, frame=frame)
    frame.refresh_from_db()
    assert frame.state == "accepted"
    assert list(Session.objects.values_list("starts_at", flat=True)) == THURSDAYS_IN_KOLKATA


def test_the_draft_can_still_be_accepted_days_after_the_booking(
    time_machine: TimeMachineFixture,
) -> None:
    # The draft takes effect from the booking day; an answer on a later day must not find it
    # "expired", or the first frame could never be agreed.
    _book()
    episode = Episode.objects.get()
    frame = FrameVersion.objects.get()
    do_accept_frame(episode.client, frame=frame)
    time_machine.move_to(dt.datetime(2026, 3, 6, 9, tzinfo=UTC))  # Friday, after 5 March
    do_accept_frame(episode.therapist, frame=frame)
    frame.refresh_from_db()
    assert (frame.state, frame.effective_from) == ("accepted", dt.date(2026, 3, 6))
    # Planned from 6 March to the horizon (1 May): the session of 5 March has passed.
    assert list(Session.objects.values_list("starts_at", flat=True)) == [
        dt.datetime(2026, 3, 12, 12, 30, tzinfo=UTC) + dt.timedelta(weeks=week) for week in range(8)
    ]


def test_an_in_person_draft_says_where(time_machine: TimeMachineFixture) -> None:
    profile = _book(formats=["in_person"])
    frame = FrameVersion.objects.get()
    assert (frame.format, frame.location) == ("in_person", "Pune")
    episode = Episode.objects.get()
    do_accept_frame(episode.client, frame=frame)
    do_accept_frame(profile.user, frame=frame)
    # The agreed terms are valid terms: proposing them again (on resuming) works.
    do_pause_episode(episode.client, episode=episode)
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, tzinfo=UTC))
    again = do_resume_episode(episode.client, episode=episode)
    assert again is not None
    assert (again.format, again.location, again.effective_from) == (
        "in_person",
        "Pune",
        dt.date(2026, 3, 16),
    )


@pytest.mark.parametrize(
    ("preference", "expected"),
    [
        ("in_person", ("in_person", "Pune")),
        ("online", ("online", "")),
        ("either", ("online", "")),
    ],
)
def test_the_draft_takes_the_intakes_format_when_the_therapist_offers_both(
    preference: str, expected: tuple[str, str]
) -> None:
    _book(preference=preference, formats=["online", "in_person"])
    frame = FrameVersion.objects.get()
    assert (frame.format, frame.location) == expected


def test_ending_the_booked_episode_gives_the_place_back() -> None:
    profile = _book()
    episode = Episode.objects.get()
    do_end_episode(episode.client, episode=episode, reason="client_stopped")
    profile.refresh_from_db()
    episode.refresh_from_db()
    assert (profile.capacity, episode.holds_place) == (2, False)


def test_an_intro_call_drafts_no_frame() -> None:
    _book(kind="intro")
    assert not Episode.objects.exists()
    assert not FrameVersion.objects.exists()
