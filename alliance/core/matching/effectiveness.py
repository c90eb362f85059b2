"""Measured, risk-adjusted therapist effectiveness per concern, shrunk by empirical Bayes.

Why per concern: in the Match trial (Constantino, Boswell, Coyne, Swales & Kraus 2021, *JAMA
Psychiatry* 78(9):960-969) therapists were profiled per problem domain from at least 15 prior
cases, risk-adjusted, and patients matched to therapists effective in their domains improved
more; effectiveness in one domain correlates poorly with others (Kraus et al. 2011), so there
is no single therapist "star rating". Therapists account for only about 5 % of
outcome variance (Wampold & Brown 2005, *JCCP* 73(5):914-923), so raw means from a handful of
cases mostly measure luck; hence the shrinkage and the minimum case count.

The model, for the cases of one concern (``docs/formats.md`` "Measured effectiveness"):

1. **Standardise.** ``change = s * (before - after) / SD`` and ``severity = s * before / SD``,
   where ``SD`` is the instrument's standard deviation at intake and ``s = +1`` for instruments
   where higher is worse (PHQ-9, GAD-7, CORE-10) and ``-1`` where higher is better (ORS). So
   improvement is positive and measured in intake SDs.
2. **Risk-adjust.** Within each (concern, instrument), ordinary least squares of change on
   severity across the whole clinic: ``change = a + b * severity + residual``. A residual is how
   much more (or less) a client improved than the clinic's clients with the same intake
   severity. With fewer than 3 cases or no spread in severity, ``b = 0`` (residual = change
   minus the mean change).
3. **Therapist effect.** ``raw`` = the mean residual of the therapist's ``n`` cases; the clinic
   mean is 0 by construction.
4. **Shrink** toward the clinic mean (normal-normal empirical Bayes, Morris 1983):
   ``shrunk = raw * n / (n + k)`` and ``se = sigma / sqrt(n + k)``, the posterior mean and SD
   when therapist effects have variance ``tau^2 = sigma^2 / k``. ``k`` is ``prior_cases`` (10:
   the prior weighs as much as 10 cases at the clinic mean, i.e. therapists explaining ~9 % of
   the residual variance; Wampold & Brown's 5 % would be ``k = 19``). ``sigma^2`` is the pooled
   within-therapist residual variance of the concern.
5. **Use** an effect only when ``n >= min_cases`` (default 15, as in the Match trial); below it
   :meth:`TherapistEffectiveness.effect` returns ``None`` and the ranker treats the therapist as
   exactly average -- new therapists are neither punished nor starved. An effect is called
   "strong" only when its 95 % interval excludes the clinic mean: ``shrunk - 1.96 * se > 0``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from alliance.core.matching.records import Outcome, RecordError

# SDs at intake: NHS Talking Therapies national 2022-23 figures at caseness, PHQ-9 SD 5.5 and
# GAD-7 SD 4.5 (NHS England annual report 2022-23, secondary); CORE-10 primary-care counselling
# norms SD 7.7 (Connell & Barkham 2007, CORE-10 User Manual, secondary). Other instruments: the
# SD of ``before`` in the clinic's data.
DEFAULT_INSTRUMENT_SD: Final[Mapping[str, float]] = {"phq-9": 5.5, "gad-7": 4.5, "core-10": 7.7}
# Outcome instruments shipped in instruments/ whose total has direction "higher_is_better".
DEFAULT_HIGHER_IS_BETTER: Final = frozenset({"ors"})
# 95 % interval (normal approximation).
Z_95: Final = 1.96
_MIN_CASES_FOR_SLOPE: Final = 3


@dataclass(frozen=True)
class Effect:
    """A therapist's risk-adjusted effect for one concern, in intake SDs of improvement.

    ``raw`` is the mean residual of ``n`` cases (0 = the clinic mean; positive = clients
    improved more than similar clients elsewhere in the clinic); ``shrunk`` the empirical-Bayes
    estimate; ``se`` its posterior standard deviation.
    """

    therapist: str
    concern: str
    n: int
    raw: float
    shrunk: float
    se: float

    @property
    def lower(self) -> float:
        """Lower end of the 95 % interval."""
        return self.shrunk - Z_95 * self.se

    @property
    def is_strong(self) -> bool:
        """Whether the 95 % interval lies wholly above the clinic mean."""
        return self.lower > 0


class TherapistEffectiveness:
    """Estimate each therapist's effect per concern from finished cases (scikit-learn style).

    Settings: ``min_cases`` (1 or more) -- fewer cases than this and :meth:`effect` returns
    ``None``; ``prior_cases`` (0 or more) -- the shrinkage strength ``k``; ``instrument_sd`` --
    intake SD per instrument id, overriding :data:`DEFAULT_INSTRUMENT_SD`;
    ``higher_is_better`` -- instrument ids where a higher total is better.

    Learned by :meth:`fit`: ``effects_`` (every (therapist, concern) with at least one case),
    ``clinic_mean_`` (per concern, the clinic's mean improvement in intake SDs),
    ``instrument_sd_`` (the SD used per instrument) and ``adjustment_`` (per (concern,
    instrument), the intercept and slope of change on severity).
    """

    def __init__(
        self,
        *,
        min_cases: int = 15,
        prior_cases: float = 10.0,
        instrument_sd: Mapping[str, float] | None = None,
        higher_is_better: Collection[str] = DEFAULT_HIGHER_IS_BETTER,
    ) -> None:
        if isinstance(min_cases, bool) or not isinstance(min_cases, int) or min_cases < 1:
            raise ValueError("min_cases must be a whole number, 1 or more")
        if not (math.isfinite(prior_cases) and prior_cases >= 0):
            raise ValueError("prior_cases must be a finite number, 0 or more")
        for instrument, sd in (instrument_sd or {}).items():
            if not (math.isfinite(sd) and sd > 0):
                raise ValueError(f"instrument_sd[{instrument!r}] must be a positive number")
        self.min_cases = min_cases
        self.prior_cases = prior_cases
        self.instrument_sd = instrument_sd
        self.higher_is_better = higher_is_better

    def get_params(self) -> dict[str, object]:
        """The settings, as keyword arguments for a fresh copy."""
        return {
            "min_cases": self.min_cases,
            "prior_cases": self.prior_cases,
            "instrument_sd": self.instrument_sd,
            "higher_is_better": self.higher_is_better,
        }

    def clone(self) -> TherapistEffectiveness:
        """An unfitted copy with the same settings."""
        return TherapistEffectiveness(
            min_cases=self.min_cases,
            prior_cases=self.prior_cases,
            instrument_sd=self.instrument_sd,
            higher_is_better=self.higher_is_better,
        )

    def fit(self, outcomes: Sequence[Outcome]) -> TherapistEffectiveness:
        """Learn the effects from finished cases. The order of ``outcomes`` does not matter."""
        cases = sorted(outcomes, key=_case_key)
        _check_finite(cases)
        self.instrument_sd_ = self._instrument_sds(cases)
        change, severity = self._standardise(cases)
        residual, self.adjustment_ = _risk_adjust(cases, change, severity)
        self.clinic_mean_ = _concern_means(cases, change)
        self.effects_ = self._effects(cases, residual)
        return self

    def effect(self, therapist_id: str, concern: str) -> Effect | None:
        """The therapist's effect for ``concern``, or ``None`` with fewer than ``min_cases``."""
        found = self.effects_.get((therapist_id, concern))
        return found if found is not None and found.n >= self.min_cases else None

    def _instrument_sds(self, cases: Sequence[Outcome]) -> dict[str, float]:
        given = {**DEFAULT_INSTRUMENT_SD, **(self.instrument_sd or {})}
        befores: dict[str, list[float]] = defaultdict(list)
        for case in cases:
            befores[case.instrument].append(case.before)
        sds: dict[str, float] = {}
        for instrument, values in befores.items():
            if instrument in given:
                sds[instrument] = float(given[instrument])
            else:
                spread = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
                sds[instrument] = spread if spread > 0 else 1.0
        return sds

    def _standardise(
        self, cases: Sequence[Outcome]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        sign = np.array([-1.0 if c.instrument in self.higher_is_better else 1.0 for c in cases])
        sd = np.array([self.instrument_sd_[c.instrument] for c in cases])
        before = np.array([c.before for c in cases], dtype=np.float64)
        after = np.array([c.after for c in cases], dtype=np.float64)
        return sign * (before - after) / sd, sign * before / sd

    def _effects(
        self, cases: Sequence[Outcome], residual: NDArray[np.float64]
    ) -> dict[tuple[str, str], Effect]:
        by_concern: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for index, case in enumerate(cases):
            by_concern[case.concern][case.therapist].append(index)
        effects: dict[tuple[str, str], Effect] = {}
        k = float(self.prior_cases)
        for concern, groups in by_concern.items():
            sigma = math.sqrt(_within_variance([residual[rows] for rows in groups.values()]))
            for therapist, rows in groups.items():
                n = len(rows)
                raw = float(np.mean(residual[rows]))
                effects[(therapist, concern)] = Effect(
                    therapist=therapist,
                    concern=concern,
                    n=n,
                    raw=raw,
                    shrunk=raw * n / (n + k),
                    se=sigma / math.sqrt(n + k),
                )
        return effects


def _case_key(case: Outcome) -> tuple[str, str, str, float, float]:
    return (case.therapist, case.concern, case.instrument, case.before, case.after)


def _check_finite(cases: Sequence[Outcome]) -> None:
    for case in cases:
        if not (math.isfinite(case.before) and math.isfinite(case.after)):
            raise RecordError(
                f"outcomes (therapist {case.therapist!r}, concern {case.concern!r}): "
                "before and after must be finite numbers"
            )


def _risk_adjust(
    cases: Sequence[Outcome], change: NDArray[np.float64], severity: NDArray[np.float64]
) -> tuple[NDArray[np.float64], dict[tuple[str, str], tuple[float, float]]]:
    """Residuals of change on severity, by OLS within each (concern, instrument)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        groups[(case.concern, case.instrument)].append(index)
    residual = np.zeros(len(cases), dtype=np.float64)
    fits: dict[tuple[str, str], tuple[float, float]] = {}
    for group, rows in groups.items():
        x, y = severity[rows], change[rows]
        dx = x - x.mean()
        spread = float(dx @ dx)
        slope = (
            float(dx @ (y - y.mean())) / spread
            if len(rows) >= _MIN_CASES_FOR_SLOPE and spread > 0
            else 0.0
        )
        intercept = float(y.mean()) - slope * float(x.mean())
        residual[rows] = y - (intercept + slope * x)
        fits[group] = (intercept, slope)
    return residual, fits


def _concern_means(cases: Sequence[Outcome], change: NDArray[np.float64]) -> dict[str, float]:
    rows: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        rows[case.concern].append(index)
    return {concern: float(np.mean(change[r])) for concern, r in rows.items()}


def _within_variance(groups: Sequence[NDArray[np.float64]]) -> float:
    """Pooled within-therapist variance: sum of squared deviations from each therapist's mean
    over (cases - therapists). With one case per therapist, the plain sample variance; with a
    single case in all, 1.0 (one intake SD)."""
    n_cases = sum(len(g) for g in groups)
    if n_cases > len(groups):
        squares = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
        return squares / (n_cases - len(groups))
    if n_cases > 1:
        return float(np.var(np.concatenate(groups), ddof=1))
    return 1.0
