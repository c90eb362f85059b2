"""Rank therapists for an intake: hard constraints first, then an explained 0-100 fit score.

Score (``docs/formats.md`` "Matching score"): six components, each in [0, 1], combined as

    score = round(100 * sum(weight_k * component_k) / sum(weight_k), 2)

- ``concerns``: the share of the client's concerns the therapist treats (1 if none given);
- ``styles``: 1 if the therapist works in at least one preferred alliance style (or none given);
- ``professions``: 1 if the therapist's profession is one the client asked for (or none given);
- ``gender``: 1 if the therapist's gender is the preferred one (or no preference);
- ``slot``: ``0.5 + 0.5 * min(margin, 60) / 60`` for the best fitting slot, where ``margin`` is
  how many minutes the slot sits inside the client's window on its tighter side: any fitting
  slot earns half, one with an hour's slack before and after earns all;
- ``effectiveness``: ``clip(0.5 + mean effect, 0, 1)``, the mean over the client's concerns of
  the therapist's shrunk risk-adjusted effect (intake SDs; :mod:`core.matching.effectiveness`),
  counting 0 -- the clinic mean -- wherever the therapist has fewer than ``min_cases`` cases.
  Without outcome data every therapist gets 0.5, so new therapists are neither punished nor
  starved.

Everything is evaluated vectorised over numpy arrays built once in :meth:`Matcher.fit`; reasons
are written only for the therapists returned. Ties are broken by therapist id, so the ranking
does not depend on roster order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Final

import numpy as np
from numpy.typing import NDArray

from alliance.core.matching.constraints import (
    check_hard_constraints,
    city_key,
    concern_words,
    format_money,
    gender_words,
    join_words,
    language_name,
    margin_in,
    offers_in_person,
    offers_online,
    profession_words,
    slot_words,
    style_words,
    window_minutes,
)
from alliance.core.matching.effectiveness import Z_95, TherapistEffectiveness
from alliance.core.matching.records import Intake, Outcome, RecordError, Therapist
from alliance.core.vocabulary import ALLIANCE_STYLES, CONCERNS, GENDERS, PROFESSIONS

# A slot with this much slack (minutes) on both sides of the session earns the full slot score.
SLOT_FULL_MARGIN: Final = 60
# A shrunk effect of +0.5 intake SDs earns the full effectiveness score, -0.5 earns none; real
# therapist effects are far smaller (SD about 0.22, Wampold & Brown 2005), so this never clips
# in practice.
NEUTRAL_EFFECT: Final = 0.5

_CONCERN_COL: Final = {code: i for i, code in enumerate(CONCERNS)}
_STYLE_COL: Final = {code: i for i, code in enumerate(ALLIANCE_STYLES)}
_PROFESSION_ID: Final = {code: i for i, code in enumerate(PROFESSIONS)}
_GENDER_ID: Final = {code: i for i, code in enumerate(GENDERS)}

Bools = NDArray[np.bool_]
Ints = NDArray[np.int32]
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Weights:
    """Weights of the soft-fit components; each 0 or more, not all 0.

    Defaults sum to 10, so each weight point is worth 10 score points. Concerns weigh most:
    expertise in what the client comes with is the first thing they ask for. Alliance style
    comes next, as the product's premise (the alliance predicts outcome, r = .28, Flückiger et
    al. 2018). Measured effectiveness has weight 2: matching on it improved outcomes in the Match
    trial (Constantino et al. 2021), but it rests on few cases. Profession, gender and slot
    convenience are stated preferences (accommodating preferences: outcome d = 0.28, Swift et
    al. 2018) of weight 1 each.
    """

    concerns: float = 3.0
    styles: float = 2.0
    professions: float = 1.0
    gender: float = 1.0
    slot: float = 1.0
    effectiveness: float = 2.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"weight {field.name} must be a number")
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {field.name} must be a finite number, 0 or more")
        if self.total <= 0:
            raise ValueError("at least one weight must be above 0")

    @property
    def total(self) -> float:
        return float(sum(getattr(self, field.name) for field in fields(self)))


@dataclass(frozen=True)
class Match:
    """One therapist proposed for an intake: ``score`` in [0, 100] (2 dp), the ``reasons`` they
    fit and the client's soft preferences they do not meet (``unmet``), in plain language."""

    therapist: str
    score: float
    reasons: tuple[str, ...]
    unmet: tuple[str, ...]


@dataclass(frozen=True)
class _RosterArrays:
    """The roster as arrays, one row per therapist in roster order."""

    index: dict[str, int]
    id_order: NDArray[np.int64]  # position of each id in sorted order: the tie-break
    language_col: dict[str, int]
    languages: Bools  # (n, n_languages)
    concerns: Bools  # (n, len(CONCERNS))
    styles: Bools  # (n, len(ALLIANCE_STYLES))
    profession: Ints
    gender: Ints
    online: Bools
    in_person: Bools
    city_id: dict[str, int]
    city: Ints
    fee: Floats
    sliding: Floats  # +inf when there is no sliding scale
    open: Bools  # capacity > 0 and accepting
    effect: Floats  # (n, len(CONCERNS)): shrunk effect when usable, else 0 (the clinic mean)
    slots_by_day: tuple[tuple[Ints, Ints, Ints], ...]  # per weekday: (owner, start, end)


@dataclass(frozen=True)
class _Query:
    """An intake translated into the roster's column and id numbers."""

    concern_cols: list[int]
    style_cols: list[int]
    profession_ids: list[int]
    gender_id: int | None
    language_cols: list[int]
    online: bool
    in_person_city: int | None  # the client's city id when in person is acceptable and known
    max_fee: float
    windows: list[tuple[int, int, int]]
    excluded: list[int]


class Matcher:
    """Rank a roster for an intake (scikit-learn style: settings here, learned state in fit).

    ``weights``: :class:`Weights` (defaults documented there). ``effectiveness``: an unfitted
    :class:`TherapistEffectiveness` whose settings to use; :meth:`fit` fits a copy on the
    outcomes. Learned: ``roster_``, ``effectiveness_`` and ``arrays_`` (the vectorised roster).
    """

    def __init__(
        self,
        *,
        weights: Weights | None = None,
        effectiveness: TherapistEffectiveness | None = None,
    ) -> None:
        self.weights = weights
        self.effectiveness = effectiveness

    def fit(self, roster: Sequence[Therapist], outcomes: Sequence[Outcome] = ()) -> Matcher:
        """Learn the roster (ids must be unique) and the therapists' measured effectiveness."""
        self.roster_ = tuple(roster)
        template = self.effectiveness or TherapistEffectiveness()
        self.effectiveness_ = template.clone().fit(outcomes)
        self.weights_ = self.weights or Weights()
        self.arrays_ = _build_arrays(self.roster_, self.effectiveness_)
        return self

    def rank(self, intake: Intake, top: int | None = None) -> list[Match]:
        """Therapists passing every hard constraint, best first (score descending, then id
        ascending); the first ``top`` of them, or all when ``top`` is None."""
        if top is not None and top < 0:
            raise ValueError("top must be 0 or more")
        feasible, score = self._evaluate(intake)
        rows = np.flatnonzero(feasible)
        order = rows[np.lexsort((self.arrays_.id_order[rows], -score[rows]))]
        chosen = order if top is None else order[:top]
        return [self._match(intake, int(row), float(score[row])) for row in chosen]

    def explain(self, intake: Intake, therapist_id: str) -> Match | None:
        """The :class:`Match` that :meth:`rank` gives this therapist, or None when a hard
        constraint fails or the id is not on the roster (see :meth:`why_not`)."""
        row = self.arrays_.index.get(therapist_id)
        if row is None:
            return None
        feasible, score = self._evaluate(intake)
        return self._match(intake, row, float(score[row])) if feasible[row] else None

    def why_not(self, intake: Intake, therapist_id: str) -> tuple[str, ...]:
        """The hard constraints this therapist fails for the intake; ``()`` when they pass."""
        row = self.arrays_.index.get(therapist_id)
        if row is None:
            return (f"no therapist {therapist_id!r} on the roster",)
        return check_hard_constraints(self.roster_[row], intake)

    def score_pairs(self, intakes: Sequence[Intake]) -> tuple[Ints, Ints, Floats]:
        """Every feasible (intake, therapist) pair: ``(intake_index, therapist_index, score)``,
        indices into ``intakes`` and ``roster_``, sorted by intake then therapist; each score is
        exactly the :class:`Match` score :meth:`rank` gives the pair."""
        clients: list[Ints] = []
        therapists: list[Ints] = []
        scores: list[Floats] = []
        for position, intake in enumerate(intakes):
            feasible, score = self._evaluate(intake)
            rows = np.flatnonzero(feasible).astype(np.int32)
            clients.append(np.full(rows.size, position, dtype=np.int32))
            therapists.append(rows)
            scores.append(score[rows])
        if not clients:
            return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float64)
        return np.concatenate(clients), np.concatenate(therapists), np.concatenate(scores)

    # --- vectorised evaluation -------------------------------------------------------------

    def _evaluate(self, intake: Intake) -> tuple[Bools, Floats]:
        """For every therapist: whether all hard constraints pass, and the rounded score."""
        arrays, query = self.arrays_, _query(self.arrays_, intake)
        margin = _best_margins(arrays, query.windows)
        feasible = arrays.open & (margin >= 0) & _language_ok(arrays, query)
        feasible &= _format_ok(arrays, query)
        feasible &= (arrays.fee <= query.max_fee) | (arrays.sliding <= query.max_fee)
        feasible[query.excluded] = False
        return feasible, self._score(arrays, query, margin)

    def _score(self, arrays: _RosterArrays, query: _Query, margin: Ints) -> Floats:
        w = self.weights_
        n = margin.size
        ones = np.ones(n)
        concerns = (
            arrays.concerns[:, query.concern_cols].mean(axis=1) if query.concern_cols else ones
        )
        styles = arrays.styles[:, query.style_cols].any(axis=1) if query.style_cols else ones
        professions = (
            np.isin(arrays.profession, query.profession_ids) if query.profession_ids else ones
        )
        gender = arrays.gender == query.gender_id if query.gender_id is not None else ones
        slot = 0.5 + 0.5 * np.minimum(np.maximum(margin, 0), SLOT_FULL_MARGIN) / SLOT_FULL_MARGIN
        effect = (
            arrays.effect[:, query.concern_cols].mean(axis=1) if query.concern_cols else 0.0 * ones
        )
        effectiveness = np.clip(NEUTRAL_EFFECT + effect, 0.0, 1.0)
        total = (
            w.concerns * concerns
            + w.styles * styles
            + w.professions * professions
            + w.gender * gender
            + w.slot * slot
            + w.effectiveness * effectiveness
        )
        score: Floats = np.round(100.0 * total / w.total, 2)
        return score

    # --- reasons ---------------------------------------------------------------------------

    def _match(self, intake: Intake, row: int, score: float) -> Match:
        therapist = self.roster_[row]
        reasons, unmet = _preference_reasons(therapist, intake, self.effectiveness_)
        reasons += _practical_reasons(therapist, intake)
        return Match(therapist.id, score, tuple(reasons), tuple(unmet))


def _build_arrays(roster: tuple[Therapist, ...], effects: TherapistEffectiveness) -> _RosterArrays:
    index: dict[str, int] = {}
    for row, therapist in enumerate(roster):
        if therapist.id in index:
            raise RecordError(f"roster[{row}] (id {therapist.id!r}).id: duplicate therapist id")
        index[therapist.id] = row
    language_col: dict[str, int] = {}
    city_id: dict[str, int] = {}
    for therapist in roster:
        for code in therapist.languages:
            language_col.setdefault(code, len(language_col))
        city_id.setdefault(city_key(therapist.city), len(city_id))
    return _RosterArrays(
        index=index,
        id_order=np.argsort(np.argsort(np.array([t.id for t in roster], dtype=object))).astype(
            np.int64
        ),
        language_col=language_col,
        languages=_membership(roster, "languages", language_col),
        concerns=_membership(roster, "concerns", _CONCERN_COL),
        styles=_membership(roster, "styles", _STYLE_COL),
        profession=np.array([_PROFESSION_ID.get(t.profession, -1) for t in roster], np.int32),
        gender=np.array([_GENDER_ID.get(t.gender, -1) for t in roster], np.int32),
        online=np.array(["online" in t.formats for t in roster], dtype=bool),
        in_person=np.array(["in_person" in t.formats for t in roster], dtype=bool),
        city_id=city_id,
        city=np.array([city_id[city_key(t.city)] for t in roster], np.int32),
        fee=np.array([t.fee for t in roster], np.float64),
        sliding=np.array(
            [math.inf if t.sliding_scale_min is None else t.sliding_scale_min for t in roster],
            np.float64,
        ),
        open=np.array([t.capacity > 0 and t.accepting for t in roster], dtype=bool),
        effect=_effect_matrix(roster, effects),
        slots_by_day=_slots_by_day(roster),
    )


def _membership(roster: Sequence[Therapist], attribute: str, columns: dict[str, int]) -> Bools:
    matrix = np.zeros((len(roster), len(columns)), dtype=bool)
    for row, therapist in enumerate(roster):
        for code in getattr(therapist, attribute):
            if code in columns:
                matrix[row, columns[code]] = True
    return matrix


def _effect_matrix(roster: Sequence[Therapist], effects: TherapistEffectiveness) -> Floats:
    matrix = np.zeros((len(roster), len(CONCERNS)), dtype=np.float64)
    for row, therapist in enumerate(roster):
        for concern, col in _CONCERN_COL.items():
            found = effects.effect(therapist.id, concern)
            if found is not None:
                matrix[row, col] = found.shrunk
    return matrix


def _slots_by_day(roster: Sequence[Therapist]) -> tuple[tuple[Ints, Ints, Ints], ...]:
    days: list[tuple[list[int], list[int], list[int]]] = [([], [], []) for _ in range(7)]
    for row, therapist in enumerate(roster):
        for slot in therapist.slots:
            owner, start, end = days[slot.weekday]
            owner.append(row)
            start.append(slot.start_minute)
            end.append(slot.end_minute)
    return tuple(
        (np.array(o, np.int32), np.array(s, np.int32), np.array(e, np.int32)) for o, s, e in days
    )


def _query(arrays: _RosterArrays, intake: Intake) -> _Query:
    city = city_key(intake.city)
    in_person = intake.format in ("in_person", "either") and bool(city)
    return _Query(
        concern_cols=[_CONCERN_COL[c] for c in intake.concerns if c in _CONCERN_COL],
        style_cols=[_STYLE_COL[s] for s in intake.styles if s in _STYLE_COL],
        profession_ids=[_PROFESSION_ID[p] for p in intake.professions if p in _PROFESSION_ID],
        gender_id=None
        if intake.therapist_gender is None
        else _GENDER_ID.get(intake.therapist_gender, -2),
        language_cols=[
            arrays.language_col[c] for c in intake.languages if c in arrays.language_col
        ],
        online=intake.format in ("online", "either"),
        in_person_city=arrays.city_id.get(city) if in_person else None,
        max_fee=float(intake.max_fee),
        windows=[(w.weekday, w.start_minute, w.end_minute) for w in intake.times],
        excluded=[arrays.index[t] for t in intake.exclude if t in arrays.index],
    )


def _best_margins(arrays: _RosterArrays, windows: list[tuple[int, int, int]]) -> Ints:
    """Per therapist, the best slot margin over all fitting (slot, window) pairs; -1 if none."""
    n = arrays.open.size
    margin = np.full(n, -1, dtype=np.int32)
    for weekday, start, end in windows:
        if not 0 <= weekday < len(arrays.slots_by_day):
            continue
        owner, slot_start, slot_end = arrays.slots_by_day[weekday]
        fits = (slot_start >= start) & (slot_end <= end)
        slack = np.minimum(slot_start[fits] - start, end - slot_end[fits])
        np.maximum.at(margin, owner[fits], slack.astype(np.int32))
    return margin


def _language_ok(arrays: _RosterArrays, query: _Query) -> Bools:
    if not query.language_cols:
        return np.zeros(arrays.open.size, dtype=bool)
    return np.asarray(arrays.languages[:, query.language_cols].any(axis=1), dtype=bool)


def _format_ok(arrays: _RosterArrays, query: _Query) -> Bools:
    ok = arrays.online.copy() if query.online else np.zeros(arrays.open.size, dtype=bool)
    if query.in_person_city is not None:
        ok |= arrays.in_person & (arrays.city == query.in_person_city)
    return ok


def _preference_reasons(
    therapist: Therapist, intake: Intake, effects: TherapistEffectiveness
) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    unmet: list[str] = []
    for concern in intake.concerns:
        if concern in therapist.concerns:
            reasons.append(f"treats {concern_words(concern)}")
        else:
            unmet.append(f"does not list {concern_words(concern)} among their concerns")
    for concern in intake.concerns:
        effect = effects.effect(therapist.id, concern)
        if effect is None or concern not in therapist.concerns:
            # Too few cases to say anything (neither praised nor penalised), or a concern they
            # do not offer: outcomes are measured per instrument, whatever the client came for.
            continue
        if effect.is_strong:
            reasons.append(
                f"strong results with {concern_words(concern)} in this clinic (n = {effect.n})"
            )
        elif effect.shrunk + Z_95 * effect.se >= 0:
            # Measured, and not clearly different from the clinic: say so, with the count.
            reasons.append(
                f"results with {concern_words(concern)} in this clinic are around the clinic "
                f"average (n = {effect.n})"
            )
    shared_styles = [s for s in intake.styles if s in therapist.styles]
    reasons += [f"works in a {style_words(s)} style" for s in shared_styles]
    if intake.styles and not shared_styles:
        wanted = join_words((style_words(s) for s in intake.styles), "or")
        unmet.append(f"does not work in a {wanted} style, as you preferred")
    if intake.professions:
        if therapist.profession in intake.professions:
            reasons.append(f"{profession_words(therapist.profession)}, as you asked")
        else:
            wanted = join_words((profession_words(p) for p in intake.professions), "or")
            unmet.append(f"not {wanted}, as you preferred")
    if intake.therapist_gender is not None:
        words = gender_words(intake.therapist_gender)
        if therapist.gender == intake.therapist_gender:
            reasons.append(f"{words}, as you preferred")
        else:
            unmet.append(f"not {words}, as you preferred")
    return reasons, unmet


def _practical_reasons(therapist: Therapist, intake: Intake) -> list[str]:
    reasons: list[str] = []
    windows = window_minutes(intake)
    fitting = [(m, slot) for slot in therapist.slots if (m := margin_in(slot, windows)) >= 0]
    # The slot furthest inside the client's windows first, then the earliest in the week.
    fitting.sort(key=lambda pair: (-pair[0], pair[1].weekday, pair[1].start_minute))
    if fitting:
        reasons.append(f"{slot_words(fitting[0][1])} is free")
    if len(fitting) == 2:
        reasons.append("1 other free time suits you")
    elif len(fitting) > 2:
        reasons.append(f"{len(fitting) - 1} other free times suit you")
    shared = [language_name(code) for code in therapist.languages if code in intake.languages]
    reasons.append(f"speaks {join_words(shared)}")
    reasons.append(_format_reason(therapist, intake))
    reasons.append(_fee_reason(therapist, intake))
    return reasons


def _format_reason(therapist: Therapist, intake: Intake) -> str:
    online, in_person = offers_online(therapist, intake), offers_in_person(therapist, intake)
    where = therapist.city.strip()
    if online and in_person:
        return f"offers online sessions, or in person in {where}"
    return "offers online sessions" if online else f"sees clients in person in {where}"


def _fee_reason(therapist: Therapist, intake: Intake) -> str:
    limit = format_money(intake.max_fee)
    if therapist.fee <= intake.max_fee:
        return f"fee {format_money(therapist.fee)} is within your maximum {limit}"
    sliding = format_money(therapist.sliding_scale_min or 0.0)
    return (
        f"sliding-scale fee from {sliding} fits your maximum {limit} "
        f"(full fee {format_money(therapist.fee)})"
    )
