"""Kiresuk-Sherman GAS T-scores (Kiresuk & Sherman 1968), hand-computed worked values.

T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2), rho = 0.3.
"""

from __future__ import annotations

import pytest

from alliance.core.measures.definitions import InvalidMeasureInput
from alliance.core.measures.gas import compute_gas_t_score

TABLE = [
    # sum(wx) = -6+0-1+8+0+6 = 7; sum(w^2) = 91; sum(w) = 21;
    # sqrt(0.7*91 + 0.3*441) = sqrt(63.7 + 132.3) = sqrt(196) = 14; T = 50 + 70/14 = 55
    ((-2, 0, -1, 2, 0, 1), (3, 5, 1, 4, 2, 6), 55.0),
    # one goal: denominator sqrt(0.7 + 0.3) = 1, so T = 50 + 10x
    ((-2,), None, 30.0),
    ((-1,), None, 40.0),
    ((0,), None, 50.0),
    ((1,), None, 60.0),
    ((2,), None, 70.0),
    # sqrt(0.7*3 + 0.3*9) = sqrt(4.8) = 2.19089; T = 50 + 30/2.19089 = 63.6931
    ((1, 1, 1), None, 63.6931),
    ((-1, -1, -1), None, 36.3069),
    ((1, 0, -1), None, 50.0),
    # sum(x) = 3; sqrt(0.7*5 + 0.3*25) = sqrt(11) = 3.31662; T = 50 + 30/3.31662 = 59.0453
    ((0, 1, 1, 2, -1), None, 59.0453),
    # sum(wx) = 1-3 = -2; sqrt(0.7*14 + 0.3*36) = sqrt(20.6) = 4.53872; T = 50 - 4.4065
    ((1, 0, -1), (1, 2, 3), 45.5935),
    # sum(wx) = 6+2 = 8; sqrt(0.7*14 + 0.3*36) = 4.53872; T = 50 + 80/4.53872 = 67.6261
    ((2, 1, 0), (3, 2, 1), 67.6261),
    # sum(wx) = -5; sqrt(0.7*17 + 0.3*25) = sqrt(19.4) = 4.40454; T = 50 - 11.3519
    ((-1, -1), (4, 1), 38.6481),
]


@pytest.mark.parametrize(("levels", "weights", "t_score"), TABLE)
def test_gas_table(
    levels: tuple[int, ...], weights: tuple[float, ...] | None, t_score: float
) -> None:
    assert round(compute_gas_t_score(levels, weights), 4) == t_score


@pytest.mark.parametrize(
    ("rho", "t_score"),
    [
        (0.0, 67.3205),  # 50 + 30/sqrt(3) = 50 + 17.3205
        (0.5, 62.2474),  # 50 + 30/sqrt(1.5 + 4.5) = 50 + 30/sqrt(6) = 50 + 12.2474
    ],
)
def test_gas_rho_sensitivity(rho: float, t_score: float) -> None:
    assert round(compute_gas_t_score((1, 1, 1), rho=rho), 4) == t_score


def test_unit_weights_equal_default() -> None:
    assert compute_gas_t_score((2, -1), (1, 1)) == compute_gas_t_score((2, -1))


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "code"),
    [
        ((), None, 0.3, "no_goals"),
        ((3,), None, 0.3, "invalid_level"),
        ((-3,), None, 0.3, "invalid_level"),
        ((True,), None, 0.3, "invalid_level"),
        ((1, 0), (1,), 0.3, "weights_mismatch"),
        ((1, 0), (1, -1), 0.3, "invalid_weight"),
        ((1, 0), (0, 0), 0.3, "invalid_weight"),
        ((1, 0), None, 1.5, "invalid_rho"),
        ((1, 0), None, -0.1, "invalid_rho"),
    ],
)
def test_gas_refusals(
    levels: tuple[int, ...], weights: tuple[float, ...] | None, rho: float, code: str
) -> None:
    with pytest.raises(InvalidMeasureInput) as raised:
        compute_gas_t_score(levels, weights, rho)
    assert raised.value.code == code
