"""The public directory page: filters, htmx fragment, pagination, and what is never shown."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.directory.models import TherapistProfile
from tests.factories import make_clinic, make_therapist


def _listed(first_name: str, **fields: Any) -> TherapistProfile:
    user = make_therapist(first_name=first_name, last_name="Test")
    TherapistProfile.objects.filter(user=user).update(**fields)
    return TherapistProfile.objects.get(user=user)


def _names(params: dict[str, str] | None = None, **headers: str) -> list[str]:
    body = Client().get(reverse("directory"), params or {}, headers=headers).content.decode()
    return re.findall(r'href="/therapists/\d+/">(\w+) Test</a>', body)


def test_anonymous_visitors_see_listed_therapists_with_a_count(db: None) -> None:
    _listed("Asha")
    _listed("Bela")
    response = Client().get(reverse("directory"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 therapists" in body
    assert "What do these styles mean?" in body and "You lead." in body
    assert 'hx-get="/therapists/"' in body and 'hx-target="#directory-results"' in body
    assert 'hx-push-url="true"' in body and "<noscript>" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"concern": "grief"}, ["Asha"]),
        ({"language": "hi"}, ["Bela"]),
        ({"format": "in_person"}, ["Asha"]),
        ({"format": "online"}, ["Bela", "Chen"]),
        ({"city": "pune"}, ["Asha"]),
        ({"style": "supportive"}, ["Bela"]),
        ({"profession": "psychiatrist"}, ["Chen"]),
        ({"max_fee": "1000"}, ["Asha", "Bela"]),  # Bela's full fee is 2500; sliding from 900
        ({"max_fee": "899"}, ["Asha"]),
        ({"accepting": "on"}, ["Asha", "Bela"]),
        ({"q": "trauma-informed"}, ["Chen"]),
        ({"language": "hi", "style": "directive"}, []),
    ],
)
def test_each_filter(db: None, params: dict[str, str], expected: list[str]) -> None:
    _listed(
        "Asha",
        concerns=["grief", "anxiety"],
        formats=["in_person"],
        city="Pune",
        fee=800,
        styles=["directive"],
    )
    _listed(
        "Bela",
        languages=["en", "hi"],
        formats=["online"],
        fee=2500,
        sliding_scale_min=900,
        styles=["supportive"],
    )
    _listed(
        "Chen",
        profession="psychiatrist",
        formats=["online"],
        fee=3000,
        capacity=0,
        bio="A trauma-informed practice.",
    )
    assert sorted(_names(params)) == expected


def test_a_code_is_matched_whole_not_as_part_of_another(db: None) -> None:
    _listed("Asha", concerns=["self_esteem"])
    assert _names({"concern": "self_esteem"}) == ["Asha"]
    assert _names({"concern": "stress"}) == []


def test_open_to_new_clients_come_first_then_by_name(db: None) -> None:
    _listed("Zara")
    _listed("Anil", accepting=False)
    _listed("Bina", capacity=0)
    _listed("Mira")
    assert _names() == ["Mira", "Zara", "Anil", "Bina"]
    body = Client().get(reverse("directory")).content.decode()
    assert body.count("Accepting new clients</p>") == 2
    assert body.count("Not taking new clients</p>") == 2


def test_htmx_request_gets_only_the_results_fragment(db: None) -> None:
    _listed("Asha", concerns=["grief"])
    _listed("Bela")
    response = Client().get(
        reverse("directory"), {"concern": "grief"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "1 therapist</p>" in body and "Asha" in body and "Bela" not in body
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_whole_page(db: None) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    body = Client().get(reverse("directory"), headers=headers).content.decode()
    assert "<html" in body


def test_unlisted_inactive_and_non_therapists_never_appear(db: None) -> None:
    _listed("Asha")
    _listed("Hidden", listed=False)
    gone = _listed("Gone")
    User.objects.filter(pk=gone.user_id).update(is_active=False)
    moved = _listed("Moved")
    User.objects.filter(pk=moved.user_id).update(role="staff")
    assert _names() == ["Asha"]
    body = Client().get(reverse("directory"), {"q": "Test"}).content.decode()
    assert "Hidden" not in body and "Gone" not in body and "Moved" not in body


def test_gender_only_when_the_therapist_shows_it(db: None) -> None:
    _listed("Asha", gender="female")
    _listed("Bela", gender="non_binary", show_gender=False)
    body = Client().get(reverse("directory")).content.decode()
    assert "Woman" in body and "Non-binary" not in body


def test_lists_therapists_of_every_clinic(db: None) -> None:
    make_therapist(clinic=make_clinic(), first_name="Asha", last_name="Test")
    make_therapist(clinic=make_clinic(), first_name="Bela", last_name="Test")
    assert _names() == ["Asha", "Bela"]


def test_pages_of_24_keep_the_filters(db: None) -> None:
    for n in range(30):
        _listed(f"T{n:02d}", concerns=["sleep"])
    _listed("Other")
    first = Client().get(reverse("directory"), {"concern": "sleep"}).content.decode()
    assert "30 therapists" in first and len(re.findall(r'class="card therapist-card"', first)) == 24
    assert "Page 1 of 2" in first and 'href="?concern=sleep&amp;page=2"' in first
    second = Client().get(reverse("directory"), {"concern": "sleep", "page": "2"})
    assert len(re.findall(r'class="card therapist-card"', second.content.decode())) == 6


def test_invalid_filter_values_are_ignored_with_a_message(db: None) -> None:
    _listed("Asha")
    response = Client().get(reverse("directory"), {"concern": "nonsense", "max_fee": "-3"})
    body = response.content.decode()
    assert response.status_code == 200 and "1 therapist</p>" in body
    assert "Select a valid choice" in body
