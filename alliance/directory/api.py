"""Therapist directory API: public reading, editing for the therapist and their clinic's staff."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from alliance.accounts.http import request_user
from alliance.core.errors import InvalidInput
from alliance.core.vocabulary import ALLIANCE_STYLES, CONCERNS, FORMATS, LANGUAGES, PROFESSIONS
from alliance.directory import actions
from alliance.directory.access import (
    DirectoryFilters,
    get_editable_profile_for_user,
    get_free_slots,
    get_listed_therapist,
    search_listed_therapists,
)
from alliance.directory.models import StandingSlot, TherapistProfile

router = Router(tags=["directory"])

MAX_LIMIT = 100


class SlotOut(Schema):
    weekday: int
    start: str
    minutes: int

    @staticmethod
    def of(slot: StandingSlot) -> SlotOut:
        return SlotOut(weekday=slot.weekday, start=f"{slot.start:%H:%M}", minutes=slot.minutes)


class TherapistCardOut(Schema):
    """What a therapist publishes: gender only when they chose to show it."""

    id: int
    name: str
    profession: str
    credentials: str
    gender: str | None
    styles: list[str]
    approaches: list[str]
    concerns: list[str]
    languages: list[str]
    formats: list[str]
    city: str
    fee: int
    sliding_scale_min: int | None
    currency: str
    accepting_new_clients: bool

    @staticmethod
    def fields_of(profile: TherapistProfile) -> dict[str, Any]:
        return {
            "id": profile.pk,
            "name": profile.user.full_name,
            "profession": profile.profession,
            "credentials": profile.credentials,
            "gender": (profile.gender or None) if profile.show_gender else None,
            "styles": profile.styles,
            "approaches": profile.approaches,
            "concerns": profile.concerns,
            "languages": profile.languages,
            "formats": profile.formats,
            "city": profile.city,
            "fee": profile.fee,
            "sliding_scale_min": profile.sliding_scale_min,
            "currency": profile.currency,
            "accepting_new_clients": profile.taking_new_clients,
        }


class TherapistOut(TherapistCardOut):
    years_experience: int
    bio: str
    time_zone: str
    free_slots: list[SlotOut]


class TherapistPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[TherapistCardOut]


class ProfileOut(Schema):
    """The whole editable profile, for the therapist and their clinic's staff."""

    id: int
    user_id: int
    profession: str
    credentials: str
    years_experience: int
    gender: str
    show_gender: bool
    approaches: list[str]
    styles: list[str]
    concerns: list[str]
    languages: list[str]
    formats: list[str]
    city: str
    time_zone: str
    fee: int
    sliding_scale_min: int | None
    currency: str
    capacity: int
    accepting: bool
    listed: bool
    bio: str
    slots: list[SlotOut]


class ProfilePatchIn(Schema):
    """Fields a PATCH may change. Anything else in the body is ignored."""

    profession: str | None = None
    credentials: str | None = None
    years_experience: int | None = None
    gender: str | None = None
    show_gender: bool | None = None
    approaches: list[str] | None = None
    styles: list[str] | None = None
    concerns: list[str] | None = None
    languages: list[str] | None = None
    formats: list[str] | None = None
    city: str | None = None
    time_zone: str | None = None
    fee: int | None = None
    sliding_scale_min: int | None = None
    currency: str | None = None
    capacity: int | None = None
    accepting: bool | None = None
    listed: bool | None = None
    bio: str | None = None


class SlotIn(Schema):
    weekday: int
    start: time
    minutes: int


class SlotsIn(Schema):
    slots: list[SlotIn] = Field(max_length=actions.MAX_SLOTS)


def _profile_out(profile: TherapistProfile) -> ProfileOut:
    fields = {name: getattr(profile, name) for name in actions.EDITABLE_FIELDS}
    slots = [SlotOut.of(slot) for slot in profile.slots.order_by("weekday", "start")]
    return ProfileOut(id=profile.pk, user_id=profile.user_id, slots=slots, **fields)


def _check_code(name: str, value: str, vocabulary: dict[str, str]) -> str:
    if value and value not in vocabulary:
        raise InvalidInput(f"Unknown {name} code {value!r}.", code=f"{name}_invalid")
    return value


@router.get(
    "/therapists", response=TherapistPage, auth=None, summary="The public therapist directory"
)
def list_therapists(
    request: HttpRequest,
    q: str = "",
    concern: str = "",
    language: str = "",
    format: str = "",
    city: str = "",
    style: str = "",
    profession: str = "",
    max_fee: int | None = None,
    accepting: bool = False,
    limit: int = 24,
    offset: int = 0,
) -> TherapistPage:
    filters = DirectoryFilters(
        q=q.strip()[:80],
        concern=_check_code("concern", concern, CONCERNS),
        language=_check_code("language", language, LANGUAGES),
        format=_check_code("format", format, FORMATS),
        city=city.strip()[:80],
        style=_check_code("style", style, ALLIANCE_STYLES),
        profession=_check_code("profession", profession, PROFESSIONS),
        max_fee=max_fee,
        accepting_only=accepting,
    )
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    found = search_listed_therapists(filters)
    results = [
        TherapistCardOut(**TherapistCardOut.fields_of(p)) for p in found[offset : offset + limit]
    ]
    return TherapistPage(count=found.count(), limit=limit, offset=offset, results=results)


@router.get(
    "/therapists/{profile_id}", response=TherapistOut, auth=None, summary="One public profile"
)
def get_therapist(request: HttpRequest, profile_id: int) -> TherapistOut:
    profile = get_listed_therapist(profile_id)
    return TherapistOut(
        **TherapistCardOut.fields_of(profile),
        years_experience=profile.years_experience,
        bio=profile.bio,
        time_zone=profile.time_zone,
        free_slots=[SlotOut.of(slot) for slot in get_free_slots(profile)],
    )


@router.patch(
    "/therapists/{profile_id}",
    response=ProfileOut,
    summary="Change a profile (the therapist, or staff of their clinic)",
)
def update_therapist(request: HttpRequest, profile_id: int, payload: ProfilePatchIn) -> ProfileOut:
    viewer = request_user(request)
    profile = get_editable_profile_for_user(viewer, profile_id)
    changes = payload.model_dump(exclude_unset=True)
    actions.do_update_therapist_profile(viewer, profile=profile, **changes)
    return _profile_out(profile)


@router.put(
    "/therapists/{profile_id}/slots",
    response=ProfileOut,
    summary="Replace the standing weekly slots (the therapist, or staff of their clinic)",
)
def replace_therapist_slots(request: HttpRequest, profile_id: int, payload: SlotsIn) -> ProfileOut:
    viewer = request_user(request)
    profile = get_editable_profile_for_user(viewer, profile_id)
    slots = [actions.WeeklySlot(s.weekday, s.start, s.minutes) for s in payload.slots]
    actions.do_replace_standing_slots(viewer, profile=profile, slots=slots)
    return _profile_out(profile)
