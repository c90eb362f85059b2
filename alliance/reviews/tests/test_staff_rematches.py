"""Staff see who is looking for a different fit, since when, and whether they have booked —
never the answers behind it."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from alliance.matching.actions import do_book_slot
from alliance.matching.models import Intake, IntakeStatus
from alliance.reviews.actions import do_request_fit_review, do_submit_fit_review
from alliance.reviews.tests.factories import NOW, logged_in, placed
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

SECRET = "Not sure we click"


def _rematch(pairing) -> Intake:
    do_request_fit_review(pairing.client, episode=pairing.episode)
    answers = {"going": 0, "style": 1, "goals": 0, "choice": "rematch", "adjust_what": SECRET}
    do_submit_fit_review(pairing.client, episode=pairing.episode, answers=answers)
    return Intake.objects.get(client=pairing.client, status=IntakeStatus.SUBMITTED)


@time_machine.travel(NOW, tick=False)
def test_staff_see_rematch_requests_and_whether_they_are_booked() -> None:
    waiting, booked = placed(n_held=3), placed(n_held=3)
    _rematch(waiting)
    intake = _rematch(booked)
    do_book_slot(
        booked.client,
        intake=intake,
        profile=booked.other,
        slot=booked.other.slots.get(),
        kind="first_session",
    )
    page = logged_in(make_staff(clinic=waiting.clinic)).get(reverse("staff-rematches"))
    body = page.content.decode()
    assert page.status_code == 200
    assert escape(waiting.client.full_name) in body
    assert escape(waiting.therapist.full_name) in body
    assert "Not yet" in body and "2 Mar 2026" in body
    assert escape(booked.client.full_name) not in body  # another clinic
    assert SECRET not in body and "of 4" not in body
    other_staff = logged_in(make_staff(clinic=booked.clinic))
    assert "<td>Yes</td>" in other_staff.get(reverse("staff-rematches")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_only_staff_open_the_list() -> None:
    pairing = placed(n_held=3)
    _rematch(pairing)
    for person in (pairing.client, pairing.therapist):
        assert logged_in(person).get(reverse("staff-rematches")).status_code == 403
