"""Check-in journeys on a phone: one screen, big targets, charts drawn under the strict CSP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from alliance.alerts.models import Alert
from alliance.care.actions.episodes import do_start_episode
from alliance.measures.models import Response
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_client, make_clinic, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CRISIS_LINE = "Tele-MANAS 14416 or 1-800-891-4416 (24x7, India) · emergency 112"
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


def _client_in_therapy():
    clinic = make_clinic(crisis_line=CRISIS_LINE)
    client = make_client(clinic=clinic, first_name="Asha")
    therapist = make_therapist(clinic=clinic, first_name="Meera")
    do_start_episode(None, client=client, therapist=therapist, started_on=dt.date(2026, 10, 1))
    return client


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def _answer(page: Page, item9: str) -> None:
    """PHQ-9 item 9 as given; never CORE-10 item 6 (the other risk item, due at session 1 in
    the default schedule); check-in items high, so no rupture alert is raised."""
    for question in page.locator("fieldset.question").all():
        legend = question.locator("legend").inner_text()
        name = question.locator("input[type=radio]").first.get_attribute("name") or ""
        if legend.startswith("Thoughts that you would be better off dead"):
            question.get_by_label(item9, exact=True).check()
        elif legend.startswith("I made plans to end my life"):
            question.get_by_label("Not at all", exact=True).check()
        else:
            question.locator("label.scale-option").nth(3 if "checkin" in name else 1).click()


def test_client_checks_in_on_a_phone_and_sees_a_chart(new_page: PageMaker) -> None:
    client = _client_in_therapy()
    page = new_page(**PHONE)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    _log_in(page, client.email)
    page.get_by_role("link", name="Check in after a session").click()
    expect(page.get_by_role("heading", name="How was today's session?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every answer is a 44 px touch target.
    heights = page.locator("label.scale-option").evaluate_all("els => els.map(e => e.offsetHeight)")
    assert min(heights) >= 44
    _answer(page, item9="Not at all")
    page.get_by_role("button", name="Send my answers").click()
    expect(page).to_have_url(re.compile(r"/me/progress/$"))
    expect(page.get_by_text("your answers are saved")).to_be_visible()
    assert Response.objects.filter(client=client).count() == 4
    # Chart.js drew on the canvases (no CSP violation, no script error).
    drawn = page.locator("canvas[data-source]").evaluate_all(
        "els => els.map(e => e.width > 0 && e.height > 0 && !!Chart.getChart(e))"
    )
    assert drawn
    assert all(drawn)
    assert problems == []


def test_risk_answer_shows_the_crisis_line_at_once(new_page: PageMaker) -> None:
    client = _client_in_therapy()
    page = new_page(**PHONE)
    _log_in(page, client.email)
    page.goto("/me/check-in/")
    _answer(page, item9="Several days")
    page.get_by_role("button", name="Send my answers").click()
    expect(page).to_have_url(re.compile(r"/me/check-in/\d+/support/$"))
    expect(page.locator(".crisis-line")).to_have_text(CRISIS_LINE)
    # Each number is one tap, and stays on one line on a phone (the hyphens and spaces of the
    # long ones would otherwise let it break at 360 px).
    for number, dial in (("14416", "14416"), ("1-800-891-4416", "18008914416"), ("112", "112")):
        call = page.locator(f'.crisis-line a[href="tel:{dial}"]')
        expect(call).to_have_text(number)
        box = call.bounding_box()
        line_height = call.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
        assert box is not None and box["height"] < 1.5 * line_height
    expect(page.get_by_text("Nobody is watching these answers in real time")).to_be_visible()
    assert Alert.objects.filter(episode__client=client, state="open").count() == 1
    page.get_by_role("button", name="I have read this").click()
    expect(page).to_have_url(re.compile(r"/me/progress/$"))


def test_check_in_works_with_the_keyboard_alone(new_page: PageMaker) -> None:
    client = _client_in_therapy()
    page = new_page(viewport={"width": 1000, "height": 800})
    _log_in(page, client.email)
    page.goto("/me/check-in/")
    radios = page.locator("fieldset.question").count()
    page.locator("input[type=radio]").first.focus()
    for _ in range(radios):
        page.keyboard.press("Space")  # chooses the focused (first) answer of this question
        page.keyboard.press("Tab")  # moves on to the next question
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            page.keyboard.press("Tab")  # past the optional comment
    expect(page.get_by_role("button", name="Send my answers")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/me/progress/$"))
    assert Response.objects.filter(client=client).count() == 4
