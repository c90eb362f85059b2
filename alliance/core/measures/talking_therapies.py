"""NHS Talking Therapies (formerly IAPT) outcome definitions from PHQ-9 + GAD-7 pairs.

Every rule is from the NHS Talking Therapies for anxiety and depression manual (NHS England;
formerly the IAPT manual); reliable recovery is the headline metric of Gyani, Shafran, Layard &
Clark (2013), Behav Res Ther 51(9):597-606. The combination rule for reliable improvement ("and
neither measure reliably deteriorates") and the symmetric deterioration rule are **unconfirmed**:
verify against the current manual before a clinical release. Only the GAD-7 pairing is
implemented; the manual's anxiety-disorder-specific measures replacing GAD-7 for caseness are
not. Counting only episodes with ≥ 2 attended treatment sessions is the caller's job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from alliance.core.measures.definitions import InvalidMeasureInput

# Caseness, NHS Talking Therapies manual: PHQ-9 ≥ 10 (the cut-off of Kroenke, Spitzer &
# Williams 2001), GAD-7 ≥ 8.
PHQ9_CASENESS: Final = 10
GAD7_CASENESS: Final = 8
# Reliable improvement / deterioration, NHS Talking Therapies manual: PHQ-9 change ≥ 6,
# GAD-7 change ≥ 4 (the manual does not show how they were derived).
PHQ9_RELIABLE_CHANGE: Final = 6
GAD7_RELIABLE_CHANGE: Final = 4
PHQ9_MAX: Final = 27
GAD7_MAX: Final = 21


@dataclass(frozen=True)
class TalkingTherapiesOutcome:
    """The NHS Talking Therapies classification of one finished episode.

    ``recovered`` and ``reliably_recovered`` are ``None`` when the episode was not a case at the
    start: such episodes are excluded from the recovery denominator (as in the manual).
    """

    case_at_start: bool
    phq9_change: float
    gad7_change: float
    reliable_improvement: bool
    reliable_deterioration: bool
    recovered: bool | None
    reliably_recovered: bool | None


def classify_talking_therapies(
    phq9_before: float, phq9_after: float, gad7_before: float, gad7_after: float
) -> TalkingTherapiesOutcome:
    """Classify PHQ-9 (0-27) and GAD-7 (0-21) totals at the first and last session.

    - Caseness: PHQ-9 ≥ 10 and/or GAD-7 ≥ 8.
    - Reliable deterioration: PHQ-9 rise ≥ 6 or GAD-7 rise ≥ 4.
    - Reliable improvement: PHQ-9 drop ≥ 6 and/or GAD-7 drop ≥ 4, and no reliable deterioration.
    - Recovery: a case at the start and below caseness on both at the end.
    - Reliable recovery: recovery and reliable improvement.
    """
    _check_range("PHQ-9", phq9_before, phq9_after, PHQ9_MAX)
    _check_range("GAD-7", gad7_before, gad7_after, GAD7_MAX)
    phq9_change, gad7_change = phq9_after - phq9_before, gad7_after - gad7_before
    deteriorated = phq9_change >= PHQ9_RELIABLE_CHANGE or gad7_change >= GAD7_RELIABLE_CHANGE
    improved = phq9_change <= -PHQ9_RELIABLE_CHANGE or gad7_change <= -GAD7_RELIABLE_CHANGE
    case = _is_case(phq9_before, gad7_before)
    recovered = not _is_case(phq9_after, gad7_after) if case else None
    reliable_improvement = improved and not deteriorated
    return TalkingTherapiesOutcome(
        case_at_start=case,
        phq9_change=phq9_change,
        gad7_change=gad7_change,
        reliable_improvement=reliable_improvement,
        reliable_deterioration=deteriorated,
        recovered=recovered,
        reliably_recovered=None if recovered is None else recovered and reliable_improvement,
    )


def _is_case(phq9: float, gad7: float) -> bool:
    return phq9 >= PHQ9_CASENESS or gad7 >= GAD7_CASENESS


def _check_range(name: str, before: float, after: float, maximum: int) -> None:
    for value in (before, after):
        if isinstance(value, bool) or not math.isfinite(value) or not 0 <= value <= maximum:
            raise InvalidMeasureInput(
                f"{name} total {value!r} is outside 0-{maximum}", code="score_out_of_range"
            )
