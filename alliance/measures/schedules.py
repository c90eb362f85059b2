"""The measurement schedule of a clinic and of an episode, and what is due at this session.

A clinic stores its rules in ``Clinic.measurement_schedule`` (empty: Alliance's
:data:`~core.monitoring.schedule.DEFAULT_SCHEDULE`); an episode may replace or drop rules
(:class:`measures.models.EpisodeSchedule`, merged with ``merge_schedule``). The rules themselves
are the pure functions of ``core.monitoring.schedule``.

Session numbers. The current session is the number of sessions held (care ``Session`` with
status held) plus one, with one exception: on the local day of a held session, that session is
the current one, so answers given that day, before or after it, belong to it and the check-in
is not asked for twice. An earlier answer belongs to the session held on its day, or else to
the next session after the ones held before it. Without any session recorded as held, every
answer belongs to session 1. Each response stores this same number (``session_of``, in
measures.actions), so responses, schedules, fit reviews and the pairing of client and
therapist check-ins agree. Known limit: a check-in given the day after its session counts for
the next session. Local days are in the active time zone (the viewer's).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.care.models import Episode, Session, SessionStatus
from alliance.core.errors import NotFound, PermissionDenied
from alliance.core.measures import Instrument
from alliance.core.measures.definitions import Respondent
from alliance.core.monitoring.schedule import (
    DEFAULT_SCHEDULE,
    ScheduleRule,
    due_measures,
    merge_schedule,
    parse_schedule,
)
from alliance.measures import registry
from alliance.measures.charts import short_name
from alliance.measures.models import EpisodeSchedule, Response


@dataclass(frozen=True)
class Showable:
    """An instrument (with any imported wording) and whether its form may be shown."""

    instrument: Instrument
    allowed: bool
    reason: str


@dataclass(frozen=True)
class DueMeasure:
    instrument: Instrument
    reason: str

    @property
    def name(self) -> str:
        """Short enough for a list ("PHQ-9", "Alliance Check-in")."""
        return short_name(self.instrument)


@dataclass(frozen=True)
class DueNow:
    """What is due at ``session_number``: for the client, for the therapist, and the
    instruments the schedule names that cannot be given (licence), each with a sentence why."""

    session_number: int
    client: tuple[DueMeasure, ...]
    therapist: tuple[DueMeasure, ...]
    skipped: tuple[str, ...]

    @property
    def everything(self) -> tuple[DueMeasure, ...]:
        return self.client + self.therapist


def load_instruments() -> dict[str, Showable]:
    """Every installed instrument with its imported wording applied (cached by the registry)."""
    found: dict[str, Showable] = {}
    for instrument_id in registry.loaded_ids():
        instrument = registry.get_instrument(instrument_id)
        allowed, reason = registry.can_show_to_respondents(instrument)
        found[instrument_id] = Showable(instrument, allowed, reason)
    return found


def clinic_rules(clinic: Clinic) -> tuple[ScheduleRule, ...]:
    """The clinic's rules, or Alliance's default when it has set none."""
    stored = clinic.measurement_schedule
    return parse_schedule(stored) if stored else DEFAULT_SCHEDULE


def episode_rules(
    clinic: tuple[ScheduleRule, ...], override: EpisodeSchedule | None
) -> tuple[ScheduleRule, ...]:
    """The clinic's rules with the episode's changes merged in."""
    if override is None:
        return clinic
    return merge_schedule(clinic, parse_schedule(override.overrides), override.removed)


def rule_to_json(rule: ScheduleRule) -> dict[str, object]:
    """A rule as stored: the inverse of ``parse_schedule`` for one entry."""
    data: dict[str, object] = {"instrument": rule.instrument}
    if rule.every_sessions is not None:
        data["every_sessions"] = rule.every_sessions
    else:
        data["every_days"] = rule.every_days
    if rule.first_session != 1:
        data["first_session"] = rule.first_session
    return data


def describe_rule(rule: ScheduleRule | None) -> str:
    """How often, in a few words ("every session", "every 28 days from session 2")."""
    if rule is None:
        return "not used"
    start = "" if rule.first_session == 1 else f" from session {rule.first_session}"
    if rule.every_sessions is not None:
        every = rule.every_sessions
        return ("every session" if every == 1 else f"every {every} sessions") + start
    return f"every {rule.every_days} days{start}"


def session_of(day: dt.date, held_days: Sequence[dt.date]) -> int:
    """The session an answer on ``day`` belongs to (``held_days`` sorted; module docstring)."""
    before = bisect_left(held_days, day)
    through = bisect_right(held_days, day)
    return through if through > before else before + 1


def compute_due(
    rules: Sequence[ScheduleRule],
    held_days: Sequence[dt.date],
    last_days: Mapping[str, dt.date],
    today: dt.date,
    instruments: Mapping[str, Showable],
) -> DueNow:
    """What the rules make due today. ``last_days`` maps an instrument id to the local date
    it was last given in the episode; instruments that cannot be shown are skipped, with a
    sentence in ``skipped``."""
    number = session_of(today, held_days)
    last_given = {key: (session_of(day, held_days), day) for key, day in last_days.items()}
    client: list[DueMeasure] = []
    therapist: list[DueMeasure] = []
    skipped: list[str] = []
    for due in due_measures(rules, number, last_given, today):
        shown = instruments.get(due.instrument)
        if shown is None:
            skipped.append(f"{due.instrument} is in the schedule but is not installed.")
        elif not shown.allowed:
            skipped.append(f"Left out although due ({due.reason}): {shown.reason}")
        elif shown.instrument.respondent is Respondent.CLIENT:
            client.append(DueMeasure(shown.instrument, due.reason))
        else:
            therapist.append(DueMeasure(shown.instrument, due.reason))
    return DueNow(number, tuple(client), tuple(therapist), tuple(skipped))


def load_due(episodes: Sequence[Episode], now: dt.datetime) -> dict[int, DueNow]:
    """What is due now in each episode, in a fixed number of queries (the caseload page asks
    for sixty at once). Each episode's ``clinic`` should be loaded with it."""
    ids = [episode.pk for episode in episodes]
    held: dict[int, list[dt.date]] = defaultdict(list)
    sessions = Session.objects.filter(episode_id__in=ids, status=SessionStatus.HELD)
    for episode_id, starts_at in sessions.values_list("episode_id", "starts_at"):
        held[episode_id].append(timezone.localdate(starts_at))
    last: dict[int, dict[str, dt.date]] = defaultdict(dict)
    latest = (
        Response.objects.filter(episode_id__in=ids)
        .values("episode_id", "instrument")
        .annotate(at=Max("administered_at"))
        .values_list("episode_id", "instrument", "at")
    )
    for episode_id, instrument_id, at in latest:
        last[episode_id][instrument_id] = timezone.localdate(at)
    overrides = {s.episode_id: s for s in EpisodeSchedule.objects.filter(episode_id__in=ids)}
    instruments = load_instruments()
    today = timezone.localdate(now)
    by_clinic: dict[int, tuple[ScheduleRule, ...]] = {}
    due: dict[int, DueNow] = {}
    for episode in episodes:
        if episode.clinic_id not in by_clinic:
            by_clinic[episode.clinic_id] = clinic_rules(episode.clinic)
        rules = episode_rules(by_clinic[episode.clinic_id], overrides.get(episode.pk))
        days = sorted(held[episode.pk])
        due[episode.pk] = compute_due(rules, days, last[episode.pk], today, instruments)
    return due


def load_due_one(episode: Episode, now: dt.datetime) -> DueNow:
    return load_due([episode], now)[episode.pk]


def get_clinic_for_staff(viewer: User) -> Clinic:
    """The clinic whose schedule a staff member sets: their own."""
    if not viewer.is_clinic_staff:
        raise PermissionDenied("Only clinic staff set the clinic's schedule.")
    if viewer.clinic is None:
        raise NotFound("No clinic.")
    return viewer.clinic
