"""Roster, intake, waitlist and outcome records: frozen dataclasses and validating parsers.

The JSON formats are the ones issue 4 specifies, documented field by field in
``docs/formats.md`` (JSON Schemas in ``docs/schemas/``). Extra fields are allowed and ignored;
the required fields mean exactly what the issue says. Core does no I/O: callers read and
``json.loads`` the file and pass the parsed value with a ``source`` label (usually the file
path). Every error is a :class:`RecordError` whose message names the record and the field, e.g.
``roster[3] (id 't07').fee: must be 0 or more``.

Codes come from :mod:`core.vocabulary`. Languages are the one exception: any lower-case
two-letter ISO 639-1 code is accepted (``sv``, ``pt``, ...), because a clinic's languages are
open-ended; the vocabulary only supplies display names for the common ones.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from alliance.core.errors import InvalidInput
from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    PROFESSIONS,
)

MINUTES_PER_DAY: Final = 24 * 60
MIN_SLOT_MINUTES: Final = 15
MAX_SLOT_MINUTES: Final = 180
INTAKE_FORMATS: Final = ("online", "in_person", "either")
# PHQ-9 totals 0-27 (Kroenke, Spitzer & Williams 2001) and GAD-7 totals 0-21 (Spitzer et al.
# 2006).
PHQ9_MAX: Final = 27
GAD7_MAX: Final = 21

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class RecordError(InvalidInput):
    """A roster, intake, waitlist or outcome record that cannot be accepted.

    The message names the record (source, index, id) and the field.
    """

    code = "record_invalid"


@functools.lru_cache(maxsize=2048)  # at most 1441 valid times; ranking reads them often
def parse_clock(text: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time, 00:00-23:59 (``24:00`` gives 1440).

    Raises ``ValueError`` for anything else.
    """
    if text == "24:00":
        return MINUTES_PER_DAY
    if not _CLOCK.match(text):
        raise ValueError(f"{text!r} is not a time HH:MM")
    return int(text[:2]) * 60 + int(text[3:])


@dataclass(frozen=True)
class Slot:
    """A free standing weekly slot: ``weekday`` 0-6 (Monday = 0), ``start`` ``HH:MM``,
    ``minutes`` long (15-180), ending by midnight."""

    weekday: int
    start: str
    minutes: int

    @property
    def start_minute(self) -> int:
        return parse_clock(self.start)

    @property
    def end_minute(self) -> int:
        return self.start_minute + self.minutes


@dataclass(frozen=True)
class TimeWindow:
    """A weekly time the client can make: ``weekday`` 0-6, from ``start`` to ``end`` (``HH:MM``;
    ``end`` may be ``24:00``). Read from the intake's ``from`` and ``to``."""

    weekday: int
    start: str
    end: str

    @property
    def start_minute(self) -> int:
        return parse_clock(self.start)

    @property
    def end_minute(self) -> int:
        return parse_clock(self.end)


@dataclass(frozen=True)
class Therapist:
    """One roster entry. ``fee`` and ``sliding_scale_min`` are per session in the clinic's
    currency; ``capacity`` is the number of open places; ``slots`` are the free standing slots."""

    id: str
    profession: str
    styles: tuple[str, ...]
    approaches: tuple[str, ...]
    concerns: tuple[str, ...]
    languages: tuple[str, ...]
    formats: tuple[str, ...]
    city: str
    fee: float
    sliding_scale_min: float | None
    gender: str
    slots: tuple[Slot, ...]
    capacity: int
    accepting: bool


@dataclass(frozen=True)
class Intake:
    """One client's intake. ``format`` is ``online``, ``in_person`` or ``either``; ``max_fee``
    is the most they can pay per session; ``exclude`` lists therapist ids never to propose."""

    id: str
    concerns: tuple[str, ...]
    languages: tuple[str, ...]
    format: str
    city: str
    max_fee: float
    times: tuple[TimeWindow, ...]
    styles: tuple[str, ...]
    professions: tuple[str, ...]
    therapist_gender: str | None
    exclude: tuple[str, ...]
    phq9: int | None
    gad7: int | None


@dataclass(frozen=True)
class Outcome:
    """One finished case: a client's score on ``instrument`` at intake (``before``) and at the
    end (``after``), treated by ``therapist`` for ``concern``."""

    therapist: str
    concern: str
    instrument: str
    before: float
    after: float


# --- reading ---------------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


class _Record:
    """One JSON object being read; every error names ``label`` and the field."""

    def __init__(self, data: object, label: str) -> None:
        self.label = label
        if not isinstance(data, Mapping):
            raise RecordError(f"{label}: must be an object, got {_kind(data)}")
        self.data: Mapping[object, object] = data

    def error(self, field: str, problem: str) -> RecordError:
        return RecordError(f"{self.label}.{field}: {problem}")

    def raw(self, field: str) -> object:
        if field not in self.data:
            raise self.error(field, "required")
        return self.data[field]

    def text(self, field: str, *, blank: bool = False) -> str:
        value = self.raw(field)
        if not isinstance(value, str):
            raise self.error(field, f"must be a string, got {_kind(value)}")
        if not blank and not value.strip():
            raise self.error(field, "must not be empty")
        return value

    def number(self, field: str) -> float:
        value = self.raw(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, f"must be a number, got {_kind(value)}")
        if not math.isfinite(value):
            raise self.error(field, "must be a finite number")
        return float(value)

    def money(self, field: str) -> float:
        value = self.number(field)
        if value < 0:
            raise self.error(field, "must be 0 or more")
        return value

    def integer(self, field: str, low: int, high: int | None) -> int:
        value = self.raw(field)
        # JSON Schema counts 3.0 as an integer; so do we.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            got = repr(value) if isinstance(value, float) else _kind(value)
            raise self.error(field, f"must be a whole number, got {got}")
        if value < low or (high is not None and value > high):
            span = f"{low} or more" if high is None else f"from {low} to {high}"
            raise self.error(field, f"must be {span}, got {value}")
        return value

    def optional_integer(self, field: str, low: int, high: int) -> int | None:
        return None if self.raw(field) is None else self.integer(field, low, high)

    def flag(self, field: str) -> bool:
        value = self.raw(field)
        if not isinstance(value, bool):
            raise self.error(field, f"must be true or false, got {_kind(value)}")
        return value

    def items(self, field: str) -> list[object]:
        value = self.raw(field)
        if not isinstance(value, list):
            raise self.error(field, f"must be a list, got {_kind(value)}")
        return value

    def codes(
        self, field: str, allowed: Mapping[str, str], what: str, *, required: bool = False
    ) -> tuple[str, ...]:
        values = self.items(field)
        for index, value in enumerate(values):
            if not isinstance(value, str) or value not in allowed:
                raise self.error(f"{field}[{index}]", f"unknown {what} {value!r}")
        return self._distinct(field, tuple(str(v) for v in values), required=required)

    def languages(self, field: str) -> tuple[str, ...]:
        values = self.items(field)
        for index, value in enumerate(values):
            if not isinstance(value, str) or not _LANGUAGE.match(value):
                raise self.error(
                    f"{field}[{index}]",
                    f"{value!r} is not a lower-case two-letter ISO 639-1 language code",
                )
        return self._distinct(field, tuple(str(v) for v in values), required=True)

    def _distinct(self, field: str, values: tuple[str, ...], *, required: bool) -> tuple[str, ...]:
        if required and not values:
            raise self.error(field, "must list at least one")
        for index, value in enumerate(values):
            if value in values[:index]:
                raise self.error(f"{field}[{index}]", f"{value!r} is listed twice")
        return values

    def code(self, field: str, allowed: Mapping[str, str] | tuple[str, ...], what: str) -> str:
        value = self.raw(field)
        if not isinstance(value, str) or value not in allowed:
            choices = ", ".join(allowed)
            raise self.error(field, f"unknown {what} {value!r} (one of: {choices})")
        return value

    def clock(self, field: str, *, midnight: bool = False) -> str:
        value = self.text(field)
        ok = _CLOCK.match(value) is not None or (midnight and value == "24:00")
        if not ok:
            upper = "24:00" if midnight else "23:59"
            raise self.error(field, f"{value!r} is not a time HH:MM from 00:00 to {upper}")
        return value


def _label(source: str, index: int | None, data: object) -> str:
    where = source if index is None else f"{source}[{index}]"
    if isinstance(data, Mapping) and isinstance(data.get("id"), str) and data["id"].strip():
        return f"{where} (id {data['id']!r})"
    return where


def _array(data: object, source: str, what: str) -> list[object]:
    if not isinstance(data, list):
        raise RecordError(f"{source}: must be a JSON array of {what}, got {_kind(data)}")
    return data


def _unique_ids(records: Sequence[Therapist | Intake], source: str) -> None:
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            raise RecordError(
                f"{source}[{index}] (id {record.id!r}).id: duplicate of {source}[{seen[record.id]}]"
            )
        seen[record.id] = index


# --- roster ----------------------------------------------------------------------------------


def _slot(data: object, label: str) -> Slot:
    record = _Record(data, label)
    weekday = record.integer("weekday", 0, 6)
    start = record.clock("start")
    minutes = record.integer("minutes", MIN_SLOT_MINUTES, MAX_SLOT_MINUTES)
    if parse_clock(start) + minutes > MINUTES_PER_DAY:
        raise record.error("minutes", f"a {minutes}-minute slot at {start} runs past midnight")
    return Slot(weekday, start, minutes)


def _slots(record: _Record) -> tuple[Slot, ...]:
    slots = tuple(
        _slot(value, f"{record.label}.slots[{index}]")
        for index, value in enumerate(record.items("slots"))
    )
    for index, slot in enumerate(slots):
        for earlier in slots[:index]:
            if (earlier.weekday, earlier.start) == (slot.weekday, slot.start):
                raise record.error(f"slots[{index}]", "the same weekday and start is listed twice")
    return slots


def _therapist(data: object, label: str) -> Therapist:
    record = _Record(data, label)
    therapist_id = record.text("id")
    formats = record.codes("formats", FORMATS, "format", required=True)
    city = record.text("city", blank=True)
    if "in_person" in formats and not city.strip():
        raise record.error("city", "required when the therapist sees clients in person")
    fee = record.money("fee")
    sliding = None if record.raw("sliding_scale_min") is None else record.money("sliding_scale_min")
    if sliding is not None and sliding > fee:
        raise record.error("sliding_scale_min", f"{sliding:g} is above the fee {fee:g}")
    return Therapist(
        id=therapist_id,
        profession=record.code("profession", PROFESSIONS, "profession"),
        styles=record.codes("styles", ALLIANCE_STYLES, "style"),
        approaches=record.codes("approaches", APPROACHES, "approach"),
        concerns=record.codes("concerns", CONCERNS, "concern"),
        languages=record.languages("languages"),
        formats=formats,
        city=city,
        fee=fee,
        sliding_scale_min=sliding,
        gender=record.code("gender", GENDERS, "gender"),
        slots=_slots(record),
        capacity=record.integer("capacity", 0, None),
        accepting=record.flag("accepting"),
    )


def parse_roster(data: object, source: str = "roster") -> tuple[Therapist, ...]:
    """Parse a roster (a JSON array of therapists, ``docs/formats.md``), in file order.

    Raises :class:`RecordError` naming the record and field for: a missing or mistyped field;
    an unknown profession, style, approach, concern, format or gender code; a language that is
    not a lower-case two-letter code; a code listed twice; a negative fee; a sliding-scale
    minimum above the fee; in person without a city; a slot weekday outside 0-6, start outside
    00:00-23:59, length outside 15-180 minutes or running past midnight; a slot listed twice;
    negative capacity; a duplicate therapist id.
    """
    values = _array(data, source, "therapists")
    roster = tuple(
        _therapist(value, _label(source, index, value)) for index, value in enumerate(values)
    )
    _unique_ids(roster, source)
    return roster


# --- intake and waitlist ---------------------------------------------------------------------


def _window(data: object, label: str) -> TimeWindow:
    record = _Record(data, label)
    weekday = record.integer("weekday", 0, 6)
    start = record.clock("from")
    end = record.clock("to", midnight=True)
    if parse_clock(end) <= parse_clock(start):
        raise record.error("to", f"{end} must be later than from ({start}) on the same day")
    return TimeWindow(weekday, start, end)


def _intake(data: object, label: str) -> Intake:
    record = _Record(data, label)
    intake_id = record.text("id")
    form = record.code("format", INTAKE_FORMATS, "format")
    city = record.text("city", blank=True)
    if form == "in_person" and not city.strip():
        raise record.error("city", "required for in-person sessions")
    exclude = record.items("exclude")
    for index, value in enumerate(exclude):
        if not isinstance(value, str) or not value.strip():
            raise record.error(f"exclude[{index}]", "must be a therapist id (a non-empty string)")
    gender = record.raw("therapist_gender")
    return Intake(
        id=intake_id,
        concerns=record.codes("concerns", CONCERNS, "concern"),
        languages=record.languages("languages"),
        format=form,
        city=city,
        max_fee=record.money("max_fee"),
        times=tuple(
            _window(value, f"{label}.times[{index}]")
            for index, value in enumerate(record.items("times"))
        ),
        styles=record.codes("styles", ALLIANCE_STYLES, "style"),
        professions=record.codes("professions", PROFESSIONS, "profession"),
        therapist_gender=None
        if gender is None
        else record.code("therapist_gender", GENDERS, "gender"),
        exclude=tuple(str(value) for value in exclude),
        phq9=record.optional_integer("phq9", 0, PHQ9_MAX),
        gad7=record.optional_integer("gad7", 0, GAD7_MAX),
    )


def parse_intake(data: object, source: str = "intake") -> Intake:
    """Parse one intake object (``docs/formats.md``).

    Raises :class:`RecordError` naming the field for: a missing or mistyped field; an unknown
    concern, style, profession, format or gender code; a bad language code; a code listed
    twice; a negative ``max_fee``; in person without a city; a time window whose weekday is
    outside 0-6 or whose ``to`` is not after ``from``; PHQ-9 outside 0-27 or GAD-7 outside 0-21.
    An intake that no therapist can meet is valid: matching returns no one, with the reasons.
    """
    return _intake(data, _label(source, None, data))


def parse_waitlist(data: object, source: str = "waitlist") -> tuple[Intake, ...]:
    """Parse a waitlist (a JSON array of intakes), in file order; duplicate ids are an error."""
    values = _array(data, source, "intakes")
    waitlist = tuple(
        _intake(value, _label(source, index, value)) for index, value in enumerate(values)
    )
    _unique_ids(waitlist, source)
    return waitlist


# --- outcomes --------------------------------------------------------------------------------


def _outcome(data: object, label: str) -> Outcome:
    record = _Record(data, label)
    return Outcome(
        therapist=record.text("therapist"),
        concern=record.code("concern", CONCERNS, "concern"),
        instrument=record.text("instrument"),
        before=record.number("before"),
        after=record.number("after"),
    )


def parse_outcomes(data: object, source: str = "outcomes") -> tuple[Outcome, ...]:
    """Parse outcomes (a JSON array of finished cases, ``docs/formats.md``), in file order.

    ``before`` and ``after`` are totals on ``instrument`` (e.g. ``phq-9``) at intake and at the
    end; any finite numbers. Raises :class:`RecordError` for a missing or mistyped field or an
    unknown concern.
    """
    values = _array(data, source, "outcomes")
    return tuple(_outcome(value, f"{source}[{index}]") for index, value in enumerate(values))
