from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.factories import make_staff, make_therapist


def test_instruments_page_explains_why_licensed_measures_cannot_be_shown(db: None) -> None:
    http = Client()
    http.force_login(make_therapist())
    page = http.get(reverse("instruments")).content.decode()
    assert "PHQ-9" in page
    assert "Alliance Check-in (client)" in page
    assert "not yet validated" in page
    # WAI-SR, its therapist form, SRS and ORS ship as scoring keys only.
    assert page.count("its wording is not included") == 4


def test_staff_see_it_too(db: None) -> None:
    http = Client()
    http.force_login(make_staff())
    assert http.get(reverse("instruments")).status_code == 200
