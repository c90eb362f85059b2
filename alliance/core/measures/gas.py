"""Goal Attainment Scaling: the Kiresuk-Sherman T-score.

Kiresuk & Sherman (1968), Community Mental Health Journal 4(6):443-453. The printed formulas
in the practical guide by Turner-Stokes (2009), Clin Rehabil 23(4):362-370, have a published
erratum; this is the corrected form, ``T = 50 + 10·Σwx / √((1 - ρ)·Σw² + ρ·(Σw)²)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from alliance.core.measures.definitions import InvalidMeasureInput

# Kiresuk & Sherman (1968): levels -2 much less than expected … +2 much more than expected.
GAS_LEVELS: Final = (-2, -1, 0, 1, 2)
# Kiresuk & Sherman (1968): rho = assumed inter-goal correlation, conventionally 0.3.
DEFAULT_RHO: Final = 0.3


def compute_gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> float:
    """Kiresuk-Sherman T = 50 + 10·Σwᵢxᵢ / √((1 - rho)·Σwᵢ² + rho·(Σwᵢ)²).

    ``levels`` are attainment levels in -2…+2, one per goal; ``weights`` (default all 1; in the
    Turner-Stokes variant importance * difficulty, each 0-3) are non-negative and not all 0;
    ``rho`` is in [0, 1]. T has mean 50 and SD 10 under the method's assumptions; one goal at
    level 0 gives 50 (as expected). Raises :class:`InvalidMeasureInput` on bad input.
    """
    _check_levels(levels)
    goal_weights = [1.0] * len(levels) if weights is None else _checked_weights(weights, levels)
    _check_rho(rho)
    weighted = sum(w * x for w, x in zip(goal_weights, levels, strict=True))
    squares = sum(w * w for w in goal_weights)
    denominator = math.sqrt((1 - rho) * squares + rho * sum(goal_weights) ** 2)
    return 50 + 10 * weighted / denominator


def _check_levels(levels: Sequence[int]) -> None:
    if not levels:
        raise InvalidMeasureInput("at least one goal level is needed", code="no_goals")
    for level in levels:
        if isinstance(level, bool) or level not in GAS_LEVELS:
            raise InvalidMeasureInput(
                f"goal level {level!r} is not one of -2, -1, 0, 1, 2", code="invalid_level"
            )


def _checked_weights(weights: Sequence[float], levels: Sequence[int]) -> list[float]:
    if len(weights) != len(levels):
        raise InvalidMeasureInput(
            f"{len(weights)} weights for {len(levels)} goals", code="weights_mismatch"
        )
    for weight in weights:
        if isinstance(weight, bool) or not math.isfinite(weight) or weight < 0:
            raise InvalidMeasureInput(
                f"weight {weight!r} must be a non-negative number", code="invalid_weight"
            )
    if not any(weights):
        raise InvalidMeasureInput("at least one weight must be above 0", code="invalid_weight")
    return [float(weight) for weight in weights]


def _check_rho(rho: float) -> None:
    if isinstance(rho, bool) or not math.isfinite(rho) or not 0 <= rho <= 1:
        raise InvalidMeasureInput(f"rho {rho!r} must be between 0 and 1", code="invalid_rho")
