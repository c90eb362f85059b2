"""Hard constraints: the rules a proposed therapist never breaks (issue 4, exactly).

- **Language**: therapist and client share at least one language.
- **Format**: ``online`` needs a therapist who offers online sessions; ``in_person`` needs one
  who sees clients in person in the client's city (compared case-insensitively, ignoring
  surrounding spaces); ``either`` accepts online, or in person in the client's city.
- **Fee**: ``fee <= max_fee``, or ``sliding_scale_min <= max_fee``.
- **Time**: at least one free standing slot inside one of the client's time windows: on the same
  weekday, starting at or after ``from`` and ending at or before ``to``.
- **Capacity** above 0, **accepting** new clients, and **not excluded** by the client.

These functions check one pair in plain Python and give the reasons in plain language; the
ranker evaluates the same rules vectorised over the whole roster, and the tests hold the two to
the same answer. This module also holds the plain-language wording shared with the ranker.
"""

from __future__ import annotations

from collections.abc import Iterable

from alliance.core.matching.records import Intake, Slot, Therapist
from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    CONCERNS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
    WEEKDAYS,
)


def city_key(city: str) -> str:
    """The form in which cities are compared: case-folded, surrounding spaces removed."""
    return city.strip().casefold()


Window = tuple[int, int, int]  # (weekday, from, to), minutes after midnight


def window_minutes(intake: Intake) -> list[Window]:
    """The client's time windows as (weekday, from, to) in minutes after midnight."""
    return [(w.weekday, w.start_minute, w.end_minute) for w in intake.times]


def margin_in(slot: Slot, windows: Iterable[Window]) -> int:
    """How far inside the windows a slot sits, in minutes: the smaller of (start - ``from``)
    and (``to`` - end), best over the windows it fits; -1 when it fits none.

    A slot fits a window when it is on the same weekday, starts at or after ``from`` and ends
    at or before ``to``.
    """
    start, end = slot.start_minute, slot.end_minute
    best = -1
    for weekday, low, high in windows:
        if weekday == slot.weekday and low <= start and end <= high:
            best = max(best, min(start - low, high - end))
    return best


def slot_margin(slot: Slot, intake: Intake) -> int:
    """:func:`margin_in` for the intake's windows."""
    return margin_in(slot, window_minutes(intake))


def fitting_slots(therapist: Therapist, intake: Intake) -> tuple[Slot, ...]:
    """The therapist's free slots that fit inside one of the client's time windows (same
    weekday, starting at or after ``from``, ending at or before ``to``), in roster order."""
    windows = window_minutes(intake)
    return tuple(slot for slot in therapist.slots if margin_in(slot, windows) >= 0)


def fee_fits(therapist: Therapist, intake: Intake) -> bool:
    """``fee <= max_fee`` or ``sliding_scale_min <= max_fee``."""
    sliding = therapist.sliding_scale_min
    return therapist.fee <= intake.max_fee or (sliding is not None and sliding <= intake.max_fee)


def offers_online(therapist: Therapist, intake: Intake) -> bool:
    return intake.format in ("online", "either") and "online" in therapist.formats


def offers_in_person(therapist: Therapist, intake: Intake) -> bool:
    """In person in the client's city, when the client accepts in person."""
    return (
        intake.format in ("in_person", "either")
        and "in_person" in therapist.formats
        and bool(city_key(intake.city))
        and city_key(therapist.city) == city_key(intake.city)
    )


def check_hard_constraints(therapist: Therapist, intake: Intake) -> tuple[str, ...]:
    """The hard constraints the pair fails, as plain-language reasons; ``()`` when all pass.

    Reasons come in a fixed order: exclusion, accepting, capacity, language, format, fee, time.
    """
    reasons: list[str] = []
    if therapist.id in intake.exclude:
        reasons.append("you asked not to be matched with this therapist")
    if not therapist.accepting:
        reasons.append("not accepting new clients")
    if therapist.capacity <= 0:
        reasons.append("no open places")
    if not set(therapist.languages) & set(intake.languages):
        reasons.append("no shared language")
    if not (offers_online(therapist, intake) or offers_in_person(therapist, intake)):
        reasons.append(describe_format_failure(therapist, intake))
    if not fee_fits(therapist, intake):
        reasons.append(describe_fee_failure(therapist, intake))
    if not fitting_slots(therapist, intake):
        reasons.append("no free slot inside your available times")
    return tuple(reasons)


# --- wording ---------------------------------------------------------------------------------


def format_money(amount: float) -> str:
    """``2500`` for whole amounts, ``2499.50`` otherwise."""
    return f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"


def join_words(words: Iterable[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def concern_words(code: str) -> str:
    """``anxiety and worry`` for ``anxiety``."""
    return _lower_first(CONCERNS.get(code, code.replace("_", " ")))


def style_words(code: str) -> str:
    """``non-directive`` for ``non_directive``."""
    return _lower_first(ALLIANCE_STYLES.get(code, code.replace("_", " ")))


def profession_words(code: str) -> str:
    """``a counselling psychologist`` for ``counselling_psychologist``."""
    name = _lower_first(PROFESSIONS.get(code, code.replace("_", " ")))
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def gender_words(code: str) -> str:
    """``a woman``, ``a man``, ``non-binary``."""
    label = _lower_first(GENDERS.get(code, code.replace("_", " ")))
    return label if code == "non_binary" else f"a {label}"


def language_name(code: str) -> str:
    """The vocabulary's name for a language code, or the code itself."""
    return LANGUAGES.get(code, code)


def slot_words(slot: Slot) -> str:
    """``Thursday 18:00``."""
    return f"{WEEKDAYS[slot.weekday]} {slot.start}"


def describe_fee_failure(therapist: Therapist, intake: Intake) -> str:
    limit = format_money(intake.max_fee)
    if therapist.sliding_scale_min is None:
        return f"fee {format_money(therapist.fee)} is above your maximum {limit}"
    return (
        f"fee {format_money(therapist.fee)} (sliding scale from "
        f"{format_money(therapist.sliding_scale_min)}) is above your maximum {limit}"
    )


def describe_format_failure(therapist: Therapist, intake: Intake) -> str:
    """Why no session format fits (call only when none does)."""
    where = therapist.city.strip()
    in_person = "in_person" in therapist.formats
    if intake.format == "online":
        return "does not offer online sessions"
    if not in_person:
        # in_person wanted, or "either" from a therapist with no format at all (the parser
        # forbids that; a hand-built record may not).
        return "does not offer in-person sessions"
    if intake.format == "in_person":
        return f"sees clients in person only in {where}"
    return f"does not offer online sessions and sees clients in person only in {where}"
