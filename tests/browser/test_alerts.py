"""The alert journey: a low check-in after a steady baseline reaches the therapist, who works
the alert through to resolved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from alliance.alerts.models import Alert, AlertKind, AlertState
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import Session, SessionStatus
from alliance.measures.actions import do_submit_response
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, make_client, make_clinic, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STEADY = {"checkin-bond": 4, "checkin-goals": 3, "checkin-collaboration": 4, "checkin-frame": 3}


def _log_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def _answer_low(page: Page) -> None:
    """Check-in items: the lowest-but-one answer (4/16 in all). Every other questionnaire: the
    first answer, so no risk item is endorsed."""
    for question in page.locator("fieldset.question").all():
        name = question.locator("input[type=radio]").first.get_attribute("name") or ""
        question.locator("label.scale-option").nth(1 if "checkin" in name else 0).click()


def test_a_low_check_in_reaches_the_therapist_who_resolves_the_alert(
    new_page: PageMaker,
) -> None:
    clinic = make_clinic()
    client = make_client(clinic=clinic, first_name="Asha")
    therapist = make_therapist(clinic=clinic, first_name="Meera")
    episode = do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 9, 1)
    )
    now = dt.datetime.now(dt.UTC)
    for session in (1, 2, 3):  # three weekly sessions held, each with a steady 14/16 check-in
        starts = now - dt.timedelta(weeks=4 - session, hours=2)
        Session.objects.create(
            episode=episode,
            client=client,
            therapist=therapist,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=50),
            status=SessionStatus.HELD,
        )
        do_submit_response(
            client,
            instrument_id="alliance-checkin-client",
            answers=STEADY,
            client=client,
            episode=episode,
            submission_key=f"baseline-{session}",
            session_number=session,
            administered_at=starts + dt.timedelta(minutes=50),
        )

    as_client = new_page(viewport={"width": 1000, "height": 800})
    _log_in(as_client, client.email)
    as_client.goto("/me/check-in/")
    _answer_low(as_client)
    as_client.get_by_role("button", name="Send my answers").click()
    expect(as_client).to_have_url(re.compile(r"/me/progress/$"))
    alert = Alert.objects.get(episode=episode, kind=AlertKind.RUPTURE)

    page = new_page(viewport={"width": 1000, "height": 800})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    _log_in(page, therapist.email)
    page.goto("/practice/alerts/")
    page.get_by_role("link", name="Possible alliance rupture").click()
    expect(page).to_have_url(re.compile(rf"/alerts/{alert.pk}/$"))
    expect(page.get_by_text("Client check-in 4/16 at session 4 is below 9.")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    page.get_by_label("What was done").select_option(label="Discussed the alliance in session")
    page.get_by_role("button", name="Record this").click()
    expect(page.locator("main")).to_contain_text("Discussed the alliance in session (Meera")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Alert resolved.")).to_be_visible()
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED
    assert list(alert.actions.values_list("kind", flat=True)) == ["discussed_alliance"]
    assert problems == []
