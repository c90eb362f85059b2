"""Error pages are friendly and say nothing about the code, the settings or the request."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client, override_settings

from alliance.web.tests.urls_crash import SECRET_DETAIL
from tests.factories import make_client

# Text that only Django's technical pages, a traceback or a settings dump would contain.
INTERNALS = (
    "Traceback",
    "urlpatterns",
    "URLconf",
    "alliance.urls",
    "DEBUG = True",
    "SECRET_KEY",
    "DATABASES",
    "site-packages",
    "Exception Value",
    "Request Method",
)


def assert_no_internals(html: str) -> None:
    for needle in INTERNALS:
        assert needle not in html, needle
    assert str(settings.BASE_DIR) not in html
    assert settings.SECRET_KEY not in html


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "client"])
def test_an_unknown_url_shows_the_friendly_404_page(logged_in: bool) -> None:
    browser = Client()
    if logged_in:
        browser.force_login(make_client())
    probe = "/no-such-page-e41b/../etc/passwd-probe"

    response = browser.get(probe)

    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "no-such-page-e41b" not in html
    assert "passwd-probe" not in html
    assert_no_internals(html)


@pytest.mark.django_db
def test_an_unknown_api_url_does_not_echo_the_path() -> None:
    response = Client().get("/api/v1/no-such-endpoint-e41b")

    assert response.status_code == 404
    assert "no-such-endpoint-e41b" not in response.content.decode()
    assert_no_internals(response.content.decode())


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="alliance.web.tests.urls_crash")
def test_a_failing_view_shows_the_friendly_500_page(caplog: pytest.LogCaptureFixture) -> None:
    browser = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = browser.get("/crash/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert SECRET_DETAIL not in html
    assert "RuntimeError" not in html
    assert_no_internals(html)
    # The detail goes to the log for the operator, not to the person.
    assert any(SECRET_DETAIL in str(record.exc_info) for record in caplog.records)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="alliance.web.tests.urls_crash")
def test_the_500_page_is_served_to_logged_in_people_too(caplog: pytest.LogCaptureFixture) -> None:
    browser = Client(raise_request_exception=False)
    browser.force_login(make_client())

    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        response = browser.get("/crash/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert SECRET_DETAIL not in response.content.decode()


@pytest.mark.django_db
def test_a_client_opening_the_clinic_page_gets_the_friendly_403_page() -> None:
    browser = Client()
    browser.force_login(make_client())

    response = browser.get("/clinic/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not for your account" in html
    assert_no_internals(html)
    assert "PermissionDenied" not in html
