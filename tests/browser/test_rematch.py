"""After three sessions a client opens the fit review, chooses to look for a different fit,
books a first session with another therapist and shares their earlier history with them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.care.models import EndReason, Episode, EpisodeState
from alliance.reviews.models import HistoryConsent
from alliance.reviews.tests.factories import placed
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_fit_review_to_rematch_to_new_therapist(new_page: PageMaker) -> None:
    pairing = placed(n_held=3)
    leaving, other = pairing.therapist, pairing.other.user
    page = new_page(viewport={"width": 360, "height": 800})
    _log_in(page, pairing.client.email)

    page.goto(f"/episodes/{pairing.episode.pk}/fit-review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"How is it going with {leaving.first_name}?"
    )
    expect(page.get_by_text("Your answers are private.")).to_be_visible()
    for question in (
        "How is it going with your therapist?",
        "Is the way you agreed to work together working for you?",
        "Are you working on the right goals?",
    ):
        page.get_by_role("group", name=question).get_by_label("1 · A little").check()
    page.get_by_label("Look for a different fit").check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page).to_have_url(re.compile(r"/me/matches/$"))
    expect(page.get_by_role("heading", name="Looking for a different fit")).to_be_visible()
    cards = page.locator("article.match")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(other.full_name)
    expect(cards.first).not_to_contain_text(leaving.full_name)
    cards.first.get_by_role("link", name="Book an intro call or first session").click()
    page.get_by_label("First session").check()
    page.get_by_role("button", name="Book").click()

    new = Episode.objects.get(client=pairing.client, therapist=other)
    expect(page).to_have_url(re.compile(rf"/episodes/{new.pk}/history/$"))
    page.get_by_role("button", name="Share my earlier history").click()
    expect(page.get_by_text(f"{other.first_name} can now see your earlier")).to_be_visible()
    expect(page.get_by_role("button", name="Stop sharing")).to_be_visible()
    consent = HistoryConsent.objects.get()
    assert (consent.from_episode_id, consent.to_episode_id) == (pairing.episode.pk, new.pk)

    page.goto(f"/episodes/{pairing.episode.pk}/")
    expect(page.locator(".state")).to_have_text("Transferred")
    old = Episode.objects.get(pk=pairing.episode.pk)
    assert (old.state, old.end_reason) == (EpisodeState.TRANSFERRED, EndReason.REMATCH)
    assert new.state == EpisodeState.TRIAL
