"""NHS Talking Therapies outcomes (NHS Talking Therapies manual), hand-computed test vectors."""

from __future__ import annotations

import pytest

from alliance.core.measures.definitions import InvalidMeasureInput
from alliance.core.measures.talking_therapies import (
    GAD7_CASENESS,
    GAD7_RELIABLE_CHANGE,
    PHQ9_CASENESS,
    PHQ9_RELIABLE_CHANGE,
    classify_talking_therapies,
)
from alliance.core.measures.tests.helpers import load_instrument

# (PHQ-9 before, after, GAD-7 before, after) -> case, reliable improvement, reliable
# deterioration, recovered, reliably recovered. None = not a case, outside the denominator.
VECTORS = [
    # (15 -> 8, 10 -> 6): case (15 >= 10); PHQ drop 7 >= 6; end 8 < 10 and 6 < 8
    ((15, 8, 10, 6), (True, True, False, True, True)),
    # (12 -> 9, 7 -> 7): case; drops 3 and 0 are not reliable; end 9 < 10 and 7 < 8: recovered
    ((12, 9, 7, 7), (True, False, False, True, False)),
    # (9 -> 5, 7 -> 4): 9 < 10 and 7 < 8 -> not a case; GAD drop 3 < 4, PHQ drop 4 < 6
    ((9, 5, 7, 4), (False, False, False, None, None)),
    # (10 -> 16, 8 -> 8): PHQ rise 6 >= 6 -> reliable deterioration
    ((10, 16, 8, 8), (True, False, True, False, False)),
    # (14 -> 7, 6 -> 11): PHQ drop 7 but GAD rise 5 >= 4 -> not reliably improved (unconfirmed
    # combination rule); GAD 11 >= 8 at the end -> not recovered
    ((14, 7, 6, 11), (True, False, True, False, False)),
]


@pytest.mark.parametrize(("scores", "expected"), VECTORS)
def test_talking_therapies_vectors(
    scores: tuple[int, int, int, int], expected: tuple[bool, bool, bool, bool | None, bool | None]
) -> None:
    outcome = classify_talking_therapies(*scores)
    assert (
        outcome.case_at_start,
        outcome.reliable_improvement,
        outcome.reliable_deterioration,
        outcome.recovered,
        outcome.reliably_recovered,
    ) == expected
    assert outcome.phq9_change == scores[1] - scores[0]
    assert outcome.gad7_change == scores[3] - scores[2]


def test_gad7_alone_makes_a_case_and_an_improvement() -> None:
    # PHQ-9 9 is below 10 but GAD-7 8 is a case ("and/or"); GAD drop 4 >= 4 is reliable.
    outcome = classify_talking_therapies(9, 9, 8, 4)
    assert (outcome.case_at_start, outcome.reliable_improvement, outcome.recovered) == (
        True,
        True,
        True,
    )
    assert outcome.reliably_recovered is True


def test_constants_agree_with_the_instrument_files() -> None:
    phq9, gad7 = load_instrument("phq-9"), load_instrument("gad-7")
    assert phq9.clinical_cutoff is not None
    assert gad7.clinical_cutoff is not None
    assert phq9.reliable_change is not None
    assert gad7.reliable_change is not None
    assert (phq9.clinical_cutoff.value, gad7.clinical_cutoff.value) == (
        PHQ9_CASENESS,
        GAD7_CASENESS,
    )
    assert (phq9.reliable_change.points, gad7.reliable_change.points) == (
        PHQ9_RELIABLE_CHANGE,
        GAD7_RELIABLE_CHANGE,
    )


@pytest.mark.parametrize("scores", [(28, 10, 8, 8), (10, -1, 8, 8), (10, 10, 22, 8)])
def test_out_of_range_totals_are_refused(scores: tuple[int, int, int, int]) -> None:
    with pytest.raises(InvalidMeasureInput) as raised:
        classify_talking_therapies(*scores)
    assert raised.value.code == "score_out_of_range"
