"""The frame in a real browser: a change both accept, one session moved, a pause and a resume.

The pair agreed Thursdays-or-so at 18:00 UTC two weeks ago (every person's zone is UTC), so the
weekly sessions ahead exist when the journeys start.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alliance.care.actions.episodes import do_start_episode
from alliance.care.actions.frames import do_accept_frame, do_propose_frame
from alliance.care.models import Episode, FrameState, Session
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_client, make_clinic, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _agreed_two_weeks_ago() -> Episode:
    clinic = make_clinic()
    client = make_client(clinic=clinic, first_name="Asha", last_name="Rao")
    therapist = make_therapist(clinic=clinic, first_name="Meera", last_name="Iyer")
    today = timezone.localdate()
    then = today - dt.timedelta(days=14)
    episode = do_start_episode(None, client=client, therapist=therapist, started_on=then)
    terms = {
        "weekday": (today + dt.timedelta(days=2)).weekday(),
        "start_time": "18:00",
        "time_zone": "UTC",
        "minutes": 50,
        "format": "online",
        "fee": 1500,
        "cancellation_hours": 24,
        "contact_rule": "logistics",
        "style": "facilitative",
        "ending_goal_level": 0,
        "ending_stable_weeks": 4,
        "effective_from": then,
    }
    frame = do_propose_frame(therapist, episode=episode, terms=terms, today=then)
    do_accept_frame(client, frame=frame, today=then)
    return episode


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/(me|practice)/$"))


def _shown(day: dt.date, time: str) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}, {time}"


def _upcoming(page: Page) -> list[str]:
    return page.locator(".session-when strong").all_inner_texts()


def _first_sessions() -> list[dt.date]:
    first = timezone.localdate() + dt.timedelta(days=2)
    return [first + dt.timedelta(weeks=n) for n in range(3)]


def test_therapist_proposes_a_new_time_and_the_client_accepts_it(new_page: PageMaker) -> None:
    episode = _agreed_two_weeks_ago()
    next_week = timezone.localdate() + dt.timedelta(days=7)
    therapist = new_page()
    _log_in(therapist, episode.therapist.email)
    therapist.goto(f"/episodes/{episode.pk}/frame/")
    therapist.get_by_label("Time", exact=True).fill("19:00")
    therapist.get_by_label("From", exact=True).fill(next_week.isoformat())
    therapist.get_by_label("Why this change (optional)").fill("My evenings moved.")
    therapist.get_by_role("button", name="Propose this change").click()
    expect(therapist.get_by_text("Your proposal is sent")).to_be_visible()

    client = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    _log_in(client, episode.client.email)
    client.get_by_role("link", name="Sessions, our agreement and more").click()
    changes = client.get_by_role("table", name="What changes")
    expect(changes.get_by_role("row", name=re.compile(r"^Time"))).to_contain_text("18:00")
    expect(changes.get_by_role("row", name=re.compile(r"^Time"))).to_contain_text("19:00")
    expect(changes).not_to_contain_text("Fee per session")
    assert client.evaluate("document.documentElement.scrollWidth") <= 360
    client.get_by_role("button", name="Accept the change").click()
    expect(client.get_by_text("Accepted.")).to_be_visible()
    first, second, third = _first_sessions()
    assert _upcoming(client)[:3] == [
        _shown(first, "18:00"),
        _shown(second, "19:00"),
        _shown(third, "19:00"),
    ]


def test_client_moves_one_session_and_the_series_keeps_its_time(page: Page) -> None:
    episode = _agreed_two_weeks_ago()
    first, second, third = _first_sessions()
    moved_to = second + dt.timedelta(days=1)
    _log_in(page, episode.client.email)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role(
        "link", name=f"Move the session on {second:%A} {second.day} {second:%B}"
    ).click()
    page.get_by_label("New day and time").fill(f"{moved_to.isoformat()}T18:00")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text("Moved to")).to_be_visible()
    assert _upcoming(page)[:3] == [
        _shown(first, "18:00"),
        _shown(moved_to, "18:00"),
        _shown(third, "18:00"),
    ]
    expect(
        page.get_by_text(f"Moved from {second:%A} {second.day} {second:%B}, 18:00")
    ).to_be_visible()


def test_client_pauses_and_resumes_and_the_therapist_accepts_the_terms_again(
    new_page: PageMaker,
) -> None:
    episode = _agreed_two_weeks_ago()
    client = new_page()
    _log_in(client, episode.client.email)
    client.goto(f"/episodes/{episode.pk}/")
    client.get_by_text("Pause our work…").click()
    client.get_by_role("button", name="Pause", exact=True).click()
    expect(client.get_by_text("Paused. The sessions ahead are cancelled")).to_be_visible()
    expect(client.get_by_text("No sessions are planned ahead.")).to_be_visible()
    client.get_by_role("button", name="Resume").click()
    expect(
        client.get_by_text("Resumed. The terms you last agreed are proposed again")
    ).to_be_visible()
    expect(client.get_by_role("button", name="Withdraw my proposal")).to_be_visible()

    therapist = new_page()
    _log_in(therapist, episode.therapist.email)
    therapist.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    waiting = therapist.locator(
        "section", has=therapist.get_by_role("heading", name="Waiting for your answer")
    )
    waiting.get_by_role("link", name="Asha Rao").click()
    therapist.get_by_role("button", name="Accept the change").click()
    expect(therapist.get_by_text("Accepted.")).to_be_visible()
    assert _upcoming(therapist)[0] == _shown(_first_sessions()[0], "18:00")
    assert not Session.objects.filter(episode=episode, status="scheduled", frame__number=1).exists()
    assert episode.frames.filter(state=FrameState.ACCEPTED).count() == 2
