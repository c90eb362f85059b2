"""Which measures are due at a session: the measurement schedule.

Each instrument has one rule, counted either in sessions (e.g. the Alliance Check-in every
session, WAI-SR at session 3 and every 4th after) or in days (e.g. CORE-10 every 28 days). The
clinic stores a schedule as JSON (:func:`parse_schedule`); an episode may override rules or drop
instruments (:func:`merge_schedule`). Whether an instrument may be shown at all (its licence,
docs/instruments.md) is decided elsewhere; nothing here reads the clock: ``today`` is a
parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from alliance.core.errors import InvalidInput


class InvalidSchedule(InvalidInput):
    """A schedule rule or a stored schedule that cannot be used."""

    code = "invalid_schedule"


def _check_rule(rule: ScheduleRule) -> None:
    name = rule.instrument
    if not isinstance(name, str) or not name.strip():
        raise InvalidSchedule("an instrument id must not be empty", code="invalid_entry")
    if (rule.every_sessions is None) == (rule.every_days is None):
        raise InvalidSchedule(
            f"{name}: set exactly one of every_sessions and every_days", code="invalid_interval"
        )
    for key in ("every_sessions", "first_session", "every_days"):
        value = getattr(rule, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidSchedule(f"{name}: {key} must be a whole number", code="invalid_entry")
        if value is not None and value < 1:
            raise InvalidSchedule(
                f"{name}: {key} must be 1 or more, got {value}", code="invalid_interval"
            )


@dataclass(frozen=True)
class ScheduleRule:
    """When ``instrument`` (an instrument id, e.g. ``"phq-9"``) is due.

    Exactly one of ``every_sessions`` (due at ``first_session`` and every n-th session after) and
    ``every_days`` (due when never given or at least n days since it was last given) is set.
    Neither is due before ``first_session`` (1-based session number).
    """

    instrument: str
    every_sessions: int | None = None
    first_session: int = 1
    every_days: int | None = None

    def __post_init__(self) -> None:
        _check_rule(self)


@dataclass(frozen=True)
class Due:
    """An instrument due at this session and the rule that makes it due, in plain words."""

    instrument: str
    reason: str


# Our default, not a published protocol: alliance every session (session-by-session monitoring
# as in Falkenström et al. 2015), PHQ-9 and GAD-7 every session as in NHS Talking Therapies,
# CORE-10 monthly (past-week time frame, Barkham et al. 2013) and WAI-SR at session 3 and every
# 4th after, when the early alliance is usually measured (Crits-Christoph et al. 2011).
DEFAULT_SCHEDULE: Final[tuple[ScheduleRule, ...]] = (
    ScheduleRule("alliance-checkin-client", every_sessions=1),
    ScheduleRule("alliance-checkin-therapist", every_sessions=1),
    ScheduleRule("phq-9", every_sessions=1),
    ScheduleRule("gad-7", every_sessions=1),
    ScheduleRule("core-10", every_days=28),
    ScheduleRule("wai-sr", every_sessions=4, first_session=3),
)

_KEYS: Final = frozenset({"instrument", "every_sessions", "first_session", "every_days"})
_DAY_NAMES: Final = {7: "weekly", 28: "monthly"}


def due_measures(
    rules: Sequence[ScheduleRule],
    session_number: int,
    last_given: Mapping[str, tuple[int, dt.date]],
    today: dt.date,
) -> list[Due]:
    """The instruments due at session ``session_number`` (1-based), in the order of ``rules``.

    ``last_given`` maps an instrument id to the session number and date it was last given in
    this episode. A session rule is due when ``n >= first_session`` and
    ``(n - first_session) % every_sessions == 0``; a days rule when ``n >= first_session`` and it
    was never given or ``(today - last date).days >= every_days``. Neither is due if the
    instrument was already given at this session. A last date after ``today`` means not due.
    """
    if isinstance(session_number, bool) or session_number < 1:
        raise InvalidSchedule(
            f"session number {session_number!r} must be 1 or more", code="invalid_session"
        )
    due: list[Due] = []
    for rule in rules:
        last = last_given.get(rule.instrument)
        if session_number < rule.first_session or (last is not None and last[0] == session_number):
            continue
        if _is_due(rule, session_number, last, today):
            due.append(Due(rule.instrument, _reason(rule, last)))
    return due


def parse_schedule(data: Sequence[Mapping[str, object]]) -> tuple[ScheduleRule, ...]:
    """Rules from the JSON stored per clinic or episode: a list of objects with the keys
    ``instrument`` (required), ``every_sessions`` or ``every_days`` (exactly one) and
    ``first_session`` (optional, default 1).

    Raises :class:`InvalidSchedule` naming the entry, with code ``invalid_entry`` (not an object,
    or a value of the wrong type), ``unknown_key``, ``invalid_interval`` (both or neither of
    ``every_*``, or a number below 1) or ``duplicate_instrument``.
    """
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise InvalidSchedule("a schedule must be a list of rules", code="invalid_entry")
    rules = tuple(_parse_entry(index, entry) for index, entry in enumerate(data, start=1))
    _check_unique(rules)
    return rules


def merge_schedule(
    clinic: Sequence[ScheduleRule],
    episode_overrides: Sequence[ScheduleRule],
    removed: Sequence[str] = (),
) -> tuple[ScheduleRule, ...]:
    """The episode's schedule: the clinic's rules, each replaced in place by the episode's rule
    for the same instrument; episode rules for other instruments follow in their own order.
    Instruments in ``removed`` are dropped (removal wins over an override; a name not in either
    schedule is ignored, so a clinic may later drop an instrument an episode had removed).
    Raises :class:`InvalidSchedule` if either input names an instrument twice.
    """
    _check_unique(clinic)
    _check_unique(episode_overrides)
    overrides = {rule.instrument: rule for rule in episode_overrides}
    clinic_ids = {rule.instrument for rule in clinic}
    merged = [overrides.get(rule.instrument, rule) for rule in clinic]
    merged += [rule for rule in episode_overrides if rule.instrument not in clinic_ids]
    dropped = set(removed)
    return tuple(rule for rule in merged if rule.instrument not in dropped)


def _is_due(
    rule: ScheduleRule, session_number: int, last: tuple[int, dt.date] | None, today: dt.date
) -> bool:
    if rule.every_sessions is not None:
        return (session_number - rule.first_session) % rule.every_sessions == 0
    assert rule.every_days is not None  # one of the two, checked in ScheduleRule
    return last is None or (today - last[1]).days >= rule.every_days


def _reason(rule: ScheduleRule, last: tuple[int, dt.date] | None) -> str:
    if rule.every_sessions is not None:
        return _session_reason(rule.every_sessions, rule.first_session)
    assert rule.every_days is not None
    interval = _DAY_NAMES.get(rule.every_days, f"every {rule.every_days} days")
    start = "" if rule.first_session == 1 else f" from session {rule.first_session}"
    when = "not given yet" if last is None else f"last on {last[1].isoformat()}"
    return f"{interval}{start} ({when})"


def _session_reason(every: int, first: int) -> str:
    if first == 1:
        return "every session" if every == 1 else f"every {_ordinal(every)} session"
    if every == 1:
        return f"every session from session {first}"
    return f"at session {first}, then every {_ordinal(every)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _parse_entry(index: int, entry: object) -> ScheduleRule:
    if not isinstance(entry, Mapping):
        raise InvalidSchedule(f"schedule rule {index} is not an object", code="invalid_entry")
    unknown = sorted(str(key) for key in entry if key not in _KEYS)
    if unknown:
        raise InvalidSchedule(
            f"schedule rule {index}: unknown key(s) {', '.join(unknown)}", code="unknown_key"
        )
    instrument = entry.get("instrument")
    if not isinstance(instrument, str):
        raise InvalidSchedule(
            f"schedule rule {index}: instrument must be a string, got {instrument!r}",
            code="invalid_entry",
        )
    try:
        first_session = _whole_or_none(entry, "first_session")
        return ScheduleRule(
            instrument=instrument,
            every_sessions=_whole_or_none(entry, "every_sessions"),
            first_session=1 if first_session is None else first_session,
            every_days=_whole_or_none(entry, "every_days"),
        )
    except InvalidSchedule as error:
        raise InvalidSchedule(f"schedule rule {index}: {error.detail}", code=error.code) from None


def _whole_or_none(entry: Mapping[str, object], key: str) -> int | None:
    """The value as stored; range checks are :class:`ScheduleRule`'s (0 must not become 1)."""
    value = entry.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise InvalidSchedule(f"{key} must be a whole number, got {value!r}", code="invalid_entry")


def _check_unique(rules: Sequence[ScheduleRule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.instrument in seen:
            raise InvalidSchedule(
                f"{rule.instrument} has more than one schedule rule", code="duplicate_instrument"
            )
        seen.add(rule.instrument)
