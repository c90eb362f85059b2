"""Shared goals in a real browser: the therapist proposes, the client agrees and rates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from alliance.care.actions.episodes import do_start_episode
from alliance.goals.models import Goal, GoalRating, GoalState
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, ClinicFactory, make_client, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVELS = {
    "−2: much less than expected": "Awake most of the night, every night",
    "−1: somewhat less than expected": "Awake for hours most nights",
    "0: the expected outcome": "Asleep within an hour on most nights",
    "+1: somewhat more than expected": "Asleep within half an hour most nights",
    "+2: much more than expected": "Asleep within half an hour every night",
}


def _path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()


def test_therapist_proposes_and_client_agrees_and_rates(page: Page, new_page: PageMaker) -> None:
    clinic = ClinicFactory()
    client = make_client(clinic=clinic, first_name="Asha", last_name="Rao")
    therapist = make_therapist(clinic=clinic, first_name="Meera", last_name="Iyer")
    episode = do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 9, 1)
    )
    goals_url = f"/episodes/{episode.pk}/goals/"

    _log_in(page, therapist.email)
    page.goto(goals_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared goals")
    page.get_by_label("The goal, in the client's own words").fill("Sleep through the night")
    for label, text in LEVELS.items():
        page.get_by_label(label).fill(text)
    page.get_by_label("Weight").fill("2")
    page.get_by_role("button", name="Propose this goal").click()

    expect(page).to_have_url(_path_is(goals_url))
    goal_card = page.locator("article.goal", has_text="Sleep through the night")
    expect(goal_card).to_contain_text("Waiting for agreement")
    expect(goal_card).to_contain_text("Waiting for Asha Rao (client) to accept this version.")
    expect(goal_card.get_by_role("button", name="Accept this goal")).to_have_count(0)
    assert Goal.objects.get().state == GoalState.PROPOSED

    phone = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    _log_in(phone, client.email)
    phone.goto(goals_url)
    card = phone.locator("article.goal", has_text="Sleep through the night")
    for text in LEVELS.values():
        expect(card).to_contain_text(text)
    expect(card).to_contain_text("proposed by Meera Iyer (therapist)")
    card.get_by_role("button", name="Accept this goal").click()

    expect(phone.get_by_role("status")).to_contain_text("The goal is agreed.")
    card = phone.locator("article.goal", has_text="Sleep through the night")
    expect(card.locator(".state")).to_have_text("Agreed")
    expect(card).to_contain_text("agreed by you")
    card.get_by_role("radio", name=re.compile(r"^\+1 Asleep within half an hour most")).check()
    card.get_by_role("button", name="Save rating").click()

    expect(phone.get_by_role("status")).to_contain_text("Your rating is saved.")
    card = phone.locator("article.goal", has_text="Sleep through the night")
    expect(card.locator(".state")).to_have_text("Agreed")
    expect(card.locator(".latest")).to_contain_text(
        "Latest rating: +1 (somewhat more than expected), by you"
    )
    expect(phone.locator(".score .stat-number")).to_have_text("60.0")
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the goals page scrolls sideways: {scroll_width}px wide"
    assert GoalRating.objects.get().level == 1

    page.reload()
    card = page.locator("article.goal", has_text="Sleep through the night")
    expect(card.locator(".state")).to_have_text("Agreed")
    expect(card.locator(".latest")).to_contain_text("+1 (somewhat more than expected), by Asha Rao")
