"""The episode, frame, session, overview and calendar pages, and `alliance sessions extend`.

The clock is frozen on Monday 2 November 2026, 09:00 UTC. The agreed frame is Thursdays 18:00
UTC, 50 minutes, 24 hours' notice, from that Monday: the first session is Thursday 5 November.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import icalendar
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from time_machine import TimeMachineFixture

from alliance.accounts.actions import scheduler_actor
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_start_episode
from alliance.care.actions.frames import do_accept_frame, do_draft_first_frame, do_propose_frame
from alliance.care.actions.sessions import do_add_session
from alliance.care.models import (
    EndReason,
    Episode,
    EpisodeState,
    FrameState,
    FrameVersion,
    Session,
    SessionStatus,
)
from tests.factories import make_client, make_clinic, make_staff, make_therapist

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
TERMS: dict[str, Any] = {
    "weekday": 3,
    "start_time": "18:00",
    "time_zone": "UTC",
    "minutes": 50,
    "format": "online",
    "location": "",
    "fee": 1500,
    "cancellation_hours": 24,
    "contact_rule": "logistics",
    "style": "facilitative",
    "ending_goal_level": 0,
    "ending_stable_weeks": 4,
    "effective_from": "2026-11-02",
    "note": "",
}


def _episode(**client_fields: Any) -> Episode:
    clinic = make_clinic()
    client = make_client(clinic=clinic, first_name="Asha", last_name="Rao", **client_fields)
    therapist = make_therapist(clinic=clinic, first_name="Meera", last_name="Iyer")
    return do_start_episode(None, client=client, therapist=therapist, started_on=NOW.date())


def _agreed(**changes: Any) -> Episode:
    """An episode whose frame both have accepted, so its sessions are planned."""
    episode = _episode()
    frame = do_propose_frame(episode.therapist, episode=episode, terms={**TERMS, **changes})
    do_accept_frame(episode.client, frame=frame)
    return episode


def _as(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _session(episode: Episode, day: int, hour: int = 18) -> Session:
    return Session.objects.get(
        episode=episode, starts_at=dt.datetime(2026, 11, day, hour, 0, tzinfo=UTC)
    )


def _upcoming(page: str) -> list[str]:
    section = page.split('id="upcoming-heading"')[1].split("</section>")[0]
    return re.findall(r'class="session-when"><strong>([^<]+)</strong>', section)


def _frame_form(**changes: Any) -> dict[str, Any]:
    return {**TERMS, "effective_from": "2026-11-09", **changes}


# The episode page ------------------------------------------------------------------------------


def test_episode_page_shows_the_frame_and_plans_sessions_for_the_two_people_only() -> None:
    episode = _agreed()
    Session.objects.filter(episode=episode).delete()
    call_command("sessions", "extend")  # the scheduled job fills the rolling horizon
    pages = {}
    for viewer in (episode.client, episode.therapist):
        response = _as(viewer).get(reverse("episode-detail", args=[episode.pk]))
        assert response.status_code == 200
        page = pages[viewer.role] = response.content.decode()
        assert "Trial" in page
        assert "Thursday" in page and "18:00" in page
        assert _upcoming(page)[:2] == [
            "Thursday 5 November 2026, 18:00",
            "Thursday 12 November 2026, 18:00",
        ]
        assert "Cancelling now is within the agreed notice (24 hours)" in page
    assert Session.objects.filter(episode=episode).count() == 8  # 5 Nov … 24 Dec, 8 weeks ahead
    crisis = f'class="crisis-link" href="{reverse("crisis")}"'
    assert crisis in pages["client"] and crisis not in pages["therapist"]
    assert reverse("notebook") in pages["client"]
    assert reverse("therapist-client", args=[episode.pk]) in pages["therapist"]
    assert reverse("episode-goals", args=[episode.pk]) in pages["therapist"]
    colleague = make_therapist(clinic=episode.clinic)
    outsiders = [make_staff(clinic=episode.clinic), colleague, make_client(clinic=episode.clinic)]
    for outsider in outsiders:
        assert _as(outsider).get(reverse("episode-detail", args=[episode.pk])).status_code == 404


def test_times_are_shown_in_the_viewers_zone_with_the_frames_zone() -> None:
    episode = _agreed()
    episode.client.client_profile.time_zone = "Asia/Kolkata"
    episode.client.client_profile.save()
    page = _as(episode.client).get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert _upcoming(page)[0] == "Thursday 5 November 2026, 23:30"
    assert "Thu 18:00 in UTC" in page
    assert "Asia/Kolkata" in page


def test_a_pending_proposal_shows_its_changes_and_the_other_side_accepts() -> None:
    episode = _agreed()
    therapist, client = _as(episode.therapist), _as(episode.client)
    response = therapist.post(
        reverse("episode-frame", args=[episode.pk]),
        _frame_form(start_time="19:00", note="My Thursday evenings moved."),
    )
    assert response.status_code == 302
    proposal = FrameVersion.objects.get(episode=episode, state=FrameState.PROPOSED)

    page = client.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    changed = page.split('id="pending-heading"')[1].split("</section>")[0]
    assert re.search(r"Time</th><td[^>]*><del>18:00</del></td><td[^>]*><ins>19:00</ins>", changed)
    assert re.search(
        r"From</th><td[^>]*><del>2026-11-02</del></td><td[^>]*><ins>2026-11-09", changed
    )
    assert "Fee per session" not in changed  # unchanged terms are not listed
    assert "My Thursday evenings moved." in changed
    assert "Accept the change" in changed
    own = therapist.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "Withdraw my proposal" in own and "Accept the change" not in own

    assert client.post(reverse("frame-accept", args=[proposal.pk])).status_code == 302
    page = client.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert _upcoming(page)[:3] == [
        "Thursday 5 November 2026, 18:00",
        "Thursday 12 November 2026, 19:00",
        "Thursday 19 November 2026, 19:00",
    ]
    again = client.post(reverse("frame-accept", args=[proposal.pk]))
    assert again.status_code == 409
    assert "no longer open for an answer" in again.content.decode()


def test_decline_and_withdraw_are_for_the_right_side() -> None:
    episode = _agreed()
    proposal = do_propose_frame(episode.therapist, episode=episode, terms=_frame_form(fee=1800))
    refused = _as(episode.client).post(reverse("frame-withdraw", args=[proposal.pk]))
    assert refused.status_code == 403
    assert "Only the person who proposed" in refused.content.decode()
    assert (
        _as(episode.therapist).post(reverse("frame-withdraw", args=[proposal.pk])).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert proposal.state == FrameState.WITHDRAWN
    second = do_propose_frame(episode.therapist, episode=episode, terms=_frame_form(fee=1900))
    assert _as(episode.client).post(reverse("frame-decline", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.state == FrameState.DECLINED
    outsider = make_therapist(clinic=episode.clinic)
    assert _as(outsider).post(reverse("frame-accept", args=[second.pk])).status_code == 404


def test_a_frame_drafted_from_the_booking_is_accepted_by_both() -> None:
    episode = _episode()
    draft = do_draft_first_frame(None, episode=episode, weekday=3, start=dt.time(18), minutes=50)
    client, therapist = _as(episode.client), _as(episode.therapist)
    page = client.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "The proposed terms" in page and "Drafted from the booked slot" in page
    assert "<del>" not in page  # nothing to compare with: the terms are shown whole
    response = client.post(reverse("frame-accept", args=[draft.pk]), follow=True)
    assert "Waiting for Meera to accept too." in response.content.decode()
    assert not Session.objects.filter(episode=episode).exists()
    response = therapist.post(reverse("frame-accept", args=[draft.pk]), follow=True)
    assert "The sessions follow the agreed terms." in response.content.decode()
    assert _upcoming(response.content.decode())[0] == "Thursday 5 November 2026, 18:00"


# The frame page --------------------------------------------------------------------------------


def test_frame_page_lists_versions_newest_first_with_what_each_changed() -> None:
    episode = _agreed()
    do_propose_frame(episode.therapist, episode=episode, terms=_frame_form(minutes=60))
    response = _as(episode.client).get(reverse("episode-frame", args=[episode.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Version 2 · Proposed") < page.index("Version 1 · Accepted")
    assert "Compared with version 1" in page
    assert re.search(
        r"Session length \(minutes\)</th><td[^>]*><del>50</del></td><td[^>]*><ins>60", page
    )
    assert "Version 2 is waiting for an answer" in page  # no second proposal while one waits
    staff = make_staff(clinic=episode.clinic)
    assert _as(staff).get(reverse("episode-frame", args=[episode.pk])).status_code == 404


def test_the_form_starts_from_the_agreed_terms() -> None:
    episode = _agreed(style="supportive", fee=2000)
    page = _as(episode.therapist).get(reverse("episode-frame", args=[episode.pk])).content.decode()
    assert 'name="fee" value="2000"' in page
    assert re.search(r'value="supportive"[^>]*selected', page)
    assert 'name="effective_from" value="2026-11-03"' in page
    assert 'value="Asia/Kolkata"' in page  # every IANA zone is offered
    assert "Warmth and steadiness first" in page  # the styles are explained


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": "5"}, "greater than or equal to 10"),
        ({"format": "in_person", "location": ""}, "Say where in-person sessions take place."),
        ({"effective_from": "2026-10-01"}, "A change cannot start in the past"),
        ({"effective_from": "2026-11-09"}, "This proposal changes nothing."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_a_bad_proposal_is_shown_again_with_the_reason_and_stores_nothing(
    changes: dict[str, str], message: str
) -> None:
    episode = _agreed()
    before = FrameVersion.objects.count()
    response = _as(episode.client).post(
        reverse("episode-frame", args=[episode.pk]), _frame_form(**changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FrameVersion.objects.count() == before


def test_a_second_proposal_while_one_waits_is_a_conflict() -> None:
    episode = _agreed()
    do_propose_frame(episode.therapist, episode=episode, terms=_frame_form(fee=1800))
    response = _as(episode.client).post(
        reverse("episode-frame", args=[episode.pk]), _frame_form(fee=1200)
    )
    assert response.status_code == 409
    assert "already waiting for an answer" in response.content.decode()


def test_a_paused_episode_takes_no_proposal_resume_first() -> None:
    episode = _agreed()
    client = _as(episode.client)
    assert client.post(reverse("episode-pause", args=[episode.pk])).status_code == 302
    before = list(FrameVersion.objects.values_list("pk", "state"))
    response = client.post(reverse("episode-frame", args=[episode.pk]), _frame_form(fee=1200))
    assert response.status_code == 409
    assert "This episode is paused: resume it first" in response.content.decode()
    assert list(FrameVersion.objects.values_list("pk", "state")) == before
    assert not AuditEvent.objects.filter(
        action="care.frame.proposed", actor=episode.client
    ).exists()


# Sessions --------------------------------------------------------------------------------------


def test_moving_one_session_keeps_the_series_in_the_viewers_zone() -> None:
    episode = _agreed()
    episode.client.client_profile.time_zone = "Asia/Kolkata"
    episode.client.client_profile.save()
    client = _as(episode.client)
    session = _session(episode, 12)
    url = reverse("session-move", args=[session.pk])
    form = client.get(url).content.decode()
    assert 'value="2026-11-12T23:30"' in form  # 18:00 UTC in Kolkata
    response = client.post(url, {"starts_at": "2026-11-13T23:30"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 11, 13, 18, 0, tzinfo=UTC)
    assert session.moved_from == dt.datetime(2026, 11, 12, 18, 0, tzinfo=UTC)
    assert _session(episode, 19).starts_at.hour == 18  # the series keeps its slot
    assert AuditEvent.objects.filter(action="care.session.moved").count() == 1


def test_moving_onto_an_occupied_time_is_refused_with_a_clear_message() -> None:
    episode = _agreed()
    session = _session(episode, 5)
    response = _as(episode.therapist).post(
        reverse("session-move", args=[session.pk]), {"starts_at": "2026-11-12T18:20"}
    )
    assert response.status_code == 409
    assert "That time is taken" in response.content.decode()
    session.refresh_from_db()
    assert session.moved_from is None
    assert session.starts_at == dt.datetime(2026, 11, 5, 18, 0, tzinfo=UTC)


def test_sessions_are_reached_only_through_their_episode() -> None:
    episode = _agreed()
    session = _session(episode, 5)
    for outsider in (make_staff(clinic=episode.clinic), make_therapist(clinic=episode.clinic)):
        http = _as(outsider)
        assert http.get(reverse("session-move", args=[session.pk])).status_code == 404
        assert http.post(reverse("session-cancel", args=[session.pk])).status_code == 404
    assert _as(episode.client).get(reverse("session-move", args=[999_999])).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_cancelling_with_less_notice_than_agreed_is_called_late(
    time_machine: TimeMachineFixture,
) -> None:
    episode = _agreed()
    time_machine.move_to(dt.datetime(2026, 11, 5, 8, 0, tzinfo=UTC))  # 10 hours before
    client = _as(episode.client)
    page = client.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "Cancelling now would be late: less than the 24 hours' notice you agreed." in page
    session = _session(episode, 5)
    response = client.post(
        reverse("session-cancel", args=[session.pk]), {"reason": "Fever"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This was late: less than the 24 hours&#x27; notice you agreed." in page
    assert "Late (less notice than agreed)" in page  # in the recent sessions
    session.refresh_from_db()
    assert (session.status, session.notice, session.reason) == ("cancelled", "late", "Fever")
    assert session.cancelled_by == episode.client
    again = _as(episode.therapist).post(reverse("session-cancel", args=[session.pk]))
    assert again.status_code == 409
    assert "already cancelled" in again.content.decode()


def test_cancelling_early_is_within_notice() -> None:
    episode = _agreed()
    session = _session(episode, 12)
    response = _as(episode.therapist).post(
        reverse("session-cancel", args=[session.pk]), follow=True
    )
    assert "This was within the agreed notice." in response.content.decode()
    session.refresh_from_db()
    assert session.notice == "early"


def test_the_therapist_records_a_session_that_ran_over(time_machine: TimeMachineFixture) -> None:
    episode = _agreed()
    session = _session(episode, 5)
    url = reverse("session-outcome", args=[session.pk])
    therapist = _as(episode.therapist)
    assert "has not started yet" in therapist.get(url).content.decode()
    time_machine.move_to(dt.datetime(2026, 11, 5, 19, 30, tzinfo=UTC))
    therapist = _as(episode.therapist)  # days later: a fresh log-in
    detail = therapist.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "Sessions to record" in detail
    form = therapist.get(url).content.decode()
    assert 'value="2026-11-05T18:00"' in form and 'value="2026-11-05T18:50"' in form
    assert _as(episode.client).get(url).status_code == 403
    response = therapist.post(
        url,
        {"outcome": "held", "actual_start": "2026-11-05T18:00", "actual_end": "2026-11-05T19:00"},
        follow=True,
    )
    page = response.content.decode()
    assert "it ran 10 minutes over the agreed length" in page
    assert "ran 10 min over the agreed 50" in page
    session.refresh_from_db()
    assert (session.status, session.overrun, session.recorded_by) == ("held", 10, episode.therapist)
    assert therapist.post(url, {"outcome": "no_show"}).status_code == 409


def test_held_needs_times_and_a_no_show_needs_none(time_machine: TimeMachineFixture) -> None:
    episode = _agreed()
    session = _session(episode, 5)
    time_machine.move_to(dt.datetime(2026, 11, 5, 19, 30, tzinfo=UTC))
    url = reverse("session-outcome", args=[session.pk])
    therapist = _as(episode.therapist)
    assert (
        therapist.post(url, {"outcome": "held", "actual_start": "2026-11-05T18:00"}).status_code
        == 400
    )
    assert therapist.post(url, {"outcome": "no_show"}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.NO_SHOW


def test_the_therapist_adds_an_extra_session() -> None:
    episode = _agreed()
    url = reverse("session-add", args=[episode.pk])
    assert _as(episode.client).get(url).status_code == 403
    therapist = _as(episode.therapist)
    assert therapist.get(url).status_code == 200
    assert therapist.post(url, {"starts_at": "2026-11-04T10:00"}).status_code == 302
    extra = Session.objects.get(episode=episode, kind="extra")
    assert (extra.starts_at.day, extra.minutes) == (4, 50)
    clash = therapist.post(url, {"starts_at": "2026-11-04T10:30", "minutes": "30"})
    assert clash.status_code == 409
    assert "That time is taken" in clash.content.decode()


# Pause, resume, continue, end, conflict --------------------------------------------------------


def test_pause_then_resume_proposes_the_last_terms_again(time_machine: TimeMachineFixture) -> None:
    episode = _agreed()
    time_machine.move_to(dt.datetime(2026, 11, 9, 9, 0, tzinfo=UTC))  # a week into the work
    client, therapist = _as(episode.client), _as(episode.therapist)
    assert client.post(reverse("episode-pause", args=[episode.pk])).status_code == 302
    ahead = Session.objects.filter(episode=episode, starts_at__gt=dt.datetime.now(tz=UTC))
    assert ahead.count() == 7
    assert not ahead.filter(status="scheduled").exists()
    twice = therapist.post(reverse("episode-pause", args=[episode.pk]))
    assert twice.status_code == 409
    assert "Only a running episode can be paused" in twice.content.decode()
    page = client.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert "fresh baseline" in page and "Paused 9 November 2026 by you" in page
    frame_page = client.get(reverse("episode-frame", args=[episode.pk])).content.decode()
    assert "Your work is paused." in frame_page and "Propose this change" not in frame_page

    bad = client.post(reverse("episode-resume", args=[episode.pk]), {"starts_on": "soon"})
    assert bad.status_code == 400
    response = client.post(
        reverse("episode-resume", args=[episode.pk]), {"starts_on": "2026-11-23"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.state, episode.baseline_from) == ("active", dt.date(2026, 11, 9))
    proposal = FrameVersion.objects.get(episode=episode, state=FrameState.PROPOSED)
    assert proposal.effective_from == dt.date(2026, 11, 23)
    waiting = therapist.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert _upcoming(waiting) == []  # nothing is planned until both accept again
    assert "Accept the change" in waiting
    assert therapist.post(reverse("frame-accept", args=[proposal.pk])).status_code == 302
    page = therapist.get(reverse("episode-detail", args=[episode.pk])).content.decode()
    assert _upcoming(page)[0] == "Thursday 26 November 2026, 18:00"


def test_resuming_from_a_past_date_changes_nothing() -> None:
    episode = _agreed()
    client = _as(episode.client)
    client.post(reverse("episode-pause", args=[episode.pk]))
    response = client.post(
        reverse("episode-resume", args=[episode.pk]), {"starts_on": "2026-10-01"}
    )
    assert response.status_code == 400
    assert "A change cannot start in the past" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.state, episode.resumed_after_frame) == (EpisodeState.PAUSED, None)
    assert not FrameVersion.objects.filter(episode=episode, state=FrameState.PROPOSED).exists()


def test_confirming_to_continue_ends_the_trial() -> None:
    episode = _agreed()
    url = reverse("episode-continue", args=[episode.pk])
    assert _as(episode.therapist).post(url).status_code == 302
    episode.refresh_from_db()
    assert episode.state == EpisodeState.ACTIVE
    assert _as(episode.client).post(url).status_code == 409


def test_ending_offers_each_person_their_own_reasons() -> None:
    episode = _agreed()
    url = reverse("episode-end", args=[episode.pk])
    client = _as(episode.client)
    form = client.get(url).content.decode()
    assert 'value="client_stopped"' in form and 'value="planned_ending"' in form
    assert 'value="dropout"' not in form
    assert client.post(url, {"reason": "dropout"}).status_code == 400
    assert client.post(url, {"reason": "client_stopped"}).status_code == 302
    episode.refresh_from_db()
    assert (episode.state, episode.end_reason) == ("ended", EndReason.CLIENT_STOPPED)
    assert not Session.objects.filter(episode=episode, status="scheduled").exists()
    assert client.post(url, {"reason": "planned_ending"}).status_code == 409


def test_staff_end_an_episode_of_their_clinic_only() -> None:
    episode = _agreed()
    url = reverse("episode-end", args=[episode.pk])
    assert _as(make_staff()).get(url).status_code == 404
    staff = _as(make_staff(clinic=episode.clinic))
    assert 'value="dropout"' in staff.get(url).content.decode()
    response = staff.post(url, {"reason": "dropout"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-episodes")
    episode.refresh_from_db()
    assert episode.end_reason == EndReason.DROPOUT


def test_declaring_a_conflict_ends_the_work_without_a_reason() -> None:
    episode = _agreed()
    url = reverse("episode-conflict", args=[episode.pk])
    therapist = _as(episode.therapist)
    page = therapist.get(url).content.decode()
    assert "no reason is asked for or recorded" in page
    assert therapist.post(url).status_code == 302
    episode.refresh_from_db()
    assert (episode.state, episode.end_reason) == ("ended", EndReason.CONFLICT)
    assert episode.client.client_profile.excluded_therapists.filter(
        pk=episode.therapist_id
    ).exists()
    assert "already been declared" in _as(episode.client).get(url).content.decode()


# Overviews -------------------------------------------------------------------------------------


def test_the_therapists_week_lists_sessions_and_waiting_proposals_in_few_queries() -> None:
    episode = _agreed(weekday=0, start_time="15:00")  # Mondays: today at 15:00
    therapist = episode.therapist
    do_add_session(
        therapist, episode=episode, starts_at=dt.datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    )
    http = _as(therapist)
    url = reverse("therapist-week")
    with CaptureQueriesContext(connection) as one_client:
        page = http.get(url).content.decode()
    today = page.split('id="today-heading"')[1].split("</section>")[0]
    assert "Mon 2 Nov, 15:00" in today and "Asha Rao" in today
    assert f'href="{reverse("episode-detail", args=[episode.pk])}"' in today
    for hour in (10, 12):
        other = do_start_episode(
            None,
            client=make_client(clinic=episode.clinic),
            therapist=therapist,
            started_on=NOW.date(),
        )
        do_add_session(
            therapist, episode=other, starts_at=dt.datetime(2026, 11, 6, hour, 0, tzinfo=UTC)
        )
        frame = do_propose_frame(
            other.client, episode=other, terms={**TERMS, "weekday": 4, "start_time": f"{hour}:00"}
        )
        assert frame.therapist_accepted_at is None
    with CaptureQueriesContext(connection) as three_clients:
        page = http.get(url).content.decode()
    later = page.split('id="later-heading"')[1].split("</section>")[0]
    assert re.findall(r"<strong>([^<]+)</strong>", later) == [
        "Wed 4 Nov, 10:00",
        "Fri 6 Nov, 10:00",
        "Fri 6 Nov, 12:00",
    ]  # next Monday is not this week
    waiting = page.split('id="waiting-heading"')[1].split("</section>")[0]
    assert waiting.count("<li>") == 2
    assert len(three_clients) == len(one_client)
    assert _as(episode.client).get(url).status_code == 403


def test_staff_see_counts_by_state_for_their_clinic() -> None:
    staff = make_staff()
    clinic = staff.clinic
    therapist = make_therapist(clinic=clinic)
    episodes = [
        do_start_episode(
            None, client=make_client(clinic=clinic), therapist=therapist, started_on=NOW.date()
        )
        for _ in range(3)
    ]
    Episode.objects.filter(pk=episodes[0].pk).update(state="active")
    Episode.objects.filter(pk=episodes[1].pk).update(
        state="ended", end_reason="dropout", ended_on=NOW.date()
    )
    _episode()  # another clinic's
    http = _as(staff)
    page = http.get(reverse("staff-episodes")).content.decode()
    counts = dict(re.findall(r'data-state="(\w+)">(\d+)<', page))
    assert counts == {"trial": "1", "active": "1", "paused": "0", "ended": "1", "transferred": "0"}
    ended = http.get(reverse("staff-episodes"), {"state": "ended"}).content.decode()
    assert ended.count("<tr>") == 2  # the header and one episode
    assert "Dropped out" in ended
    assert reverse("episode-end", args=[episodes[1].pk]) not in ended
    trial = http.get(reverse("staff-episodes"), {"state": "trial"}).content.decode()
    assert reverse("episode-end", args=[episodes[2].pk]) in trial
    assert _as(therapist).get(reverse("staff-episodes")).status_code == 403


def test_home_pages_link_to_the_episode_and_show_the_next_session() -> None:
    episode = _agreed()
    detail = reverse("episode-detail", args=[episode.pk])
    client_home = _as(episode.client).get(reverse("client-home")).content.decode()
    assert detail in client_home
    assert "Next session: <strong>Thursday 5 November, 18:00</strong>" in client_home
    therapist_home = _as(episode.therapist).get(reverse("therapist-home")).content.decode()
    assert detail in therapist_home
    assert "next session Thu 5 Nov, 18:00" in therapist_home


# Calendar --------------------------------------------------------------------------------------


def test_calendar_address_is_shown_once_works_without_log_in_and_can_be_stopped() -> None:
    episode = _agreed()
    client = _as(episode.client)
    assert "You have no calendar address." in client.get(reverse("calendar")).content.decode()
    made = client.post(reverse("calendar-create"))
    assert made.status_code == 200
    address = re.search(r'id="calendar-address"[^>]*value="([^"]+)"', made.content.decode())
    assert address is not None
    url = address.group(1)
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert "no-store" in made["Cache-Control"]

    feed = Client().get(url.removeprefix("http://testserver"))  # no log-in: calendar apps
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(feed.content)
    uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}
    assert f"session-{_session(episode, 5).pk}@alliance" in uids
    page = client.get(reverse("calendar")).content.decode()
    assert url not in page  # the address is never shown again

    assert client.post(reverse("calendar-revoke")).status_code == 302
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404
    assert Client().get(reverse("calendar-ics", args=["not-a-token"])).status_code == 404
    assert _as(make_staff()).get(reverse("calendar")).status_code == 403


# alliance sessions extend ----------------------------------------------------------------------


def test_the_daily_command_plans_sessions_and_reports_clashes() -> None:
    episode = _agreed()
    Session.objects.filter(episode=episode).delete()
    other = do_start_episode(
        None,
        client=make_client(clinic=episode.clinic),
        therapist=episode.therapist,
        started_on=NOW.date(),
    )
    do_add_session(
        episode.therapist, episode=other, starts_at=dt.datetime(2026, 11, 12, 18, 0, tzinfo=UTC)
    )
    paused = _agreed()
    Episode.objects.filter(pk=paused.pk).update(state="paused")
    Session.objects.filter(episode=paused).delete()
    out = StringIO()
    call_command("sessions", "extend", stdout=out)
    assert f"clash: episode {episode.pk}, 2026-11-12 18:00 UTC" in out.getvalue()
    assert "7 sessions created for 2 running episodes; 1 clash." in out.getvalue()
    assert not Session.objects.filter(episode=paused).exists()
    # One audit event for the run, as the scheduler, counting what it did.
    [planned] = AuditEvent.objects.filter(action="care.sessions.planned")
    assert planned.actor == scheduler_actor()
    assert planned.data == {"n_episodes": 2, "n_sessions": 7, "n_clashes": 1}
    # The clash is still there, so the next run reports it again; with nothing to plan and
    # no clash, a run writes nothing to the trail.
    out = StringIO()
    call_command("sessions", "extend", stdout=out)
    assert "0 sessions created" in out.getvalue()
    assert AuditEvent.objects.filter(action="care.sessions.planned").count() == 2
    Session.objects.filter(episode=other).delete()
    call_command("sessions", "extend", stdout=StringIO())  # plans the freed Thursday
    before = AuditEvent.objects.count()
    call_command("sessions", "extend", stdout=StringIO())
    assert AuditEvent.objects.count() == before
