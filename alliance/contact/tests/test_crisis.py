"""The crisis page: public, one tap from the messages and notebook pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from alliance.accounts.models import Clinic
from alliance.contact.tests.factories import CRISIS_LINE, logged_in, make_episode

GENERIC = Clinic._meta.get_field("crisis_line").get_default()


def test_logged_out_visitors_get_generic_emergency_guidance() -> None:
    response = Client().get(reverse("crisis"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Call your local emergency number" in page
    assert GENERIC in strip_tags(page)
    assert 'href="tel:112"' in page
    assert "not an emergency service" in page


def test_a_client_sees_their_clinics_crisis_line(db: None) -> None:
    episode = make_episode()
    page = logged_in(episode.client).get(reverse("crisis")).content.decode()
    assert CRISIS_LINE in strip_tags(page)
    assert "Your clinic" in page


def test_a_therapist_gets_the_generic_guidance(db: None) -> None:
    episode = make_episode()
    page = logged_in(episode.therapist).get(reverse("crisis")).content.decode()
    assert GENERIC in strip_tags(page)


def test_the_link_snippet_points_at_the_crisis_page(db: None) -> None:
    episode = make_episode()
    for url in [reverse("episode-messages", args=[episode.pk]), reverse("notebook")]:
        page = logged_in(episode.client).get(url).content.decode()
        assert f'<a class="crisis-link" href="{reverse("crisis")}">Urgent help</a>' in page
