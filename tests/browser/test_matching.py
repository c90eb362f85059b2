"""A client fills in the intake, sees matches with reasons, and books a first session."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.care.models import Episode
from alliance.matching.models import SlotBooking
from alliance.matching.tests.helpers import therapist
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_client, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_intake_to_matches_to_booking(new_page: PageMaker) -> None:
    clinic = make_clinic()
    client = make_client(clinic=clinic)
    profile = therapist(clinic, slots=((3, "18:00"),))
    page = new_page(viewport={"width": 390, "height": 844})
    _log_in(page, client.email)
    page.get_by_role("link", name="Find a therapist who fits").click()
    page.get_by_label("Anxiety and worry").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("The most you can pay per session").fill("2000")
    page.get_by_label("Weekly times you can make").fill("Thursday 17:00-21:00")
    page.get_by_role("button", name="Find my matches").click()
    expect(page).to_have_url(re.compile(r"/me/matches/$"))
    card = page.locator("article.match").first
    expect(card).to_contain_text(profile.user.full_name)
    expect(card).to_contain_text("Thursday 18:00 is free")
    card.get_by_role("link", name="Book an intro call or first session").click()
    page.get_by_label("First session").check()
    page.get_by_role("button", name="Book").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_text("Booked: First session")).to_be_visible()
    assert SlotBooking.objects.filter(client=client, active=True).count() == 1
    assert Episode.objects.get(client=client).therapist == profile.user
