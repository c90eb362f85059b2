"""The directory API: public reading, allow-listed PATCH, slot replacement.

Until ``directory.api.router`` is registered in ``config/api.py``, this module mounts it the
same way (same handlers, the session auth, no log-in redirect) on its own URL configuration.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.directory.api import router
from alliance.directory.models import TherapistProfile
from alliance.lib.api import add_error_handlers
from tests.factories import make_client, make_clinic, make_staff, make_therapist

_api = NinjaAPI(auth=django_auth, urls_namespace="directory_api_test", docs_url=None)
_api.add_router("/", router)


add_error_handlers(_api)


_patterns, _app, _namespace = _api.urls
for _pattern in _patterns:
    _pattern.callback.login_required = False  # type: ignore[union-attr]
urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    path("", include("alliance.urls")),
]
pytestmark = pytest.mark.urls(__name__)


def _as(user: User | None) -> Client:
    http = Client()
    if user is not None:
        http.force_login(user)
    return http


def _profile(**fields: Any) -> TherapistProfile:
    user = make_therapist(first_name=fields.pop("first_name", "Asha"), last_name="Test")
    TherapistProfile.objects.filter(user=user).update(**fields)
    return TherapistProfile.objects.get(user=user)


def _patch(user: User | None, profile: TherapistProfile, body: dict[str, Any]) -> Any:
    url = f"/api/v1/therapists/{profile.pk}"
    return _as(user).patch(url, json.dumps(body), content_type="application/json")


def _put_slots(user: User | None, profile: TherapistProfile, slots: list[dict[str, Any]]) -> Any:
    url = f"/api/v1/therapists/{profile.pk}/slots"
    return _as(user).put(url, json.dumps({"slots": slots}), content_type="application/json")


def test_public_list_filters_and_hides_what_is_not_published(db: None) -> None:
    _profile(first_name="Asha", concerns=["grief"], gender="female")
    _profile(first_name="Bela", concerns=["grief"], gender="male", show_gender=False)
    _profile(first_name="Chen", concerns=["grief"], listed=False)
    _profile(first_name="Dev", concerns=["sleep"])
    response = _as(None).get("/api/v1/therapists", {"concern": "grief"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and (data["limit"], data["offset"]) == (24, 0)
    assert [(r["name"], r["gender"]) for r in data["results"]] == [
        ("Asha Test", "female"),
        ("Bela Test", None),
    ]
    assert "capacity" not in data["results"][0] and "listed" not in data["results"][0]


def test_public_list_fee_counts_the_sliding_scale(db: None) -> None:
    _profile(first_name="Asha", fee=2500, sliding_scale_min=900)
    _profile(first_name="Bela", fee=2500)
    data = _as(None).get("/api/v1/therapists", {"max_fee": 1000}).json()
    assert [r["name"] for r in data["results"]] == ["Asha Test"]


def test_public_list_pagination_is_clamped(db: None) -> None:
    for n in range(105):
        _profile(first_name=f"T{n:03d}")
    data = _as(None).get("/api/v1/therapists", {"limit": 1000, "offset": 100}).json()
    assert (data["count"], data["limit"], data["offset"]) == (105, 100, 100)
    assert len(data["results"]) == 5
    data = _as(None).get("/api/v1/therapists", {"limit": 0, "offset": -5}).json()
    assert (data["limit"], data["offset"], len(data["results"])) == (1, 0, 1)
    assert data["results"][0]["name"] == "T000 Test"


def test_public_list_rejects_unknown_codes(db: None) -> None:
    response = _as(None).get("/api/v1/therapists", {"style": "bossy"})
    assert response.status_code == 400
    assert response.json()["code"] == "style_invalid"


def test_public_profile_and_404_for_unlisted(db: None) -> None:
    shown = _profile(bio="Hello.")
    data = _as(None).get(f"/api/v1/therapists/{shown.pk}").json()
    assert data["bio"] == "Hello." and data["accepting_new_clients"] is True
    assert data["free_slots"] == [{"weekday": 3, "start": "18:00", "minutes": 50}]
    hidden = _profile(first_name="Hidden", listed=False)
    response = _as(None).get(f"/api/v1/therapists/{hidden.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_patch_changes_allow_listed_fields_and_ignores_unknown_ones(db: None) -> None:
    profile = _profile()
    response = _patch(
        profile.user,
        profile,
        {"fee": 1700, "concerns": ["stress"], "user_id": 999, "id": 5, "is_admin": True},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["id"], data["user_id"], data["fee"]) == (profile.pk, profile.user_id, 1700)
    stored = TherapistProfile.objects.get(pk=profile.pk)
    assert (stored.user_id, stored.fee, stored.concerns) == (profile.user_id, 1700, ["stress"])
    event = AuditEvent.objects.get(action="directory.profile.updated")
    assert event.data == {"fee": True, "concerns": True}


def test_patch_with_only_unknown_fields_changes_nothing(db: None) -> None:
    profile = _profile()
    before = TherapistProfile.objects.filter(pk=profile.pk).values().get()
    assert _patch(profile.user, profile, {"bogus": 1}).status_code == 200
    assert TherapistProfile.objects.filter(pk=profile.pk).values().get() == before
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_patch_bad_values(db: None) -> None:
    profile = _profile()
    before = TherapistProfile.objects.filter(pk=profile.pk).values().get()
    cases: list[tuple[dict[str, Any], str, int]] = [
        ({"fee": -1}, "fee_invalid", 400),
        ({"sliding_scale_min": 2000}, "sliding_scale_min_invalid", 400),
        ({"concerns": ["astrology"]}, "concerns_invalid", 400),
        ({"fee": None}, "fee_invalid", 400),
        ({"fee": "lots"}, "invalid", 422),
    ]
    for body, code, status in cases:
        response = _patch(profile.user, profile, body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert TherapistProfile.objects.filter(pk=profile.pk).values().get() == before


def test_patch_and_put_are_for_the_therapist_and_their_clinic_staff(db: None) -> None:
    clinic = make_clinic()
    profile = TherapistProfile.objects.get(user=make_therapist(clinic=clinic))
    assert _patch(make_staff(clinic=clinic), profile, {"capacity": 3}).status_code == 200
    for outsider in [make_therapist(clinic=clinic), make_client(clinic=clinic), make_staff()]:
        assert _patch(outsider, profile, {"capacity": 9}).status_code == 404
        assert _put_slots(outsider, profile, []).status_code == 404
    assert _patch(None, profile, {"capacity": 9}).status_code == 401
    assert _put_slots(None, profile, []).status_code == 401
    assert TherapistProfile.objects.get(pk=profile.pk).capacity == 3
    assert profile.slots.count() == 1


def test_put_replaces_slots(db: None) -> None:
    profile = _profile()
    slots = [{"weekday": 0, "start": "09:00", "minutes": 60}, {"weekday": 3, "start": "18:00"}]
    response = _put_slots(profile.user, profile, [slots[0], {**slots[1], "minutes": 50}])
    assert response.status_code == 200
    assert response.json()["slots"] == [
        {"weekday": 0, "start": "09:00", "minutes": 60},
        {"weekday": 3, "start": "18:00", "minutes": 50},
    ]


def test_put_bad_slots_store_nothing(db: None) -> None:
    profile = _profile()
    before = list(profile.slots.values_list("pk", "weekday", "start", "minutes"))
    for slots, code in [
        ([{"weekday": 0, "start": "09:00", "minutes": 50}] * 2, "slots_overlap"),
        ([{"weekday": 0, "start": "09:00", "minutes": 5}], "slot_invalid"),
        ([{"weekday": 9, "start": "09:00", "minutes": 50}], "slot_invalid"),
    ]:
        response = _put_slots(profile.user, profile, slots)
        assert (response.status_code, response.json()["code"]) == (400, code)
    assert list(profile.slots.values_list("pk", "weekday", "start", "minutes")) == before
