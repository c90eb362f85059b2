"""Months of plausible session-by-session history for every demo client (pure Python).

Each client gets one episode with a therapist who can actually see them, weekly sessions on the
therapist's standing weekday up to ``today``, and at every held session the measures Alliance
administers: both Alliance Check-ins, PHQ-9, GAD-7 and, every fourth session, CORE-10.

Behind the answers sits a small latent model whose numbers come from published sources (cited
below; full references in docs/reference/sources.md) or are marked "our assumption"; docs/demo.md,
"Session history", lists every parameter with its source. No I/O, no clock, no
Django: the caller passes the parsed instruments and ``today``.

Randomness: each client draws from ``random.Random(f"{seed}:history:{client.key}")`` and each
therapist from ``random.Random(f"{seed}:history:therapist:{therapist.key}")``, so adding clients
never changes the history of the clients before them.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from statistics import NormalDist
from typing import Final, TypeVar

from alliance.core.measures.definitions import AnswerKind, Instrument, Item
from alliance.demo.generator.clinic import DemoClient, DemoClinic, DemoTherapist, Slot

_K = TypeVar("_K")
_Remark = Callable[[random.Random, int], str]

PHQ9: Final = "phq-9"
GAD7: Final = "gad-7"
CORE10: Final = "core-10"
CHECKIN_CLIENT: Final = "alliance-checkin-client"
CHECKIN_THERAPIST: Final = "alliance-checkin-therapist"
REQUIRED_INSTRUMENTS: Final = (CHECKIN_CLIENT, CHECKIN_THERAPIST, PHQ9, GAD7, CORE10)


class SessionStatus(StrEnum):
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED_LATE = "cancelled_late"  # cancelled too late to offer the slot to someone else
    CANCELLED = "cancelled"  # cancelled with notice


class EpisodeState(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class EndReason(StrEnum):
    NONE = ""  # the episode is still active
    DROPOUT = "dropout"  # the client stopped coming, unplanned
    PLANNED_ENDING = "planned_ending"  # agreed ending: improved, or the course limit reached


HELD: Final = SessionStatus.HELD
NO_SHOW: Final = SessionStatus.NO_SHOW
CANCELLED_LATE: Final = SessionStatus.CANCELLED_LATE
CANCELLED: Final = SessionStatus.CANCELLED

# --- outcome model (docs/demo.md "Session history" lists each with its source) ------------------
# Intake mean and SD: PHQ-9 and GAD-7 national means at caseness (NHS Talking Therapies annual
# report 2022-23, secondary); CORE-10 primary-care counselling norms (Connell & Barkham 2007).
_INTAKE: Final[dict[str, tuple[float, float]]] = {
    PHQ9: (15.4, 5.5),
    GAD7: (14.0, 4.5),
    CORE10: (19.7, 7.7),
}
_TOP: Final[dict[str, int]] = {PHQ9: 27, GAD7: 21, CORE10: 40}  # highest totals
_SEVERITY_SHARED: Final = 0.7  # share of intake variance common to all three (our assumption)
_CONCERN_BUMP: Final = 0.2  # intake SDs added when the concern matches the measure (assumption)
# Session noise = standard error of measurement SD·√(1 - alpha) (Jacobson & Truax 1991): alpha
# .89 for PHQ-9 (Kroenke et al. 2001), .90 for CORE-10 (Connell & Barkham 2007); .90 for GAD-7
# is our assumption.
_NOISE: Final[dict[str, float]] = {
    PHQ9: 5.5 * math.sqrt(1 - 0.89),
    GAD7: 4.5 * math.sqrt(1 - 0.90),
    CORE10: 7.7 * math.sqrt(1 - 0.90),
}
# Log-linear expected response y_t = y_1·(1 - f·ln t / ln T) (after Finch, Lambert & Schaalje
# 2001). Mean f = 0.39: the national PHQ-9 mean falls 15.4 → 9.4 (NHS Talking Therapies annual
# report 2022-23). T = 8 sessions and the SD of f are our assumptions.
_IMPROVEMENT_MEAN: Final = 0.39
_IMPROVEMENT_SD: Final = 0.30
_REFERENCE_SESSION: Final = 8
_INSTRUMENT_IMPROVEMENT_SD: Final = 0.08  # GAD-7/CORE-10 improve like PHQ-9, give or take
# The observed r (mean check-in vs PHQ-9 change) is diluted by measurement noise, the 0-16
# ceiling and unequal course lengths, and raised by _ALLIANCE_FOLLOWS_CHANGE; the latent r is
# the target times this factor. Calibrated on seeds 1-40 of the default clinic: observed r
# mean .30, SD .07 for a target of .28 (seed 7: .24).
_ALLIANCE_R_INFLATION: Final = 1.05

# --- alliance model ----------------------------------------------------------------------------
_CLIENT_ALLIANCE: Final = (12.0, 2.0)  # check-in total 0-16: mean and SD between clients
_THERAPIST_ALLIANCE: Final = 11.0  # therapists rate a little lower than clients (assumption)
_THERAPIST_TRACKS_CLIENT: Final = 0.6
_THERAPIST_LENIENCY_SD: Final = 1.0
_ALLIANCE_GROWTH: Final = 0.4  # total points per ln(session): alliance firms up a little
# Late alliance partly reflects symptom change so far (Crits-Christoph et al. 2011):
# check-in points per intake SD of PHQ-9 improvement (size is our assumption).
_ALLIANCE_FOLLOWS_CHANGE: Final = 0.4
_DRIFT_KEEP, _DRIFT_SD = 0.7, 0.7  # AR(1) drift of the session level
_SESSION_SD: Final = 0.8
# Ruptures: Stevens et al. 2007 saw rupture-repair patterns in 50% of cases; a 5% chance per
# session gives about that over a course of 12-15 sessions. V-shaped dips are the most frequent
# (Gumz et al. 2012); repair within 1-3 sessions (our assumption).
_RUPTURE_RATE: Final = 0.05
_RUPTURE_DEPTH: Final = (3.0, 6.0)
# "High then falling" goes with dropout (SRS practice reports, secondary): the last session
# before a dropout (from the third on) loses this many check-in points.
_DROPOUT_FALL: Final = (1.0, 3.0)

# --- attendance and endings --------------------------------------------------------------------
# Sharf, Primavera & Diener 2010: weaker alliance predicts dropout, d = .55.
_DROPOUT_ALLIANCE_D: Final = 0.55
_DROPOUT_AFTER: Final[dict[int, float]] = {1: 30, 2: 25, 3: 20, 4: 15, 5: 10}  # held sessions
_DROPOUT_MISSED: Final[dict[int, float]] = {1: 50, 2: 35, 3: 15}  # missed before the clinic
_DROPOUT_NOTICED_DAYS: Final = 14  # ... closes the episode this long after the last miss
# Share of scheduled sessions (after the first) that are not held: our assumption; late
# cancellations and missed sessions are candidate rupture signals (Alliance's own, untested).
_MISSED: Final[dict[SessionStatus, float]] = {CANCELLED: 0.05, CANCELLED_LATE: 0.03, NO_SHOW: 0.03}
_DROPOUT_MISS_FACTOR: Final = 2.5
_MIN_SESSIONS_BEFORE_ENDING: Final = 6
_CONSOLIDATION: Final = (1, 3)  # extra sessions after the client is judged improved
_MAX_SESSIONS: Final = (16, 24)  # reviewed and ended at this many held sessions
# Caseness and reliable improvement (NHS Talking Therapies manual).
_CASENESS: Final[dict[str, float]] = {PHQ9: 10, GAD7: 8}
_RELIABLE: Final[dict[str, float]] = {PHQ9: 6, GAD7: 4}

# --- risk items --------------------------------------------------------------------------------
_RISK_SEVERITY_SLOPE: Final = 0.8  # log-odds-like slope per SD of current PHQ-9 (assumption)
_RISK_CLIENT_SD: Final = 1.0  # some clients report it repeatedly, most never
_PHQ9_ALL_SESSIONS: Final = (12.0, 5.5)  # PHQ-9 mean/SD over all sessions, for centring
_CORE10_PLANS_GIVEN_THOUGHTS: Final = 0.3  # plans (CORE-10 item 6) are rarer than thoughts

_CLIENT_COMMENTS_LOW: Final = (
    "I felt rushed at the end.",
    "We didn't get to what I came in wanting to talk about.",
    "I'm not sure the exercises are helping me.",
    "It felt like we went over the same ground again.",
    "I found it hard to say what I really meant today.",
    "It was hard to talk freely today.",
    "We started late and I felt the lost time.",
    "I'm not sure what we're working towards at the moment.",
)
_CLIENT_COMMENTS_OK: Final = (
    "Helpful, thank you.",
    "Good to talk the week through.",
    "I'd like a bit more time on work next session.",
)
_THERAPIST_COMMENTS: Final = (
    "Client seemed guarded today; check in about it next time.",
    "We disagreed about the homework; revisit the plan together.",
    "I talked too much; leave more room next session.",
    "Ran over time.",
    "Goals feel unclear again; review them next session.",
)


@dataclass(frozen=True)
class HistorySettings:
    """How the history is generated. Each default and its source: docs/demo.md.

    ``seed``: any int. ``months``: the oldest episodes start up to this many months before
    ``today`` (1 or more). ``dropout_rate``: chance an episode ends unplanned, 0 ≤ x < 1
    (19.7 %, Swift & Greenberg 2012); fewer have ended so on ``today``, as recent would-be
    dropouts are still attending. ``alliance_outcome_r``: the correlation of a client's mean
    check-in with their PHQ-9 change to aim for (r = .278, Flückiger et al. 2018).
    ``therapist_effect_sd``: SD of the therapists' effect on improvement, in SDs of client
    improvement; 0.224 = √0.05, therapists explain about 5 % of outcome variance (Wampold &
    Brown 2005). ``risk_item_rate``: share of PHQ-9s with item 9 above 0 to aim for (our
    assumption). ``dropout_alliance_d``: how much lower dropouts' latent alliance is, Cohen's d
    (.55, Sharf et al. 2010). ``rupture_rate``: chance per held session of an alliance rupture.
    ``waiting``: the last this many clients (in client order) get no episode: the waiting list.
    """

    seed: int = 7
    months: int = 6
    dropout_rate: float = 0.20
    alliance_outcome_r: float = 0.28
    therapist_effect_sd: float = 0.224
    risk_item_rate: float = 0.08
    dropout_alliance_d: float = _DROPOUT_ALLIANCE_D
    rupture_rate: float = _RUPTURE_RATE
    waiting: int = 0

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError("months must be at least 1")
        if self.waiting < 0:
            raise ValueError("waiting must not be negative")
        if not 0 <= self.dropout_rate < 1:
            raise ValueError("dropout_rate must be at least 0 and below 1")
        if not 0 <= self.risk_item_rate <= 0.5 or not 0 <= self.rupture_rate <= 0.5:
            raise ValueError("risk_item_rate and rupture_rate must be between 0 and 0.5")
        if self.therapist_effect_sd < 0 or self.dropout_alliance_d < 0:
            raise ValueError("therapist_effect_sd and dropout_alliance_d must not be negative")
        if self.therapist_effect_sd**2 + _latent_r(self) ** 2 >= 1:
            raise ValueError("alliance_outcome_r and therapist_effect_sd are too large together")


@dataclass(frozen=True)
class DemoResponse:
    """One completed measure: ``answers`` are (link id, raw answer) in form order."""

    instrument: str
    respondent: str
    answers: tuple[tuple[str, int | None], ...]
    comment: str = ""


@dataclass(frozen=True)
class DemoSession:
    """Scheduled session ``number`` (1-based, missed ones included); responses only if held."""

    number: int
    on: date
    status: str
    responses: tuple[DemoResponse, ...]


@dataclass(frozen=True)
class DemoEpisode:
    """One client's course with one therapist; ``state`` and ``end_reason`` hold the
    :class:`EpisodeState` and :class:`EndReason` values (``end_reason`` is "" while active)."""

    client_key: str
    therapist_key: str
    started_on: date
    state: str
    end_reason: str
    sessions: tuple[DemoSession, ...]


def generate_history(
    clinic: DemoClinic,
    instruments: Mapping[str, Instrument],
    today: date,
    settings: HistorySettings | None = None,
) -> tuple[DemoEpisode, ...]:
    """One episode per matchable client, in client order, with sessions up to ``today``.

    ``instruments`` maps instrument id to the parsed definition and must hold
    :data:`REQUIRED_INSTRUMENTS` (``ValueError`` otherwise). A client no therapist can see
    (see :func:`_can_see`) gets no episode: they are still waiting. Sessions fall on or before
    ``today``. Deterministic: equal inputs give equal output.
    """
    settings = settings or HistorySettings()
    missing = [name for name in REQUIRED_INSTRUMENTS if name not in instruments]
    if missing:
        raise ValueError(f"instruments missing: {', '.join(missing)}")
    forms = {name: instruments[name] for name in REQUIRED_INSTRUMENTS}
    effects = {t.key: _therapist_effect(settings.seed, t) for t in clinic.therapists}
    episodes = []
    waiting = {c.key for c in clinic.clients[len(clinic.clients) - settings.waiting :]}
    for client, therapist, slot in _assign(clinic):
        if settings.waiting and client.key in waiting:
            continue
        rng = random.Random(f"{settings.seed}:history:{client.key}")
        latent = _draw_latent(rng, client, effects[therapist.key], forms, settings)
        episodes.append(_episode(rng, client, therapist, slot, latent, forms, today, settings))
    return tuple(episodes)


# --- matching ----------------------------------------------------------------------------------


def _can_see(client: DemoClient, therapist: DemoTherapist) -> bool:
    """Whether ``therapist`` can take ``client``: a shared language, not excluded, and a format
    that works (in person means the same city; an online-only client needs online sessions)."""
    if not set(client.languages) & set(therapist.languages):
        return False
    if therapist.key in client.excluded_therapists:
        return False
    in_person = "in_person" in therapist.formats and therapist.city == client.city
    online = "online" in therapist.formats
    if client.format_preference == "in_person":
        return in_person
    if client.format_preference == "online":
        return online
    return in_person or online


def _assign(clinic: DemoClinic) -> list[tuple[DemoClient, DemoTherapist, Slot]]:
    """Clients in order, each to the least-loaded therapist who can see them.

    Ties go to the better fit (:func:`_fit`), then the lower key. Deterministic, and a client
    added at the end never moves an earlier one.
    """
    load = {t.key: 0 for t in clinic.therapists}
    chosen = []
    for client in clinic.clients:
        options = [t for t in clinic.therapists if _can_see(client, t)]
        if not options:
            continue
        therapist = min(options, key=lambda t: (load[t.key], -_fit(client, t), t.key))
        chosen.append((client, therapist, _slot_for(client, therapist, load[therapist.key])))
        load[therapist.key] += 1
    return chosen


def _fit(client: DemoClient, therapist: DemoTherapist) -> int:
    """A rough fit: shared concerns, affordable, preferred gender, style and profession."""
    low_fee = min(therapist.fee, therapist.sliding_scale_min or therapist.fee)
    wanted_gender = client.therapist_gender_preference
    return (
        len(set(client.concerns) & set(therapist.concerns))
        + (low_fee <= client.max_fee)
        + (not wanted_gender or wanted_gender == therapist.gender)
        + bool(set(client.preferred_styles) & set(therapist.styles))
        + (therapist.profession in client.preferred_professions)
    )


def _slot_for(client: DemoClient, therapist: DemoTherapist, load: int) -> Slot:
    """A slot inside one of the client's windows if any, rotating so clients spread out."""
    fitting = [s for s in therapist.slots if _slot_fits(client, s)]
    pool = fitting or list(therapist.slots)
    return pool[load % len(pool)]


def _slot_fits(client: DemoClient, slot: Slot) -> bool:
    start = _minutes(slot.start)
    return any(
        w.weekday == slot.weekday
        and _minutes(w.start) <= start
        and start + slot.minutes <= _minutes(w.end)
        for w in client.available_times
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


# --- latent model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TherapistEffect:
    outcome_z: float  # random effect on improvement, in SDs
    leniency: float  # how the therapist rates the alliance, check-in points


@dataclass(frozen=True)
class _Latent:
    """One client's hidden course. Severity values are on each instrument's total scale."""

    intake: Mapping[str, float]
    improvement: Mapping[str, float]  # f in y_t = y_1·(1 - f·ln t / ln T)
    alliance: float  # mean client check-in total, 0-16
    therapist_alliance: float  # mean therapist check-in total
    dropout_after: int | None  # held sessions before an unplanned stop; None = no dropout
    dropout_missed: int
    max_sessions: int
    miss_factor: float
    risk_z: float
    risk_rate: float
    rupture_rate: float
    profiles: Mapping[str, tuple[float, ...]]  # per instrument: item weights, fixed per client


def _therapist_effect(seed: int, therapist: DemoTherapist) -> _TherapistEffect:
    rng = random.Random(f"{seed}:history:therapist:{therapist.key}")
    return _TherapistEffect(rng.gauss(0, 1), rng.gauss(0, _THERAPIST_LENIENCY_SD))


def _latent_r(settings: HistorySettings) -> float:
    return max(-0.95, min(0.95, settings.alliance_outcome_r * _ALLIANCE_R_INFLATION))


def _dropout_loading(settings: HistorySettings) -> float:
    """Loading of dropout liability on alliance that gives Cohen's d between the groups.

    With liability rho·(-z) + √(1 - rho²)·e above the (1 - p) quantile c, the groups' mean z differ
    by rho·φ(c)/(p(1 - p)), so rho = d·p(1 - p)/φ(c).
    """
    p = settings.dropout_rate
    if p == 0:
        return 0.0
    cut = NormalDist().inv_cdf(1 - p)
    return min(0.9, settings.dropout_alliance_d * p * (1 - p) / NormalDist().pdf(cut))


def _draw_latent(
    rng: random.Random,
    client: DemoClient,
    therapist: _TherapistEffect,
    forms: Mapping[str, Instrument],
    settings: HistorySettings,
) -> _Latent:
    alliance_z = rng.gauss(0, 1)
    r, t_sd = _latent_r(settings), settings.therapist_effect_sd
    improvement_z = (
        r * alliance_z
        + t_sd * therapist.outcome_z
        + math.sqrt(1 - r * r - t_sd**2) * rng.gauss(0, 1)
    )
    alliance = _CLIENT_ALLIANCE[0] + _CLIENT_ALLIANCE[1] * alliance_z
    return _Latent(
        intake=_draw_intake(rng, client),
        improvement=_draw_improvement(rng, improvement_z),
        alliance=alliance,
        therapist_alliance=_THERAPIST_ALLIANCE
        + _THERAPIST_TRACKS_CLIENT * (alliance - _CLIENT_ALLIANCE[0])
        + therapist.leniency
        + rng.gauss(0, 1),
        dropout_after=_draw_dropout(rng, alliance_z, settings),
        dropout_missed=_pick(rng, _DROPOUT_MISSED),
        max_sessions=rng.randint(*_MAX_SESSIONS),
        miss_factor=math.exp(rng.gauss(0, 0.5)),
        risk_z=rng.gauss(0, 1),
        risk_rate=settings.risk_item_rate,
        rupture_rate=settings.rupture_rate,
        profiles={
            name: tuple(rng.uniform(0.6, 1.4) for _ in form.scored_items)
            for name, form in forms.items()
        },
    )


def _draw_intake(rng: random.Random, client: DemoClient) -> dict[str, float]:
    shared = rng.gauss(0, 1)
    bumps = {PHQ9: "depression" in client.concerns, GAD7: "anxiety" in client.concerns}
    intake = {}
    for name, (mean, sd) in _INTAKE.items():
        z = math.sqrt(_SEVERITY_SHARED) * shared + math.sqrt(1 - _SEVERITY_SHARED) * rng.gauss(0, 1)
        value = mean + sd * (z + _CONCERN_BUMP * bumps.get(name, False))
        intake[name] = max(1.0, min(_TOP[name], value))
    return intake


def _draw_improvement(rng: random.Random, z: float) -> dict[str, float]:
    base = _IMPROVEMENT_MEAN + _IMPROVEMENT_SD * z
    return {
        name: base + (0 if name == PHQ9 else rng.gauss(0, _INSTRUMENT_IMPROVEMENT_SD))
        for name in _INTAKE
    }


def _draw_dropout(rng: random.Random, alliance_z: float, settings: HistorySettings) -> int | None:
    """Held sessions before dropping out, or ``None``; lower alliance, likelier (Sharf 2010)."""
    rho = _dropout_loading(settings)
    liability = -rho * alliance_z + math.sqrt(1 - rho * rho) * rng.gauss(0, 1)
    after = _pick(rng, _DROPOUT_AFTER)
    if settings.dropout_rate == 0 or liability <= NormalDist().inv_cdf(1 - settings.dropout_rate):
        return None
    return after


def _expected(latent: _Latent, name: str, held: int) -> float:
    """Noise-free total at held session ``held`` (1 = intake), log-linear in sessions."""
    shrink = latent.improvement[name] * math.log(held) / math.log(_REFERENCE_SESSION)
    return latent.intake[name] * (1 - min(0.95, shrink))


def _improved(latent: _Latent, held: int) -> bool:
    """Below caseness on PHQ-9 and GAD-7 and reliably improved on one (NHS Talking Therapies),
    noise-free."""
    now = {name: _expected(latent, name, held) for name in _CASENESS}
    below = all(now[name] < _CASENESS[name] for name in _CASENESS)
    gained = any(latent.intake[name] - now[name] >= _RELIABLE[name] for name in _RELIABLE)
    return below and gained


# --- sessions ----------------------------------------------------------------------------------


@dataclass
class _Course:
    """Mutable state while one episode's sessions are generated."""

    held: int = 0
    drift: float = 0.0
    rupture: list[float] = field(default_factory=list)  # offsets for the coming sessions
    ending_at: int | None = None
    trailing_missed: int = 0


def _episode(
    rng: random.Random,
    client: DemoClient,
    therapist: DemoTherapist,
    slot: Slot,
    latent: _Latent,
    forms: Mapping[str, Instrument],
    today: date,
    settings: HistorySettings,
) -> DemoEpisode:
    start = _start_date(rng, today, slot.weekday, settings.months)
    course, sessions = _Course(), list[DemoSession]()
    state, reason = EpisodeState.ACTIVE, EndReason.NONE
    for number in itertools.count(1):
        on = start + timedelta(weeks=number - 1)
        if on > today:
            break
        if latent.dropout_after is not None and course.held >= latent.dropout_after:
            if course.trailing_missed >= latent.dropout_missed:
                noticed = sessions[-1].on + timedelta(days=_DROPOUT_NOTICED_DAYS) <= today
                if noticed:
                    state, reason = EpisodeState.ENDED, EndReason.DROPOUT
                break
            course.trailing_missed += 1
            sessions.append(DemoSession(number, on, _pick(rng, _DROPOUT_MISSES), ()))
            continue
        status = HELD if course.held == 0 else _draw_status(rng, latent)
        if status != HELD:
            sessions.append(DemoSession(number, on, status, ()))
            continue
        course.held += 1
        sessions.append(DemoSession(number, on, HELD, _responses(rng, latent, course, forms)))
        if _plan_ending(rng, latent, course):
            state, reason = EpisodeState.ENDED, EndReason.PLANNED_ENDING
            break
    return DemoEpisode(client.key, therapist.key, start, state, reason, tuple(sessions))


_DROPOUT_MISSES: Final[dict[SessionStatus, float]] = {NO_SHOW: 70, CANCELLED_LATE: 30}


def _start_date(rng: random.Random, today: date, weekday: int, months: int) -> date:
    """A day on ``weekday`` within the last ``months`` months (30.44 days each), not after today."""
    span = max(7, round(months * 30.44))
    candidate = today - timedelta(days=rng.randrange(span))
    start = candidate - timedelta(days=(candidate.weekday() - weekday) % 7)
    return start + timedelta(weeks=1) if (today - start).days >= span else start


def _draw_status(rng: random.Random, latent: _Latent) -> SessionStatus:
    factor = latent.miss_factor * (1.0 if latent.dropout_after is None else _DROPOUT_MISS_FACTOR)
    roll = rng.random()
    for status, rate in _MISSED.items():
        roll -= rate * factor
        if roll < 0:
            return status
    return HELD


def _plan_ending(rng: random.Random, latent: _Latent, course: _Course) -> bool:
    """Whether the session just held is the last, planned one."""
    held = course.held
    if course.ending_at is None and held >= _MIN_SESSIONS_BEFORE_ENDING and _improved(latent, held):
        course.ending_at = held + rng.randint(*_CONSOLIDATION)
    if held >= latent.max_sessions:
        course.ending_at = held
    return course.ending_at is not None and held >= course.ending_at


def _responses(
    rng: random.Random, latent: _Latent, course: _Course, forms: Mapping[str, Instrument]
) -> tuple[DemoResponse, ...]:
    """The measures for held session ``course.held``, client's first, therapist's last."""
    held = course.held
    client_total, therapist_total = _alliance_totals(rng, latent, course)
    phq = _severity(rng, latent, PHQ9, held)
    item9 = _risk_answer(rng, latent, phq)
    responses = [
        _checkin(rng, forms[CHECKIN_CLIENT], client_total, latent, _client_comment),
        _measure(rng, forms[PHQ9], phq, latent, {"phq9-9": item9}),
        _measure(rng, forms[GAD7], _severity(rng, latent, GAD7, held), latent, {}),
    ]
    if (held - 1) % 4 == 0:
        plans = int(item9 > 0 and rng.random() < _CORE10_PLANS_GIVEN_THOUGHTS)
        core = _severity(rng, latent, CORE10, held)
        responses.append(_measure(rng, forms[CORE10], core, latent, {"core10-6": plans}))
    responses.append(
        _checkin(rng, forms[CHECKIN_THERAPIST], therapist_total, latent, _therapist_comment)
    )
    return tuple(responses)


def _alliance_totals(rng: random.Random, latent: _Latent, course: _Course) -> tuple[int, int]:
    """Client and therapist check-in totals (0-16) for the session being held."""
    held = course.held
    course.drift = _DRIFT_KEEP * course.drift + rng.gauss(0, _DRIFT_SD)
    if not course.rupture and held >= 2 and rng.random() < latent.rupture_rate:
        depth, repair = rng.uniform(*_RUPTURE_DEPTH), rng.randint(1, 3)
        course.rupture = [-depth * (1 - k / (repair + 1)) for k in range(repair + 1)]
    dip = course.rupture.pop(0) if course.rupture else 0.0
    if held == latent.dropout_after and held >= 3:
        dip -= rng.uniform(*_DROPOUT_FALL)
    gained = (latent.intake[PHQ9] - _expected(latent, PHQ9, held)) / _INTAKE[PHQ9][1]
    growth = _ALLIANCE_GROWTH * math.log(held) + _ALLIANCE_FOLLOWS_CHANGE * gained
    client = latent.alliance + growth + course.drift + dip + rng.gauss(0, _SESSION_SD)
    therapist = (
        latent.therapist_alliance
        + growth
        + _THERAPIST_TRACKS_CLIENT * (course.drift + dip)
        + rng.gauss(0, _SESSION_SD)
    )
    return _clamp_round(client, 0, 16), _clamp_round(therapist, 0, 16)


def _severity(rng: random.Random, latent: _Latent, name: str, held: int) -> int:
    noisy = _expected(latent, name, held) + rng.gauss(0, _NOISE[name])
    return _clamp_round(noisy, 0, _TOP[name])


def _risk_answer(rng: random.Random, latent: _Latent, phq: int) -> int:
    """PHQ-9 item 9: positive more often at higher severity and in some clients (our assumption).

    The chance is rate·exp(β·s - β²/2)·exp(τ·u - τ²/2), with s the standardised PHQ-9 total and
    u the client's propensity: both factors average 1, so the share stays near the target rate.
    """
    beta, tau = _RISK_SEVERITY_SLOPE, _RISK_CLIENT_SD
    s = (phq - _PHQ9_ALL_SESSIONS[0]) / _PHQ9_ALL_SESSIONS[1]
    chance = latent.risk_rate * math.exp(beta * s - beta**2 / 2 + tau * latent.risk_z - tau**2 / 2)
    if rng.random() >= min(0.9, chance):
        return 0
    return 1 + (phq >= 15) * (rng.random() < 0.4) + (phq >= 20) * (rng.random() < 0.4)


# --- answers -----------------------------------------------------------------------------------


def _measure(
    rng: random.Random,
    form: Instrument,
    total: int,
    latent: _Latent,
    fixed: Mapping[str, int],
) -> DemoResponse:
    """A response whose scored total is ``total``; ``fixed`` pins raw answers (risk items).

    If the fixed answers alone exceed ``total``, the total is theirs.
    """
    severity = total / max(1.0, form.total.maximum)
    values = _spread_items(rng, form, total, latent.profiles[form.id], fixed)
    answers = []
    for item in form.items:
        if item.answer_set.kind is AnswerKind.TEXT:
            continue
        if item.scored:
            answers.append((item.link_id, values[item.link_id]))
        else:
            answers.append((item.link_id, _unscored_answer(rng, item, severity)))
    return DemoResponse(form.id, form.respondent.value, tuple(answers))


def _checkin(
    rng: random.Random,
    form: Instrument,
    total: int,
    latent: _Latent,
    remark: _Remark,
) -> DemoResponse:
    """An Alliance Check-in; the free-text item becomes ``comment``, more often when low."""
    response = _measure(rng, form, total, latent, {})
    return DemoResponse(
        response.instrument, response.respondent, response.answers, remark(rng, total)
    )


def _spread_items(
    rng: random.Random,
    form: Instrument,
    total: int,
    profile: Sequence[float],
    fixed: Mapping[str, int],
) -> dict[str, int]:
    """Raw answers for the scored items whose keyed values add up to ``total`` (clamped).

    Each free item first gets its share by weight (the client's item profile, jittered per
    session), rounded down; the points left go one at a time by the D'Hondt rule. Reverse-keyed
    items are flipped back to raw answers at the end.
    """
    weighted = zip(form.scored_items, profile, strict=True)
    free = [(item, w * rng.uniform(0.7, 1.3)) for item, w in weighted if item.link_id not in fixed]
    keyed = {link_id: _keyed(form.item(link_id), value) for link_id, value in fixed.items()}
    spans = [_high(item) - _low(item) for item, _ in free]
    left = total - sum(keyed.values()) - sum(_low(item) for item, _ in free)
    left = max(0, min(left, sum(spans)))
    weight_sum = sum(w for _, w in free) or 1.0
    shares = [int(left * w / weight_sum) for _, w in free]
    points = [min(span, share) for span, share in zip(spans, shares, strict=True)]
    for _ in range(left - sum(points)):
        open_items = [k for k in range(len(free)) if points[k] < spans[k]]
        points[max(open_items, key=lambda k: free[k][1] / (points[k] + 1))] += 1
    keyed |= {item.link_id: _low(item) + p for (item, _), p in zip(free, points, strict=True)}
    return {
        item.link_id: _snap(item, _keyed(item, keyed[item.link_id])) for item in form.scored_items
    }


def _low(item: Item) -> int:
    return item.answer_set.minimum


def _high(item: Item) -> int:
    return item.answer_set.maximum


def _keyed(item: Item, value: int) -> int:
    """Raw answer ↔ keyed value (its own inverse): reverse items score min + max - answer."""
    return _low(item) + _high(item) - value if item.reverse else value


def _snap(item: Item, value: int) -> int:
    """The allowed answer nearest ``value`` (the choice sets we fill are contiguous anyway)."""
    options = [option.value for option in item.answer_set.options] or [value]
    return min(options, key=lambda option: (abs(option - value), option))


def _unscored_answer(rng: random.Random, item: Item, severity: float) -> int:
    """An unscored choice (PHQ-9/GAD-7 difficulty) that follows the total, with a little noise."""
    options = [option.value for option in item.answer_set.options]
    # x1.6: the top answer ("extremely difficult") is reached at about 60 % of the maximum total.
    index = round(severity * 1.6 * (len(options) - 1) + rng.gauss(0, 0.4))
    return options[max(0, min(len(options) - 1, index))]


def _client_comment(rng: random.Random, total: int) -> str:
    chance = 0.45 if total <= 8 else 0.2 if total <= 11 else 0.04
    if rng.random() >= chance:
        return ""
    return rng.choice(_CLIENT_COMMENTS_LOW if total <= 12 else _CLIENT_COMMENTS_OK)


def _therapist_comment(rng: random.Random, total: int) -> str:
    chance = 0.3 if total <= 8 else 0.1 if total <= 11 else 0.02
    return rng.choice(_THERAPIST_COMMENTS) if rng.random() < chance else ""


def _clamp_round(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _pick(rng: random.Random, weights: Mapping[_K, float]) -> _K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
