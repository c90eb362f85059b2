"""End-to-end journeys through a real browser: sign-up, log-in, privacy, htmx search, mobile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.accounts.models import User
from alliance.demo.actions import DEMO_PASSWORD, do_load_demo_clinic
from alliance.demo.generator import DemoSettings, generate_clinic
from alliance.directory.models import StandingSlot
from tests.browser.conftest import PageMaker
from tests.factories import PASSWORD, ClinicFactory, make_client, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def _log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_client_signs_up_logs_out_and_logs_back_in(page: Page) -> None:
    ClinicFactory(name="Riverside Clinic")
    page.goto("/signup/")
    expect(page.locator("input[name=clinic]")).to_be_hidden()
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("E-mail").fill("asha@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(_path_is("/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Asha")
    assert User.objects.filter(email="asha@example.org", role="client").exists()

    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(_path_is("/login/"))
    expect(page.locator("header").get_by_role("button", name="Log out")).to_have_count(0)

    _log_in(page, "asha@example.org", PASSWORD)
    expect(page).to_have_url(_path_is("/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Asha")


def test_sign_up_with_bad_passwords_shows_errors_and_creates_nobody(page: Page) -> None:
    ClinicFactory()
    page.goto("/signup/")
    page.get_by_label("First name").fill("Ravi")
    page.get_by_label("E-mail").fill("ravi@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_password_error")).to_contain_text("too short")
    expect(page).to_have_url(_path_is("/signup/"))

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD + " but different")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_password_again_error")).to_have_text("The two passwords differ.")
    expect(page).to_have_url(_path_is("/signup/"))

    assert not User.objects.filter(email="ravi@example.org").exists()
    assert User.objects.count() == 0


def test_demo_therapist_logs_in_and_sees_standing_slots(page: Page) -> None:
    summary = do_load_demo_clinic(generate_clinic(DemoSettings(n_clients=10)))
    email = dict(summary.sample_logins)["therapist"]
    therapist = User.objects.get(email=email)
    slots = StandingSlot.objects.filter(therapist__user=therapist).order_by("weekday", "start")
    expected = [f"{s.get_weekday_name()} {s.start:%H:%M} · {s.minutes} min" for s in slots]
    assert expected, "the demo therapist should have standing slots"

    _log_in(page, email, DEMO_PASSWORD)
    expect(page).to_have_url(_path_is("/practice/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Good to see you, {therapist.first_name}"
    )
    card = page.locator("article", has=page.get_by_role("heading", name="standing weekly slots"))
    items = card.get_by_role("listitem")
    expect(items).to_have_count(len(expected))
    for text in expected:
        expect(card).to_contain_text(text)


def test_client_cannot_open_another_clients_page(page: Page) -> None:
    clinic = ClinicFactory()
    alice = make_client(clinic=clinic, first_name="Alice", last_name="Moreau")
    bruno = make_client(clinic=clinic, first_name="Bruno", last_name="Okafor")

    _log_in(page, alice.email, PASSWORD)
    expect(page).to_have_url(_path_is("/me/"))

    own = page.goto(f"/people/{alice.pk}/")
    assert own is not None
    assert own.status == 200

    response = page.goto(f"/people/{bruno.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(page.locator("main")).not_to_contain_text("Okafor")
    expect(page.locator("main")).not_to_contain_text(bruno.email)


def test_staff_people_search_updates_results_without_reload(page: Page) -> None:
    clinic = ClinicFactory()
    staff = make_staff(clinic=clinic, first_name="Meera", last_name="Staff")
    make_client(clinic=clinic, first_name="Zebedee", last_name="Quintero")
    make_client(clinic=clinic, first_name="Anna", last_name="Lindqvist")
    make_client(first_name="Zebulon", last_name="Elsewhere")  # another clinic: never listed

    _log_in(page, staff.email, PASSWORD)
    expect(page).to_have_url(_path_is("/clinic/"))
    page.goto("/clinic/people/")
    rows = page.locator("#people-results tbody tr")
    expect(rows).to_have_count(3)  # Meera, Zebedee, Anna
    page.wait_for_function("() => window.htmx !== undefined")

    page.evaluate("window.__marker = 1")
    with page.expect_response(lambda r: "/clinic/people/?" in r.url) as caught:
        page.get_by_label("Search by name or e-mail").press_sequentially("zeb", delay=30)
    assert caught.value.request.headers.get("hx-request") == "true"

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zebedee Quintero")
    expect(page).to_have_url(re.compile(r"/clinic/people/\?(.*&)?q=zeb"))
    assert page.evaluate("window.__marker") == 1, "the search reloaded the whole page"


def test_login_fits_a_phone_and_works_with_the_keyboard(new_page: PageMaker) -> None:
    client = make_client(first_name="Kiran")
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)

    page.goto("/login/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"login page scrolls sideways: {scroll_width}px wide"

    email, password = page.get_by_label("E-mail"), page.get_by_label("Password", exact=True)
    expect(email).to_be_focused()  # autofocus: keyboard users start in the first field
    page.keyboard.type(client.email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(_path_is("/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Kiran")
