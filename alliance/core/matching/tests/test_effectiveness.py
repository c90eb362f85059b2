"""Measured effectiveness: risk adjustment and empirical-Bayes shrinkage, computed by hand.

Model and sources in core/matching/effectiveness.py: Constantino et al. 2021 (the Match trial,
per-domain profiles from >= 15 cases); Wampold & Brown 2005 (therapists ~5 % of variance).
"""

from __future__ import annotations

import math
from itertools import permutations

import pytest

from alliance.core.matching.effectiveness import Effect, TherapistEffectiveness
from alliance.core.matching.records import Outcome, RecordError

# An instrument with SD 1, so "change" is in raw points and the arithmetic stays visible.
UNIT = {"x": 1.0}


def cases(therapist: str, changes: list[float], before: float = 10.0) -> list[Outcome]:
    return [Outcome(therapist, "anxiety", "x", before, before - c) for c in changes]


# Three therapists, every client starting at 10 (no spread in severity, so the slope is 0 and a
# residual is the change minus the clinic's mean change):
#   A improves 1, 3, 1, 3 (mean 2); B -1, 1, -1, 1 (mean 0); C 0, 2, 0, 2 (mean 1).
#   Clinic mean change = 1, so raw effects are A +1, B -1, C 0.
#   Within-therapist deviations are all +-1: sigma^2 = 12 / (12 cases - 3 therapists) = 4/3.
THREE = cases("A", [1, 3, 1, 3]) + cases("B", [-1, 1, -1, 1]) + cases("C", [0, 2, 0, 2])


def numbers(effect: Effect | None) -> tuple[float, ...]:
    assert effect is not None
    return (effect.n, effect.raw, effect.shrunk, effect.se)


def test_three_therapists_by_hand() -> None:
    model = TherapistEffectiveness(min_cases=4, prior_cases=4, instrument_sd=UNIT).fit(THREE)
    # shrink = n / (n + k) = 4 / 8 = 0.5; se = sqrt(4/3) / sqrt(8) = sqrt(1/6) = 0.40825
    se = math.sqrt(1 / 6)
    assert numbers(model.effect("A", "anxiety")) == pytest.approx((4, 1.0, 0.5, se))
    assert numbers(model.effect("B", "anxiety")) == pytest.approx((4, -1.0, -0.5, se))
    assert numbers(model.effect("C", "anxiety")) == pytest.approx((4, 0.0, 0.0, se))
    assert model.clinic_mean_ == {"anxiety": 1.0}
    assert model.adjustment_ == {("anxiety", "x"): (1.0, 0.0)}
    # 0.5 - 1.96 * 0.40825 = -0.300: four cases cannot show "strong results".
    a = model.effect("A", "anxiety")
    assert a is not None and a.lower == pytest.approx(-0.30017, abs=1e-5) and not a.is_strong


def test_more_cases_shrink_less_and_narrow_the_interval() -> None:
    sixteen = THREE * 4
    model = TherapistEffectiveness(min_cases=15, prior_cases=4, instrument_sd=UNIT).fit(sixteen)
    # n = 16: shrink = 16/20 = 0.8; sigma^2 = 48 / (48 - 3) = 16/15; se = sqrt(16/15 / 20)
    a = model.effect("A", "anxiety")
    assert a is not None
    assert (a.n, a.raw, a.shrunk) == pytest.approx((16, 1.0, 0.8))
    assert a.se == pytest.approx(math.sqrt(16 / 15 / 20))  # 0.23094
    assert a.lower == pytest.approx(0.8 - 1.96 * 0.230940, abs=1e-6)  # 0.3474 > 0
    assert a.is_strong
    b = model.effect("B", "anxiety")
    assert b is not None and b.shrunk == pytest.approx(-0.8) and not b.is_strong


def test_no_shrinkage_with_prior_cases_zero() -> None:
    model = TherapistEffectiveness(min_cases=1, prior_cases=0, instrument_sd=UNIT).fit(THREE)
    a = model.effect("A", "anxiety")
    assert a is not None and a.shrunk == pytest.approx(1.0)
    assert a.se == pytest.approx(math.sqrt(4 / 3) / 2)  # the classical sigma / sqrt(n)


def test_below_min_cases_there_is_no_effect_but_it_is_recorded() -> None:
    model = TherapistEffectiveness(min_cases=5, prior_cases=4, instrument_sd=UNIT).fit(THREE)
    assert model.effect("A", "anxiety") is None
    assert model.effects_[("A", "anxiety")].n == 4
    assert model.effect("A", "depression") is None
    assert model.effect("nobody", "anxiety") is None


def test_default_minimum_is_the_match_trials_15_cases() -> None:
    assert TherapistEffectiveness().min_cases == 15
    model = TherapistEffectiveness(instrument_sd=UNIT).fit(
        cases("A", [1.0] * 14) + cases("B", [0.0] * 15)
    )
    assert model.effect("A", "anxiety") is None
    assert model.effect("B", "anxiety") is not None


def test_risk_adjustment_for_intake_severity() -> None:
    # A sees severe clients (before 20) and B mild ones (before 10). Raw mean change: A 9, B 5.
    # OLS of change on severity over all four: mean x 15, mean y 7,
    #   slope = sum(dx*dy)/sum(dx^2) = ((-5)(-3) + (-5)(-1) + 5(1) + 5(3)) / 100 = 0.4,
    #   intercept = 7 - 0.4 * 15 = 1; predicted 5 at 10 and 9 at 20.
    # Residuals: A -1, +1; B -1, +1. Both raw effects are 0: A's bigger drops are what clients
    # that severe achieve anywhere in this clinic.
    outcomes = [
        Outcome("A", "anxiety", "x", 20, 12),
        Outcome("A", "anxiety", "x", 20, 10),
        Outcome("B", "anxiety", "x", 10, 6),
        Outcome("B", "anxiety", "x", 10, 4),
    ]
    model = TherapistEffectiveness(min_cases=1, prior_cases=0, instrument_sd=UNIT).fit(outcomes)
    intercept, slope = model.adjustment_[("anxiety", "x")]
    assert (intercept, slope) == pytest.approx((1.0, 0.4))
    assert model.effects_[("A", "anxiety")].raw == pytest.approx(0.0)
    assert model.effects_[("B", "anxiety")].raw == pytest.approx(0.0)
    assert model.clinic_mean_["anxiety"] == pytest.approx(7.0)


def test_two_cases_give_no_slope() -> None:
    outcomes = [Outcome("A", "sleep", "x", 20, 12), Outcome("B", "sleep", "x", 10, 6)]
    model = TherapistEffectiveness(min_cases=1, instrument_sd=UNIT).fit(outcomes)
    assert model.adjustment_[("sleep", "x")] == (6.0, 0.0)  # mean change 6, slope 0


def test_instrument_sds_and_direction() -> None:
    outcomes = [
        Outcome("A", "depression", "phq-9", 15, 4),  # (15 - 4) / 5.5 = 2.0 SDs better
        Outcome("A", "stress", "ors", 20, 30),  # higher is better: (30 - 20) / SD
        Outcome("B", "stress", "ors", 10, 10),
        Outcome("A", "anger", "own", 10, 7),  # no known SD: SD of `before` = sd(10, 20) = 7.071
        Outcome("B", "anger", "own", 20, 17),
    ]
    model = TherapistEffectiveness(min_cases=1).fit(outcomes)
    assert model.instrument_sd_["phq-9"] == 5.5  # NHS Talking Therapies 2022-23 intake SD
    assert model.clinic_mean_["depression"] == pytest.approx(2.0)
    ors_sd = math.sqrt(50)  # before 20 and 10
    assert model.instrument_sd_["ors"] == pytest.approx(ors_sd)
    assert model.clinic_mean_["stress"] == pytest.approx((10 / ors_sd + 0) / 2)
    assert model.instrument_sd_["own"] == pytest.approx(math.sqrt(50))
    given = TherapistEffectiveness(instrument_sd={"phq-9": 11.0}).fit(outcomes[:1])
    assert given.clinic_mean_["depression"] == pytest.approx(1.0)


def test_fit_does_not_depend_on_the_order_of_outcomes() -> None:
    model = TherapistEffectiveness(min_cases=1, instrument_sd=UNIT)
    reference = model.fit(THREE).effects_
    for order in list(permutations(range(3)))[1:]:
        groups = [THREE[0:4], THREE[4:8], THREE[8:12]]
        shuffled = [case for i in order for case in reversed(groups[i])]
        assert (
            TherapistEffectiveness(min_cases=1, instrument_sd=UNIT).fit(shuffled).effects_
            == reference
        )


def test_no_outcomes_means_no_effects() -> None:
    model = TherapistEffectiveness().fit([])
    assert model.effects_ == {} and model.clinic_mean_ == {}
    assert model.effect("t1", "anxiety") is None


def test_non_finite_scores_are_refused() -> None:
    with pytest.raises(RecordError, match="before and after must be finite"):
        TherapistEffectiveness().fit([Outcome("A", "anxiety", "x", math.nan, 1.0)])


@pytest.mark.parametrize(
    "options",
    [
        {"min_cases": 0},
        {"min_cases": 2.5},
        {"prior_cases": -1.0},
        {"prior_cases": math.inf},
        {"instrument_sd": {"phq-9": 0.0}},
    ],
)
def test_bad_settings_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        TherapistEffectiveness(**options)  # type: ignore[arg-type]


def test_clone_copies_settings_not_state() -> None:
    model = TherapistEffectiveness(min_cases=3, prior_cases=2.0, instrument_sd=UNIT).fit(THREE)
    copy = model.clone()
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "effects_")
