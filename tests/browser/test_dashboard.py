"""The therapist's day: the caseload at a glance, a client's trajectory, a private note."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from alliance.alerts.models import Alert, AlertKind, AlertState, Priority
from alliance.measures.tests.factories import store_score
from alliance.notes.models import PrivateNote
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_episode, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Ask about the new job before the goals review."


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/practice/$"))


def test_therapist_sees_the_caseload_opens_a_client_and_writes_a_note(
    new_page: PageMaker,
) -> None:
    therapist = make_therapist(first_name="Meera", last_name="Iyer")
    episode = make_episode(therapist=therapist, first_name="Asha", last_name="Rao")
    make_episode(therapist=therapist, first_name="Bilal", last_name="Shah")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(weeks=3)
    for week, (checkin, phq9) in enumerate([(12, 18), (13, 15), (9, 11)]):
        at = start + dt.timedelta(weeks=week)
        store_score(episode, "alliance-checkin-client", checkin, at, session_number=week + 1)
        store_score(episode, "phq-9", phq9, at, session_number=week + 1)
        store_score(
            episode,
            "alliance-checkin-therapist",
            13,
            at,
            session_number=week + 1,
            by_therapist=True,
        )
    Alert.objects.create(
        kind=AlertKind.RUPTURE,
        priority=Priority.HIGH,
        state=AlertState.OPEN,
        episode=episode,
        therapist=therapist,
        rule="rupture",
        cause=f"browser:{episode.pk}",
    )

    page = new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    _log_in(page, therapist.email)

    rows = page.locator("tr.caseload-row")
    expect(rows).to_have_count(2)
    asha = rows.first  # open alerts first
    expect(asha).to_contain_text("Asha Rao")
    expect(asha.get_by_role("img", name="check-ins 12, 13, 9")).to_be_visible()
    expect(asha.get_by_role("img", name="PHQ-9 18, 15, 11")).to_be_visible()
    expect(asha).to_contain_text("1 open")
    expect(asha).to_contain_text("(highest: high)")
    expect(page.get_by_role("heading", name="Needs your attention (1)")).to_be_visible()

    asha.get_by_role("link", name="Asha Rao", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/practice/clients/{episode.pk}/$"))
    expect(page.get_by_role("heading", name="Asha Rao", level=1)).to_be_visible()
    canvases = page.locator("canvas[data-source]")
    expect(canvases).to_have_count(2)  # the alliance and PHQ-9
    drawn = canvases.evaluate_all("els => els.map(e => !!Chart.getChart(e))")
    assert drawn == [True, True]
    datasets = page.locator('canvas[data-source="chart-data-phq-9-client"]').evaluate(
        "e => Chart.getChart(e).data.datasets.map(d => d.label).filter(Boolean)"
    )
    assert any(label.startswith("Reliable change from the baseline") for label in datasets)
    assert any(label.startswith("Expected range") for label in datasets)
    assert any(label.startswith("Clinical cut-off") for label in datasets)
    expect(page.get_by_text("PHQ-9: baseline 18")).to_be_visible()

    page.get_by_role("textbox", name="New private note").fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    expect(page).to_have_url(re.compile(rf"/practice/clients/{episode.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Note saved. Only you can read it.")
    expect(page.locator(".private-notes")).to_contain_text(NOTE)
    assert PrivateNote.objects.get().author == therapist
    assert problems == []


def test_the_caseload_fits_a_phone(new_page: PageMaker) -> None:
    therapist = make_therapist()
    episode = make_episode(therapist=therapist, first_name="Asha", last_name="Rao")
    store_score(episode, "alliance-checkin-client", 12, dt.datetime.now(dt.UTC))
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    _log_in(page, therapist.email)
    expect(page.get_by_role("img", name="check-ins 12")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
