"""Contact between sessions on a phone: one-tap logistics, the private notebook, urgent help."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.contact.tests.factories import CRISIS_LINE, make_episode
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1200, "height": 800}}
LATE = "I'm running late — 10 minutes"


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def _console_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return problems


def test_client_taps_running_late_and_the_therapist_sees_it(new_page: PageMaker) -> None:
    episode = make_episode()
    client, therapist = episode.client, episode.therapist
    messages_url = f"/episodes/{episode.pk}/messages/"
    page = new_page(**PHONE)
    problems = _console_errors(page)
    _log_in(page, client.email)
    page.goto(messages_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Messages with {therapist.full_name}"
    )
    expect(page.get_by_text("Messages between sessions are for logistics")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name=LATE).click()
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    expect(page.locator(".thread")).to_contain_text(f"{LATE}.")
    expect(page.locator(".thread")).to_contain_text("Not seen yet")

    therapist_page = new_page(**DESKTOP)
    _log_in(therapist_page, therapist.email)
    therapist_page.goto(messages_url)
    seen = therapist_page.locator(".thread-item").filter(has_text=f"{LATE}.")
    expect(seen).to_contain_text(client.full_name)
    expect(therapist_page.get_by_text("Anything else — how you're feeling")).to_have_count(0)

    page.reload()
    expect(page.locator(".thread")).to_contain_text("Seen ")
    assert not problems, problems


def test_client_writes_a_notebook_entry_and_shares_it(new_page: PageMaker) -> None:
    episode = make_episode()
    client, therapist = episode.client, episode.therapist
    thought = "Last week's session left me unsettled; I want to talk about it."
    page = new_page(**PHONE)
    problems = _console_errors(page)
    _log_in(page, client.email)
    page.goto(f"/episodes/{episode.pk}/messages/")
    page.get_by_role("link", name="notebook", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My notebook")

    page.get_by_label("New entry").fill(thought)
    page.get_by_role("button", name="Save to my notebook").click()
    expect(page.get_by_role("status")).to_contain_text("Only you can read it.")
    expect(page.locator(".entries")).to_contain_text(thought)

    page.get_by_role("button", name="Share at my next session").click()
    expect(page.get_by_role("status")).to_contain_text(f"Shared with {therapist.full_name}")
    expect(page.get_by_role("heading", name="Shared")).to_be_visible()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)

    therapist_page = new_page(**DESKTOP)
    _log_in(therapist_page, therapist.email)
    therapist_page.goto(f"/episodes/{episode.pk}/notebook/")
    expect(therapist_page.locator(".entries")).to_contain_text(thought)
    assert not problems, problems


def test_urgent_help_is_one_tap_from_the_messages_page(new_page: PageMaker) -> None:
    episode = make_episode()
    page = new_page(**PHONE)
    _log_in(page, episode.client.email)
    page.goto(f"/episodes/{episode.pk}/messages/")
    page.get_by_role("link", name="Urgent help").first.click()
    expect(page).to_have_url(re.compile(r"/crisis/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Help right now")
    expect(page.locator(".crisis-line")).to_have_text(CRISIS_LINE)
