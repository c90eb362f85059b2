"""Reliable and clinically significant change (Jacobson & Truax 1991), and Cronbach's alpha.

Sources: Jacobson & Truax (1991), J Consult Clin Psychol 59(1):12-19, for the reliable change
index (with the √2 standard error of the difference from Christensen & Mendoza 1986, Behav Ther
17(3):305-308), the clinical-significance cutoffs a, b, c and the four outcome categories;
Cronbach (1951), Psychometrika 16(3):297-334, for alpha, used for a local reliable-change
threshold. See docs/reference/sources.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from alliance.core.measures.definitions import (
    RELIABLE_Z,
    ClinicalCutoff,
    Direction,
    Instrument,
    InvalidMeasureInput,
)


class ReliableChange(StrEnum):
    IMPROVEMENT = "reliable_improvement"
    NONE = "no_reliable_change"
    DETERIORATION = "reliable_deterioration"


class ChangeCategory(StrEnum):
    """Jacobson-Truax categories (Jacobson & Truax 1991)."""

    RECOVERED = "recovered"  # reliable change in the good direction and crossed the cutoff
    IMPROVED = "improved"  # reliable improvement, cutoff not crossed
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"  # reliable change in the harmful direction


@dataclass(frozen=True)
class ClinicalCutoffs:
    """Jacobson-Truax cutoffs on the instrument's own scale (Jacobson & Truax 1991)."""

    a: float  # left the dysfunctional range: 2 SD beyond the clinical mean
    b: float  # entered the functional range: within 2 SD of the functional mean
    c: float  # between the two means, weighted by SD; preferred when norms exist


@dataclass(frozen=True)
class ChangeResult:
    """Change from ``before`` to ``after``; ``change = after - before`` in raw points.

    ``crossed_cutoff`` and ``clinically_significant`` are ``None`` without a clinical cutoff.
    Clinically significant = reliable improvement that also left the clinical range.
    """

    before: float
    after: float
    change: float
    threshold: float
    reliable_change: ReliableChange
    crossed_cutoff: bool | None
    clinically_significant: bool | None
    category: ChangeCategory


def compute_sdiff(sd: float, reliability: float) -> float:
    """Standard error of the difference, ``S_diff = sd · √(2(1 - r))`` (Jacobson & Truax 1991).

    ``sd`` is the pre-treatment (clinical) SD in raw points, ``reliability`` in [0, 1).
    """
    _check_sd_reliability(sd, reliability)
    return sd * math.sqrt(2 * (1 - reliability))


def compute_reliable_change_index(
    before: float, after: float, sd: float, reliability: float
) -> float:
    """Jacobson-Truax ``RC = (after - before) / S_diff``; reliable if ``|RC| > 1.96``, p < .05."""
    return (after - before) / compute_sdiff(sd, reliability)


def compute_reliable_change_threshold(sd: float, reliability: float) -> float:
    """Smallest reliable change in raw points, ``1.96 · S_diff`` (Jacobson & Truax 1991).

    CORE-10 with sd 7.7: 6.75 at alpha = .90, 5.23 at alpha = .94.
    """
    return RELIABLE_Z * compute_sdiff(sd, reliability)


def compute_clinical_cutoffs(
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float,
    functional_sd: float,
    *,
    direction: Direction,
) -> ClinicalCutoffs:
    """Jacobson-Truax cutoffs a, b, c (Jacobson & Truax 1991; b uses the functional SD as in
    the original). For a scale where higher is worse the signs of a and b flip; c is unchanged.
    """
    if clinical_sd <= 0 or functional_sd <= 0:
        raise InvalidMeasureInput("standard deviations must be positive", code="invalid_sd")
    sign = 1 if direction is Direction.HIGHER_IS_BETTER else -1
    c = (clinical_sd * functional_mean + functional_sd * clinical_mean) / (
        clinical_sd + functional_sd
    )
    return ClinicalCutoffs(
        a=clinical_mean + sign * 2 * clinical_sd,
        b=functional_mean - sign * 2 * functional_sd,
        c=c,
    )


def classify_change(
    before: float,
    after: float,
    *,
    threshold: float,
    direction: Direction,
    cutoff: ClinicalCutoff | None = None,
) -> ChangeResult:
    """Classify a before/after pair of totals on one instrument.

    Reliable when ``|after - before| >= threshold`` raw points (the published point thresholds,
    e.g. PHQ-9 ≥ 6, are stated as "at least" in the NHS Talking Therapies manual). Crossed the
    cutoff when ``before`` is in the clinical range and ``after`` is not. Categories as in
    Jacobson & Truax (1991).
    """
    if threshold <= 0:
        raise InvalidMeasureInput("the reliable-change threshold must be positive", code="invalid")
    change = _exact_difference(before, after)
    reliable = _reliable(change, threshold, direction)
    crossed = (
        None if cutoff is None else cutoff.is_clinical(before) and not cutoff.is_clinical(after)
    )
    return ChangeResult(
        before=before,
        after=after,
        change=change,
        threshold=threshold,
        reliable_change=reliable,
        crossed_cutoff=crossed,
        clinically_significant=None
        if crossed is None
        else reliable is ReliableChange.IMPROVEMENT and crossed,
        category=_category(reliable, crossed),
    )


def classify_instrument_change(instrument: Instrument, before: float, after: float) -> ChangeResult:
    """:func:`classify_change` with the instrument's own threshold, direction and cutoff.

    Raises :class:`InvalidMeasureInput` when a total is outside the instrument's range or the
    instrument has no published reliable-change threshold (e.g. WAI-SR: compute a local one
    with :func:`compute_reliable_change_threshold` from platform SD and alpha; Hatcher &
    Gillaspy 2006 publish none).
    """
    for name, value in (("before", before), ("after", after)):
        if not instrument.total.minimum <= value <= instrument.total.maximum:
            raise InvalidMeasureInput(
                f"{instrument.id}: {name} = {value} is outside "
                f"{instrument.total.minimum}-{instrument.total.maximum}",
                code="score_out_of_range",
            )
    if instrument.reliable_change is None:
        raise InvalidMeasureInput(
            f"{instrument.id} has no published reliable-change threshold", code="no_threshold"
        )
    return classify_change(
        before,
        after,
        threshold=instrument.reliable_change.points,
        direction=instrument.total.direction,
        cutoff=instrument.clinical_cutoff,
    )


def compute_cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha = k/(k - 1) · (1 - Σσ²ᵢ / σ²_total) (Cronbach 1951).

    ``rows`` are respondents, columns items. Returns ``None`` ("not computable") when the total
    variance is 0. Needs at least two respondents and two items, all rows the same length.
    """
    n_items = len(rows[0]) if rows else 0
    if len(rows) < 2 or n_items < 2 or any(len(row) != n_items for row in rows):
        raise InvalidMeasureInput(
            "alpha needs at least 2 respondents and 2 items, every row the same length",
            code="invalid_matrix",
        )
    total_variance = _variance([sum(row) for row in rows])
    if total_variance == 0:
        return None
    item_variance = sum(_variance([row[i] for row in rows]) for i in range(n_items))
    return n_items / (n_items - 1) * (1 - item_variance / total_variance)


def _check_sd_reliability(sd: float, reliability: float) -> None:
    if sd <= 0 or not 0 <= reliability < 1:
        raise InvalidMeasureInput(
            f"need sd > 0 and 0 <= reliability < 1 (got sd={sd}, reliability={reliability})",
            code="invalid_reliability",
        )


def _reliable(change: float, threshold: float, direction: Direction) -> ReliableChange:
    if abs(change) < threshold:
        return ReliableChange.NONE
    improved = (change < 0) == (direction is Direction.HIGHER_IS_WORSE)
    return ReliableChange.IMPROVEMENT if improved else ReliableChange.DETERIORATION


def _category(reliable: ReliableChange, crossed: bool | None) -> ChangeCategory:
    if reliable is ReliableChange.DETERIORATION:
        return ChangeCategory.DETERIORATED
    if reliable is ReliableChange.NONE:
        return ChangeCategory.UNCHANGED
    return ChangeCategory.RECOVERED if crossed else ChangeCategory.IMPROVED


def _exact_difference(before: float, after: float) -> float:
    """``after - before`` without float noise (10.9 - 4.2 is 6.7, not 6.700000000000001)."""
    if not (math.isfinite(before) and math.isfinite(after)):
        raise InvalidMeasureInput("scores must be finite numbers", code="not_a_number")
    difference = Fraction(str(after)) - Fraction(str(before))
    return int(difference) if difference.denominator == 1 else float(difference)


def _variance(values: Sequence[float]) -> float:
    """Sample variance (n - 1); alpha is the same with n as long as it is used throughout."""
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / (len(values) - 1)
