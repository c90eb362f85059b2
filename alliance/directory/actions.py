"""Every change to therapist profiles and standing slots goes through here: validated, atomic,
audited.

The audit trail records which fields changed — their names, never their values — so a fee or a
bio never reaches it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from functools import cache
from itertools import pairwise
from typing import Any

from django.db import transaction

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
    WEEKDAYS,
)
from alliance.directory.hooks import slot_bookings, therapist_moved_city
from alliance.directory.models import StandingSlot, TherapistProfile

MAX_FEE = 10_000_000
MAX_CAPACITY = 500
MAX_SLOTS = 60
MIN_MINUTES, MAX_MINUTES = 15, 180
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class WeeklySlot:
    """A standing weekly slot as asked for: weekday (0 = Monday … 6), local start, length."""

    weekday: int
    start: time
    minutes: int

    @property
    def starts_at(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def ends_at(self) -> int:
        return self.starts_at + self.minutes

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M} ({self.minutes} min)"


def _human(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _invalid(field: str, detail: str) -> InvalidInput:
    # The code names the field, so pages can put the message next to it.
    return InvalidInput(detail, code=f"{field}_invalid")


def _text(max_length: int) -> Callable[[str, object], str]:
    def check(field: str, value: object) -> str:
        if not isinstance(value, str):
            raise _invalid(field, f"{_human(field)} must be text.")
        value = value.strip()
        if len(value) > max_length:
            raise _invalid(
                field, f"Keep {_human(field).lower()} to {max_length} characters or fewer."
            )
        return value

    return check


def _whole_number(low: int, high: int) -> Callable[[str, object], int]:
    def check(field: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _invalid(field, f"{_human(field)} must be a whole number from {low} to {high}.")
        return value

    return check


def _optional_whole_number(low: int, high: int) -> Callable[[str, object], int | None]:
    inner = _whole_number(low, high)

    def check(field: str, value: object) -> int | None:
        return None if value is None else inner(field, value)

    return check


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(field, f"{_human(field)} must be true or false.")
    return value


def _one_of(vocabulary: Mapping[str, str], *, blank: bool = False) -> Callable[[str, object], str]:
    def check(field: str, value: object) -> str:
        if blank and value == "":
            return ""
        if not isinstance(value, str) or value not in vocabulary:
            raise _invalid(field, f"Unknown {_human(field).lower()} code {value!r}.")
        return value

    return check


def _codes(vocabulary: Mapping[str, str]) -> Callable[[str, object], list[str]]:
    def check(field: str, value: object) -> list[str]:
        if not isinstance(value, list | tuple):
            raise _invalid(field, f"{_human(field)} must be a list of codes.")
        unknown = [code for code in value if not isinstance(code, str) or code not in vocabulary]
        if unknown:
            raise _invalid(
                field, f"Unknown {_human(field).lower()} code(s): {', '.join(map(repr, unknown))}."
            )
        return list(dict.fromkeys(value))  # keep the order given, drop repeats

    return check


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(field: str, value: object) -> str:
    if not isinstance(value, str) or value not in _time_zones():
        raise _invalid(field, f"Unknown time zone {value!r}; use a name like Asia/Kolkata.")
    return value


def _currency(field: str, value: object) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isalpha():
        raise _invalid(field, "Use a three-letter currency code such as INR.")
    return value.upper()


# The fields a profile edit may change, each with its check. Anything else is refused.
EDITABLE_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "profession": _one_of(PROFESSIONS),
    "credentials": _text(200),
    "years_experience": _whole_number(0, 80),
    "gender": _one_of(GENDERS, blank=True),
    "show_gender": _flag,
    "approaches": _codes(APPROACHES),
    "styles": _codes(ALLIANCE_STYLES),
    "concerns": _codes(CONCERNS),
    "languages": _codes(LANGUAGES),
    "formats": _codes(FORMATS),
    "city": _text(80),
    "time_zone": _time_zone,
    "fee": _whole_number(0, MAX_FEE),
    "sliding_scale_min": _optional_whole_number(0, MAX_FEE),
    "currency": _currency,
    "capacity": _whole_number(0, MAX_CAPACITY),
    "accepting": _flag,
    "listed": _flag,
    "bio": _text(4000),
}


def _check_may_edit(actor: User | None, profile: TherapistProfile) -> None:
    if actor is None:  # the system (commands, the demo loader)
        return
    own = actor.pk == profile.user_id
    clinic_staff = actor.is_clinic_staff and actor.clinic_id == profile.user.clinic_id
    if not (own or clinic_staff):
        raise PermissionDenied("Only the therapist or staff of their clinic can change this.")


def _check_profile_consistent(profile: TherapistProfile, cleaned: Mapping[str, Any]) -> None:
    def after(name: str) -> Any:
        return cleaned.get(name, getattr(profile, name))

    sliding, fee = after("sliding_scale_min"), after("fee")
    if sliding is not None and sliding > fee:
        raise _invalid(
            "sliding_scale_min", "The sliding-scale minimum cannot be more than the full fee."
        )
    if "in_person" in after("formats") and not after("city"):
        raise _invalid("city", "Add the city where you see clients in person.")


@transaction.atomic
def do_update_therapist_profile(
    actor: User | None, *, profile: TherapistProfile, **fields: Any
) -> TherapistProfile:
    """Change some fields of a therapist's profile (the keys of ``EDITABLE_FIELDS`` only).

    All values are checked before anything is stored; one event names the fields that changed.
    """
    _check_may_edit(actor, profile)
    unknown = sorted(set(fields) - EDITABLE_FIELDS.keys())
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(unknown)}.")
    cleaned = {name: EDITABLE_FIELDS[name](name, value) for name, value in fields.items()}
    _check_profile_consistent(profile, cleaned)
    changed = [name for name, value in cleaned.items() if getattr(profile, name) != value]
    if not changed:
        return profile
    moved_city = "city" in changed and bool(profile.city)
    for name in changed:
        setattr(profile, name, cleaned[name])
    profile.save(update_fields=changed)
    record_event(
        "directory.profile.updated", actor=actor, obj=profile, data=dict.fromkeys(changed, True)
    )
    if moved_city:
        # Clients seen in person keep their therapist: they are offered the same slot online.
        therapist_moved_city.send(profile.user, profile.city or "another city")
    return profile


def _check_slot(slot: WeeklySlot) -> None:
    if isinstance(slot.weekday, bool) or not isinstance(slot.weekday, int):
        raise InvalidInput("Choose a weekday for every slot.", code="slot_invalid")
    if not 0 <= slot.weekday <= 6:
        raise InvalidInput("The weekday must be 0 (Monday) to 6 (Sunday).", code="slot_invalid")
    if not isinstance(slot.start, time) or slot.start.second or slot.start.microsecond:
        raise InvalidInput("Give each slot a start time in hours and minutes.", code="slot_invalid")
    if isinstance(slot.minutes, bool) or not isinstance(slot.minutes, int):
        raise InvalidInput("Give each slot a length in minutes.", code="slot_invalid")
    if not MIN_MINUTES <= slot.minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"{slot.describe()}: a session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.",
            code="slot_invalid",
        )
    if slot.ends_at > MINUTES_PER_DAY:
        raise InvalidInput(f"{slot.describe()} runs past midnight.", code="slot_invalid")


def _check_no_overlap(slots: Sequence[WeeklySlot]) -> None:
    ordered = sorted(slots, key=lambda s: (s.weekday, s.starts_at))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.starts_at < before.ends_at:
            raise InvalidInput(
                f"{before.describe()} and {after.describe()} overlap.", code="slots_overlap"
            )


def _booked_slots(slots: Iterable[StandingSlot]) -> tuple[set[int], set[int]]:
    """(ids with an active booking, ids with any booking) among ``slots``."""
    rows = [row for rows in slot_bookings.send(list(slots)) for row in rows]
    return {slot_id for slot_id, active in rows if active}, {slot_id for slot_id, _ in rows}


def _check_removable(removed: Sequence[StandingSlot]) -> None:
    active, any_booking = _booked_slots(removed)
    for slot in removed:
        if slot.pk in active:
            raise Conflict(
                f"{slot} is booked by a client, so it cannot be removed or changed.",
                code="slot_booked",
            )
        if slot.pk in any_booking:
            raise Conflict(
                f"{slot} has past bookings, so it cannot be removed or changed.",
                code="slot_has_bookings",
            )


@transaction.atomic
def do_replace_standing_slots(
    actor: User | None, *, profile: TherapistProfile, slots: Sequence[WeeklySlot]
) -> list[StandingSlot]:
    """Make the therapist's standing weekly slots exactly ``slots``.

    Slots that stay the same keep their ids (bookings point at them); a slot a client holds
    cannot be removed. Returns the slots, in weekly order.
    """
    _check_may_edit(actor, profile)
    if len(slots) > MAX_SLOTS:
        raise InvalidInput(f"At most {MAX_SLOTS} standing slots.", code="slots_too_many")
    for slot in slots:
        _check_slot(slot)
    _check_no_overlap(slots)
    wanted = {(s.weekday, s.start, s.minutes) for s in slots}
    current = {(s.weekday, s.start, s.minutes): s for s in profile.slots.select_for_update()}
    removed = [slot for key, slot in current.items() if key not in wanted]
    added = sorted(wanted - current.keys())
    _check_removable(removed)
    if removed or added:
        StandingSlot.objects.filter(pk__in=[s.pk for s in removed]).delete()
        StandingSlot.objects.bulk_create(
            StandingSlot(therapist=profile, weekday=day, start=start, minutes=minutes)
            for day, start, minutes in added
        )
        record_event(
            "directory.slots.replaced",
            actor=actor,
            obj=profile,
            data={
                "n_added": len(added),
                "n_removed": len(removed),
                "n_kept": len(wanted) - len(added),
            },
        )
    return list(profile.slots.order_by("weekday", "start"))
