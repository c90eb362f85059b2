"""Reliable and clinically significant change (Jacobson & Truax 1991) and Cronbach's alpha
(Cronbach 1951), with hand-computed worked values."""

from __future__ import annotations

import pytest

from alliance.core.measures.change import (
    ChangeCategory,
    ReliableChange,
    classify_change,
    classify_instrument_change,
    compute_clinical_cutoffs,
    compute_cronbach_alpha,
    compute_reliable_change_index,
    compute_reliable_change_threshold,
    compute_sdiff,
)
from alliance.core.measures.definitions import (
    ClinicalCutoff,
    Comparison,
    Direction,
    Evidence,
    InvalidMeasureInput,
)
from alliance.core.measures.tests.helpers import load_instrument

LOWER_IS_BETTER = Direction.HIGHER_IS_WORSE


# Jacobson & Truax (1991): S_diff = s1 * sqrt(2 * (1 - rxx)); threshold = 1.96 * S_diff.
@pytest.mark.parametrize(
    ("sd", "reliability", "threshold"),
    [
        (7.7, 0.90, 6.75),  # CORE-10: 7.7 * sqrt(0.2) = 3.4435; * 1.96 = 6.749
        (7.7, 0.94, 5.23),  # CORE-10 alt alpha: 7.7 * sqrt(0.12) = 2.6673; * 1.96 = 5.228
        (5.5, 0.89, 5.06),  # PHQ-9 national intake SD: 5.5 * sqrt(0.22) = 2.5797; * 1.96 = 5.056
    ],
)
def test_reliable_change_threshold(sd: float, reliability: float, threshold: float) -> None:
    assert round(compute_reliable_change_threshold(sd, reliability), 2) == threshold


def test_sdiff_core10() -> None:
    assert round(compute_sdiff(7.7, 0.90), 4) == 3.4435


@pytest.mark.parametrize(
    ("before", "after", "rc"),
    [
        (22, 12, -2.904),  # -10 / 3.4435 = -2.904 -> |RC| > 1.96: reliable improvement
        (22, 10, -3.485),  # -12 / 3.4435 = -3.485
    ],
)
def test_reliable_change_index_core10(before: float, after: float, rc: float) -> None:
    value = compute_reliable_change_index(before, after, 7.7, 0.90)
    assert round(value, 3) == rc
    assert abs(value) > 1.96


@pytest.mark.parametrize(("sd", "reliability"), [(0, 0.9), (-1, 0.9), (7.7, 1), (7.7, -0.1)])
def test_reliable_change_rejects_impossible_inputs(sd: float, reliability: float) -> None:
    with pytest.raises(InvalidMeasureInput):
        compute_sdiff(sd, reliability)


# Jacobson & Truax (1991) cutoffs, written for higher = better; signs of a and b flip when
# lower = better.
def test_cutoffs_illustrative_lower_is_better() -> None:
    # a = 32 - 2*7 = 18; b = 10 + 2*7 = 24; c = (7*10 + 7*32) / (7 + 7) = 294 / 14 = 21
    cutoffs = compute_clinical_cutoffs(32, 7, 10, 7, direction=LOWER_IS_BETTER)
    assert (cutoffs.a, cutoffs.b, cutoffs.c) == (18, 24, 21)


def test_cutoffs_higher_is_better_mirror() -> None:
    # a = 10 + 2*7 = 24; b = 32 - 2*7 = 18; c unchanged = (7*32 + 7*10) / 14 = 21
    cutoffs = compute_clinical_cutoffs(10, 7, 32, 7, direction=Direction.HIGHER_IS_BETTER)
    assert (cutoffs.a, cutoffs.b, cutoffs.c) == (24, 18, 21)


def test_cutoff_c_core10_norms() -> None:
    # c = (7.7*4.7 + 4.8*19.7) / (7.7 + 4.8) = (36.19 + 94.56) / 12.5 = 10.46
    cutoffs = compute_clinical_cutoffs(19.7, 7.7, 4.7, 4.8, direction=LOWER_IS_BETTER)
    assert round(cutoffs.c, 2) == 10.46


C_CORE10 = ClinicalCutoff(10.46, Comparison.GE, "Jacobson & Truax (1991) c", Evidence.SECONDARY)


@pytest.mark.parametrize(
    ("before", "after", "category"),
    [
        (22, 12, ChangeCategory.IMPROVED),  # -10 >= 6.75 reliable; 12 still above c 10.46
        (22, 10, ChangeCategory.RECOVERED),  # -12 reliable; 10 below c 10.46
        (22, 16, ChangeCategory.UNCHANGED),  # -6 < 6.75
        (12, 19, ChangeCategory.DETERIORATED),  # +7 >= 6.75, harmful direction
    ],
)
def test_jacobson_truax_categories_core10(before: float, after: float, category: str) -> None:
    result = classify_change(
        before, after, threshold=6.75, direction=LOWER_IS_BETTER, cutoff=C_CORE10
    )
    assert result.category == category
    assert result.clinically_significant is (category == ChangeCategory.RECOVERED)
    assert result.change == after - before


INSTRUMENT_CHANGES = [
    # PHQ-9: threshold 6, caseness >= 10 (NHS Talking Therapies manual)
    ("phq-9", 15, 9, ReliableChange.IMPROVEMENT, True, ChangeCategory.RECOVERED),  # -6, 9 < 10
    ("phq-9", 20, 14, ReliableChange.IMPROVEMENT, False, ChangeCategory.IMPROVED),  # 14 >= 10
    ("phq-9", 15, 10, ReliableChange.NONE, False, ChangeCategory.UNCHANGED),  # -5 < 6
    ("phq-9", 10, 16, ReliableChange.DETERIORATION, False, ChangeCategory.DETERIORATED),
    # GAD-7: threshold 4, caseness >= 8 (NHS Talking Therapies manual)
    ("gad-7", 10, 6, ReliableChange.IMPROVEMENT, True, ChangeCategory.RECOVERED),  # -4, 6 < 8
    ("gad-7", 10, 7, ReliableChange.NONE, False, ChangeCategory.UNCHANGED),  # -3 < 4
    # CORE-10: reliable change index 6 and clinical >= 11 (Barkham et al. 2013)
    ("core-10", 22, 12, ReliableChange.IMPROVEMENT, False, ChangeCategory.IMPROVED),
    ("core-10", 22, 10, ReliableChange.IMPROVEMENT, True, ChangeCategory.RECOVERED),
    ("core-10", 20, 14, ReliableChange.IMPROVEMENT, False, ChangeCategory.IMPROVED),  # -6; 14>=11
    ("core-10", 20, 15, ReliableChange.NONE, False, ChangeCategory.UNCHANGED),  # -5 < 6
    ("core-10", 12, 18, ReliableChange.DETERIORATION, False, ChangeCategory.DETERIORATED),  # +6
    # ORS: higher is better; threshold 5; clinical <= 25 (Miller et al. 2003; secondary)
    ("ors", 20, 25, ReliableChange.IMPROVEMENT, False, ChangeCategory.IMPROVED),  # 25 <= 25
    ("ors", 20, 26, ReliableChange.IMPROVEMENT, True, ChangeCategory.RECOVERED),
    ("ors", 30, 25, ReliableChange.DETERIORATION, False, ChangeCategory.DETERIORATED),
    ("ors", 20.1, 25.1, ReliableChange.IMPROVEMENT, True, ChangeCategory.RECOVERED),  # +5.0
]


@pytest.mark.parametrize(
    ("instrument_id", "before", "after", "reliable", "significant", "category"),
    INSTRUMENT_CHANGES,
)
def test_instrument_change(
    instrument_id: str,
    before: float,
    after: float,
    reliable: ReliableChange,
    significant: bool,
    category: ChangeCategory,
) -> None:
    result = classify_instrument_change(load_instrument(instrument_id), before, after)
    assert (result.reliable_change, result.clinically_significant) == (reliable, significant)
    assert result.category == category


def test_instrument_without_threshold_is_refused() -> None:
    # WAI-SR has no published reliable-change threshold (Hatcher & Gillaspy 2006).
    with pytest.raises(InvalidMeasureInput) as raised:
        classify_instrument_change(load_instrument("wai-sr"), 3, 4)
    assert raised.value.code == "no_threshold"


@pytest.mark.parametrize(("before", "after"), [(28, 10), (10, -1)])
def test_instrument_change_outside_range_is_refused(before: float, after: float) -> None:
    with pytest.raises(InvalidMeasureInput) as raised:
        classify_instrument_change(load_instrument("phq-9"), before, after)
    assert raised.value.code == "score_out_of_range"


def test_change_without_cutoff_has_no_clinical_significance() -> None:
    result = classify_change(30, 22, threshold=6, direction=LOWER_IS_BETTER)
    assert (result.crossed_cutoff, result.clinically_significant) == (None, None)
    assert result.category == ChangeCategory.IMPROVED


# Cronbach's alpha (Cronbach 1951).
def test_alpha_worked_example() -> None:
    # item variances (n-1) 2.5, 0.7, 1.7; total variance 13.5;
    # alpha = 3/2 * (1 - 4.9/13.5) = 43/45 = 0.95556
    rows = [[2, 3, 3], [4, 4, 5], [3, 3, 4], [1, 2, 2], [5, 4, 5]]
    assert compute_cronbach_alpha(rows) == pytest.approx(43 / 45)


@pytest.mark.parametrize(
    ("rows", "alpha"),
    [
        ([[1, 1, 1], [2, 2, 2], [3, 3, 3]], 1.0),  # parallel items
        ([[1, 2], [2, 1], [3, 3]], 2 / 3),  # 2 * (1 - (1 + 1) / 3) = 0.6667
        ([[1, 2], [2, 1], [3, 0]], None),  # every total is 3: undefined, not 0
    ],
)
def test_alpha_table(rows: list[list[float]], alpha: float | None) -> None:
    result = compute_cronbach_alpha(rows)
    assert result == (None if alpha is None else pytest.approx(alpha))


@pytest.mark.parametrize("rows", [[], [[1, 2]], [[1], [2]], [[1, 2], [1]]])
def test_alpha_rejects_malformed_matrices(rows: list[list[float]]) -> None:
    with pytest.raises(InvalidMeasureInput):
        compute_cronbach_alpha(rows)
