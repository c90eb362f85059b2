"""Score one response to one instrument: totals, subscales, bands, flags, missing items.

Arithmetic is exact (``fractions.Fraction``) until the result is built, so a total of 12 is the
int 12 and a prorated CORE-10 total is the exact ``total * 10 / answered`` as a float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from alliance.core.measures.definitions import (
    ANY_ITEM,
    TOTAL,
    AnswerKind,
    Band,
    Bands,
    Flag,
    Instrument,
    InvalidMeasureInput,
    Item,
    Method,
    MissingRule,
)


@dataclass(frozen=True)
class Score:
    """The scores of one response.

    ``total``, ``min`` and ``max`` are on the instrument's total scale (a sum or an item mean);
    numbers are ints when whole. ``band`` is ``None`` when the instrument has no bands;
    ``clinical`` is ``None`` when it has no clinical cutoff. ``critical`` is true when any
    critical (risk) flag is raised. ``missing`` lists unanswered scored items in form order.
    """

    instrument: str
    total: float
    min: float
    max: float
    subscales: dict[str, float]
    band: Band | None
    clinical: bool | None
    flags: dict[str, bool]
    critical: bool
    missing: tuple[str, ...]
    prorated: bool


def score_response(instrument: Instrument, answers: Mapping[str, int | None]) -> Score:
    """Score ``answers`` (link id → raw answer, ``None`` = not answered) for ``instrument``.

    Unscored items are checked against their options but never enter a score. Reverse-keyed
    items score ``min + max - answer`` (CORE-10 items 2 and 3: 4 - answer; Connell & Barkham
    2007, CORE-10 User Manual). Missing scored items follow the instrument's own rule: prorate
    where its manual allows (CORE-10: ``total * 10 / answered``; at most one missing is
    Alliance's own interim limit), otherwise refuse.
    Raises :class:`InvalidMeasureInput` for unknown items, answers outside the options,
    too many missing answers, or an instrument whose scoring key is unconfirmed.
    """
    _check_scorable(instrument)
    raw = _check_answers(instrument, answers)
    missing = tuple(
        item.link_id for item in instrument.scored_items if raw.get(item.link_id) is None
    )
    _apply_missing_rule(instrument, missing)
    scores = {
        link_id: _item_score(instrument.item(link_id), value) for link_id, value in raw.items()
    }
    scored_ids = [item.link_id for item in instrument.scored_items]
    total = _combine(instrument.total.method, scored_ids, scores)
    flags = {flag.id: _flag_raised(flag, instrument, raw, total) for flag in instrument.flags}
    cutoff = instrument.clinical_cutoff
    return Score(
        instrument=instrument.id,
        total=_number(total),
        min=instrument.total.minimum,
        max=instrument.total.maximum,
        subscales={
            s.id: _number(_combine(s.method, s.items, scores)) for s in instrument.subscales
        },
        band=_find_band(instrument.bands, total),
        clinical=None if cutoff is None else cutoff.is_clinical(total),
        flags=flags,
        critical=any(flags[flag.id] for flag in instrument.flags if flag.critical),
        missing=missing,
        prorated=bool(missing),
    )


def _check_scorable(instrument: Instrument) -> None:
    if not instrument.key_confirmed:
        raise InvalidMeasureInput(
            f"{instrument.id}: the scoring key is unconfirmed, so responses cannot be scored",
            code="key_unconfirmed",
        )


def _check_answers(instrument: Instrument, answers: Mapping[str, int | None]) -> dict[str, int]:
    """The answered items (link id → raw answer), after rejecting anything invalid."""
    known = {item.link_id: item for item in instrument.items}
    unknown = sorted(link_id for link_id in answers if link_id not in known)
    if unknown:
        raise InvalidMeasureInput(
            f"{instrument.id}: unknown item(s) {', '.join(map(str, unknown))}", code="unknown_item"
        )
    raw: dict[str, int] = {}
    for link_id, value in answers.items():
        if value is not None:
            raw[link_id] = _check_answer(instrument.id, known[link_id], value)
    return raw


def _check_answer(instrument_id: str, item: Item, value: object) -> int:
    where = f"{instrument_id} item {item.number} ({item.link_id})"
    if item.answer_set.kind is AnswerKind.TEXT:
        raise InvalidMeasureInput(f"{where} takes free text, not a number", code="text_item")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMeasureInput(f"{where}: {value!r} is not a whole number", code="not_a_number")
    if not item.answer_set.accepts(value):
        raise InvalidMeasureInput(
            f"{where}: {value} is not allowed; expected {item.answer_set.describe()}",
            code="answer_out_of_range",
        )
    return value


def _apply_missing_rule(instrument: Instrument, missing: Sequence[str]) -> None:
    policy = instrument.missing
    if not missing:
        return
    listed = ", ".join(missing)
    if policy.rule is MissingRule.REFUSE:
        raise InvalidMeasureInput(
            f"{instrument.id}: unanswered item(s) {listed}; {instrument.id} is scored only when "
            f"every scored item is answered",
            code="incomplete",
        )
    if len(missing) > policy.max_missing:
        raise InvalidMeasureInput(
            f"{instrument.id}: {len(missing)} unanswered items ({listed}); at most "
            f"{policy.max_missing} may be prorated",
            code="too_many_missing",
        )
    required = [link_id for link_id in missing if link_id in policy.required]
    if required:
        raise InvalidMeasureInput(
            f"{instrument.id}: item(s) {', '.join(required)} must be answered; they are never "
            f"prorated",
            code="required_item_missing",
        )


def _item_score(item: Item, value: int) -> Fraction:
    answer_set = item.answer_set
    keyed = answer_set.minimum + answer_set.maximum - value if item.reverse else value
    return Fraction(keyed, answer_set.divisor)


def _combine(method: Method, link_ids: Sequence[str], scores: Mapping[str, Fraction]) -> Fraction:
    """Sum or mean of ``link_ids``; a sum over answered items is prorated to all of them.

    Prorated sum = Σ answered * n_items / n_answered (Connell & Barkham 2007, CORE-10 manual);
    the mean of answered items is already on the full scale.
    """
    answered = [scores[link_id] for link_id in link_ids if link_id in scores]
    if not answered:
        raise InvalidMeasureInput("every item of a scale is unanswered", code="too_many_missing")
    mean = sum(answered, Fraction(0)) / len(answered)
    return mean * len(link_ids) if method is Method.SUM else mean


def _find_band(bands: Bands | None, total: Fraction) -> Band | None:
    """The highest band whose lower edge is at or below ``total`` (a prorated 9.5 is still 5-9)."""
    if bands is None:
        return None
    return [band for band in bands.ranges if band.minimum <= total][-1]


def _flag_raised(
    flag: Flag, instrument: Instrument, raw: Mapping[str, int], total: Fraction
) -> bool:
    if flag.on == TOTAL:
        return flag.comparison.holds(total, flag.value)
    if flag.on == ANY_ITEM:
        scored = [raw[item.link_id] for item in instrument.scored_items if item.link_id in raw]
        return any(flag.comparison.holds(value, flag.value) for value in scored)
    value = raw.get(flag.on)
    return value is not None and flag.comparison.holds(value, flag.value)


def _number(value: Fraction) -> float:
    """An int when whole (so a PHQ-9 total prints as 12), else the nearest float."""
    return int(value) if value.denominator == 1 else float(value)
