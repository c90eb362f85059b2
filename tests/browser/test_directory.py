"""Directory journeys: filter the public directory with htmx, open a profile, edit one's own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.directory.models import TherapistProfile
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _therapist(first_name: str, **fields: object) -> TherapistProfile:
    user = make_therapist(first_name=first_name, last_name="Demo")
    TherapistProfile.objects.filter(user=user).update(**fields)
    return TherapistProfile.objects.get(user=user)


def test_visitor_filters_the_directory_without_reload_and_opens_a_profile(page: Page) -> None:
    _therapist("Asha", languages=["en", "hi"], styles=["supportive"], city="Pune")
    _therapist("Bela", languages=["en"], styles=["directive"], fee=3000, sliding_scale_min=900)
    _therapist("Chen", languages=["en"], listed=False)

    page.goto("/therapists/")
    cards = page.locator("#directory-results .therapist-card")
    expect(cards).to_have_count(2)
    expect(page.locator("#result-count")).to_have_text("2 therapists")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.__marker = 1")

    with page.expect_response(lambda r: "/therapists/?" in r.url) as caught:
        page.get_by_label("Language").select_option("hi")
    assert caught.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#result-count")).to_have_text("1 therapist")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Asha Demo")
    expect(page).to_have_url(re.compile(r"/therapists/\?(.*&)?language=hi"))

    page.get_by_label("Language").select_option("")
    expect(cards).to_have_count(2)
    page.get_by_label("Most you can pay per session").fill("1000")
    expect(page.locator("#result-count")).to_have_text("2 therapists")  # Bela's sliding scale
    page.get_by_label("Most you can pay per session").fill("800")
    expect(page.locator("#result-count")).to_have_text("0 therapists")
    assert page.evaluate("window.__marker") == 1, "filtering reloaded the whole page"

    page.get_by_text("What do these styles mean?").click()
    expect(page.get_by_text("Warmth and steadiness first")).to_be_visible()

    page.get_by_label("Most you can pay per session").fill("")
    page.get_by_role("link", name="Asha Demo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asha Demo")
    expect(page.locator("main")).to_contain_text("Accepting new clients")
    expect(page.locator("main")).to_contain_text("Thursday 18:00 · 50 min")
    expect(page.locator("main")).to_contain_text("Warmth and steadiness first")


def test_directory_fits_a_phone(new_page: PageMaker) -> None:
    _therapist("Asha")
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/therapists/")
    expect(page.locator("#directory-results .therapist-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_therapist_edits_their_fee_and_adds_a_slot(page: Page) -> None:
    profile = _therapist("Meera")
    page.goto("/login/")
    page.get_by_label("E-mail").fill(profile.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/practice/$"))

    page.get_by_role("link", name="Edit your profile and weekly slots").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your professional profile")
    page.get_by_label("Fee per session").fill("1800")
    page.locator("#id_slots-1-weekday").select_option(label="Tuesday")
    page.locator("#id_slots-1-start").fill("09:30")
    page.locator("#id_slots-1-minutes").fill("60")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".message")).to_have_text("Profile saved.")
    expect(page.get_by_label("Fee per session")).to_have_value("1800")
    expect(page.locator("#id_slots-0-start")).to_have_value("09:30")
    profile.refresh_from_db()
    assert profile.fee == 1800
    assert [(s.weekday, f"{s.start:%H:%M}", s.minutes) for s in profile.slots.all()] == [
        (1, "09:30", 60),
        (3, "18:00", 50),
    ]

    page.get_by_role("link", name="See the public profile").click()
    expect(page.locator("main")).to_contain_text("INR 1800 a session")
    expect(page.locator("main")).to_contain_text("Tuesday 09:30 · 60 min")


def test_overlapping_slot_is_refused_and_nothing_saved(page: Page) -> None:
    profile = _therapist("Meera")
    page.goto("/login/")
    page.get_by_label("E-mail").fill(profile.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/practice/profile/")
    page.get_by_label("Fee per session").fill("999")
    page.locator("#id_slots-1-weekday").select_option(label="Thursday")
    page.locator("#id_slots-1-start").fill("18:30")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#slot-error")).to_contain_text("overlap")
    expect(page.locator("#error-summary")).to_be_focused()
    profile.refresh_from_db()
    assert profile.fee == 1500 and profile.slots.count() == 1
