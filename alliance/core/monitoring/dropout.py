"""Dropout risk from the clinic's own history: a small logistic model, honestly validated.

Why these features: weaker alliance predicts dropout, d = .55 for client and therapist raters
alike (Sharf, Primavera & Diener 2010, Psychotherapy 47(4):637-645), so the early alliance comes
first; progress matters (progress feedback reduces dropout, OR = 1.19, de Jong et al. 2021, Clin
Psychol Rev 85:102002; not-on-track clients are the ones feedback helps, Whipple et al. 2003).
Attendance and the gap since the last session are our own engagement signals: no published
source backs them, and the fitted coefficients, not a citation, say whether they help in a given
clinic. About one client in five drops out (19.7 %, Swift & Greenberg 2012, J Consult Clin
Psychol 80(4):547-559), so risk is shown relative to the clinic's base rate. We know of no
product that predicts dropout for a single client-therapist pair (docs/dropout-model.md): treat
the output as a prompt to talk, never a verdict, and read :func:`validate_dropout_model` before
trusting it.

Features (:data:`FEATURES`), one value each per client at the time of prediction:

- ``early_alliance``: the mean client Alliance Check-in total (four items 0-4, total 0-16,
  higher = stronger alliance; not a validated instrument, see ``core.monitoring.rupture``) over
  the first 3 sessions, or as many as were held so far.
- ``attendance``: the share of scheduled sessions attended, 0-1 (missed and late-cancelled
  sessions count as not attended).
- ``change_so_far``: change on the primary outcome from intake to the latest score, divided by
  the instrument's reliable-change threshold (Jacobson & Truax 1991) and signed so that
  **negative = improving** whatever the instrument's direction; -1 is a just-reliable
  improvement.
- ``days_since_last``: whole or fractional days since the last held session, 0 or more.

What counts as dropping out is the caller's definition and must be explicit (Alliance's own
rule: e.g. a unilateral ending before an agreed end criterion, with no planned-ending review).

The model: each feature is standardised with the training mean and population SD (a constant
feature gets scale 1 and standardised value 0, so it contributes nothing); then logistic
regression with an L2 penalty ``l2/2 * sum(coef^2)`` on the standardised coefficients (not the
intercept), fitted by Newton's method with step halving -- deterministic, no randomness.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from alliance.core.errors import InvalidInput

FEATURES: Final = ("early_alliance", "attendance", "change_so_far", "days_since_last")
# Inclusive ranges; None = unbounded on that side.
FEATURE_RANGES: Final[Mapping[str, tuple[float | None, float | None]]] = {
    "early_alliance": (0.0, 16.0),
    "attendance": (0.0, 1.0),
    "change_so_far": (None, None),
    "days_since_last": (0.0, None),
}
MIN_EXAMPLES: Final = 40
MIN_PER_CLASS: Final = 10
# Risk levels relative to the base rate (our own design): "high" at 2x the base rate,
# "moderate" at 1.25x. With a base rate above 1/3 (or 1/2), 2x (1.25x) is capped at half
# (a quarter) of the way from the base rate to certainty so the levels stay reachable.
HIGH_RISK_RATIO: Final = 2.0
MODERATE_RISK_RATIO: Final = 1.25
MAX_REASONS: Final = 3
MODEL_FORMAT: Final = "alliance.dropout-model/1"
_MAX_ITERATIONS: Final = 100
_TOLERANCE: Final = 1e-10

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Example:
    """One past client: the features at the time of prediction and whether they dropped out."""

    features: Mapping[str, float]
    dropped_out: bool


@dataclass(frozen=True)
class DropoutModel:
    """A fitted model. ``coefficients`` are per standardised feature (log-odds per training SD);
    ``means``/``scales`` standardise raw values; ``n`` is the number of training examples and
    ``base_rate`` the share of them who dropped out.
    """

    coefficients: Mapping[str, float]
    intercept: float
    means: Mapping[str, float]
    scales: Mapping[str, float]
    n: int
    base_rate: float


@dataclass(frozen=True)
class Validation:
    """Held-out performance. ``auc``: chance that a dropout outranks a non-dropout (0.5 = no
    better than chance); ``brier``: mean squared error of the probabilities (lower is better);
    ``calibration``: (mean predicted, observed rate, count) per bin of equal count, lowest first.
    """

    n_train: int
    n_test: int
    auc: float
    brier: float
    calibration: tuple[tuple[float, float, int], ...]


@dataclass(frozen=True)
class Reason:
    """A feature that raises this client's risk; ``contribution`` is in log-odds (> 0)."""

    feature: str
    text: str
    contribution: float


@dataclass(frozen=True)
class DropoutRisk:
    """``level`` is "low", "moderate" or "high"; ``reasons`` at most 3, biggest first."""

    level: str
    probability: float
    reasons: tuple[Reason, ...]


def fit_dropout_model(examples: Sequence[Example], l2: float = 1.0) -> DropoutModel:
    """Fit the L2-regularised logistic model (see the module docstring) on ``examples``.

    Refuses (:class:`InvalidInput`, code ``too_few_examples``) fewer than 40 examples or fewer
    than 10 dropouts or non-dropouts: below that the coefficients are noise.
    """
    if not (math.isfinite(l2) and l2 > 0):
        raise InvalidInput("l2 must be a positive number", code="invalid")
    matrix, labels = _arrays(examples)
    n_dropped = int(labels.sum())
    if len(labels) < MIN_EXAMPLES or min(n_dropped, len(labels) - n_dropped) < MIN_PER_CLASS:
        raise InvalidInput(
            f"Need at least {MIN_EXAMPLES} past clients and {MIN_PER_CLASS} who dropped out and "
            f"{MIN_PER_CLASS} who did not (got {len(labels)}, {n_dropped} dropped out).",
            code="too_few_examples",
        )
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    # A constant column: its float SD can be 1e-16 rather than 0, so test the spread exactly.
    scales[matrix.max(axis=0) == matrix.min(axis=0)] = 1.0
    beta = _newton((matrix - means) / scales, labels, l2)
    return DropoutModel(
        coefficients={f: float(b) for f, b in zip(FEATURES, beta[1:], strict=True)},
        intercept=float(beta[0]),
        means={f: float(m) for f, m in zip(FEATURES, means, strict=True)},
        scales={f: float(s) for f, s in zip(FEATURES, scales, strict=True)},
        n=len(labels),
        base_rate=n_dropped / len(labels),
    )


def validate_dropout_model(
    examples: Sequence[Example],
    *,
    test_share: float = 0.3,
    seed: int = 0,
    bins: int = 5,
    l2: float = 1.0,
) -> Validation:
    """Fit on a training split and measure on the held-out rest.

    The split is stratified: ``round(test_share * n)`` of each class (at least 1) go to the test
    set, drawn by ``numpy.random.default_rng(seed)``; the same examples in the same order and the
    same seed give the same :class:`Validation`. Calibration bins hold equal numbers of test
    examples sorted by predicted probability (as in Hosmer-Lemeshow deciles of risk); their
    counts add up to ``n_test``. Raises :class:`InvalidInput` when the training part is too small
    for :func:`fit_dropout_model`.
    """
    if not 0 < test_share < 1:
        raise InvalidInput("test_share must be between 0 and 1", code="invalid")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise InvalidInput("bins must be a whole number, 1 or more", code="invalid")
    _, labels = _arrays(examples)
    test = _stratified_test_indices(labels, test_share, seed)
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[test] = True
    train = [e for e, held_out in zip(examples, is_test, strict=True) if not held_out]
    model = fit_dropout_model(train, l2=l2)
    probabilities = _probabilities(model, [examples[i] for i in test])
    outcomes = labels[test]
    return Validation(
        n_train=len(train),
        n_test=len(test),
        auc=auc(probabilities.tolist(), outcomes.astype(bool).tolist()),
        brier=float(np.mean((probabilities - outcomes) ** 2)),
        calibration=_calibration(probabilities, outcomes, bins),
    )


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve as the Mann-Whitney statistic: the share of (positive, negative)
    pairs where the positive scores higher, ties counting 0.5. Needs both classes.
    """
    if len(scores) != len(labels):
        raise InvalidInput("scores and labels differ in length", code="invalid")
    positive = np.asarray(labels, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise InvalidInput("AUC needs at least one of each label", code="auc_undefined")
    ranks = np.asarray(rankdata(np.asarray(scores, dtype=np.float64)), dtype=np.float64)
    rank_sum = float(ranks[positive].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def predict_dropout(model: DropoutModel, features: Mapping[str, float]) -> DropoutRisk:
    """This client's dropout probability, its level and up to 3 reasons in plain words.

    Levels against the model's base rate ``b`` (our design, see :data:`HIGH_RISK_RATIO`):
    "high" at ``min(2b, (1 + b)/2)`` or more, "moderate" at ``min(1.25b, (1 + 3b)/4)`` or more,
    else "low". Reasons are the features with a positive contribution ``coef * (x - mean) /
    scale``, largest first. Raises :class:`InvalidInput` on a missing or out-of-range feature.
    """
    row = _row(features)
    contributions = {
        f: model.coefficients[f] * (row[i] - model.means[f]) / model.scales[f]
        for i, f in enumerate(FEATURES)
    }
    probability = _sigmoid_scalar(model.intercept + sum(contributions.values()))
    pushing_up = sorted(
        (f for f in FEATURES if contributions[f] > 0), key=lambda f: -contributions[f]
    )
    reasons = tuple(
        Reason(f, _REASON_TEXT[f](row[FEATURES.index(f)], model.means[f]), contributions[f])
        for f in pushing_up[:MAX_REASONS]
    )
    return DropoutRisk(_level(probability, model.base_rate), probability, reasons)


def model_to_json(model: DropoutModel) -> dict[str, object]:
    """The model as JSON-ready data (plain dicts, lists and numbers), tagged with its format."""
    return {
        "format": MODEL_FORMAT,
        "features": list(FEATURES),
        "coefficients": {f: model.coefficients[f] for f in FEATURES},
        "intercept": model.intercept,
        "means": {f: model.means[f] for f in FEATURES},
        "scales": {f: model.scales[f] for f in FEATURES},
        "n": model.n,
        "base_rate": model.base_rate,
    }


def model_from_json(data: object) -> DropoutModel:
    """Read what :func:`model_to_json` wrote; raises :class:`InvalidInput` (``invalid_model``)
    on anything else.
    """
    if not isinstance(data, Mapping) or data.get("format") != MODEL_FORMAT:
        raise InvalidInput(f"not a {MODEL_FORMAT} model", code="invalid_model")
    if data.get("features") != list(FEATURES):
        raise InvalidInput("the model's features differ from this version's", code="invalid_model")
    n = data.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n < MIN_EXAMPLES:
        raise InvalidInput("the model's n is not a valid count", code="invalid_model")
    base_rate = _number(data.get("base_rate"))
    scales = _per_feature(data.get("scales"))
    if not 0 < base_rate < 1 or any(s <= 0 for s in scales.values()):
        raise InvalidInput("the model's base rate or scales are invalid", code="invalid_model")
    return DropoutModel(
        coefficients=_per_feature(data.get("coefficients")),
        intercept=_number(data.get("intercept")),
        means=_per_feature(data.get("means")),
        scales=scales,
        n=n,
        base_rate=base_rate,
    )


def _newton(z: FloatArray, y: FloatArray, l2: float) -> FloatArray:
    design = np.column_stack([np.ones(len(y)), z])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not penalised

    def objective(beta: FloatArray) -> float:
        eta = design @ beta
        return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * penalty @ (beta * beta))

    beta = np.zeros(design.shape[1])
    for _ in range(_MAX_ITERATIONS):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (p - y) + penalty * beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        current, shrink = objective(beta), 1.0
        while objective(beta - shrink * step) > current and shrink > 1e-10:
            shrink /= 2
        beta = beta - shrink * step
        if float(np.max(np.abs(shrink * step))) < _TOLERANCE:
            return beta
    raise InvalidInput("the dropout model did not converge", code="did_not_converge")


def _sigmoid(eta: FloatArray) -> FloatArray:
    # tanh form: no overflow for large |eta|.
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * eta)), dtype=np.float64)


def _sigmoid_scalar(eta: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * eta))


def _probabilities(model: DropoutModel, examples: Sequence[Example]) -> FloatArray:
    matrix = np.array([_row(e.features) for e in examples], dtype=np.float64)
    means = np.array([model.means[f] for f in FEATURES])
    scales = np.array([model.scales[f] for f in FEATURES])
    coefficients = np.array([model.coefficients[f] for f in FEATURES])
    return _sigmoid(model.intercept + ((matrix - means) / scales) @ coefficients)


def _stratified_test_indices(labels: FloatArray, test_share: float, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    test: list[int] = []
    for value in (0.0, 1.0):
        members = np.flatnonzero(labels == value)
        take = min(len(members), max(1, round(test_share * len(members))))
        test.extend(int(i) for i in rng.permutation(members)[:take])
    return sorted(test)


def _calibration(
    probabilities: FloatArray, outcomes: FloatArray, bins: int
) -> tuple[tuple[float, float, int], ...]:
    order = np.argsort(probabilities, kind="stable")
    return tuple(
        (float(probabilities[chunk].mean()), float(outcomes[chunk].mean()), len(chunk))
        for chunk in np.array_split(order, bins)
        if len(chunk)
    )


def _level(probability: float, base_rate: float) -> str:
    high = min(HIGH_RISK_RATIO * base_rate, (1 + base_rate) / 2)
    moderate = min(MODERATE_RISK_RATIO * base_rate, (1 + 3 * base_rate) / 4)
    if probability >= high:
        return "high"
    return "moderate" if probability >= moderate else "low"


def _arrays(examples: Sequence[Example]) -> tuple[FloatArray, FloatArray]:
    matrix = np.array([_row(e.features) for e in examples], dtype=np.float64)
    labels = np.array([1.0 if e.dropped_out else 0.0 for e in examples], dtype=np.float64)
    return matrix.reshape(len(examples), len(FEATURES)), labels


def _row(features: Mapping[str, float]) -> list[float]:
    missing = [f for f in FEATURES if f not in features]
    if missing:
        raise InvalidInput(f"missing feature(s): {', '.join(missing)}", code="missing_feature")
    row = [float(features[f]) for f in FEATURES]
    for name, value in zip(FEATURES, row, strict=True):
        low, high = FEATURE_RANGES[name]
        if (
            not math.isfinite(value)
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            raise InvalidInput(f"{name} = {value} is out of range", code="feature_out_of_range")
    return row


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput("the model holds a value that is not a number", code="invalid_model")
    return float(value)


def _per_feature(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping) or set(value) != set(FEATURES):
        raise InvalidInput("the model needs one value per feature", code="invalid_model")
    return {f: _number(value[f]) for f in FEATURES}


def _fmt(value: float) -> str:
    return f"{round(value, 1) + 0.0:g}"


def _alliance_text(value: float, mean: float) -> str:
    return (
        f"Check-ins over the first sessions averaged {_fmt(value)} out of 16, "
        f"against a clinic average of {_fmt(mean)}."
    )


def _attendance_text(value: float, mean: float) -> str:
    return (
        f"Attended {round(100 * value)}% of scheduled sessions (missed or cancelled the rest), "
        f"against a clinic average of {round(100 * mean)}%."
    )


def _change_text(value: float, _mean: float) -> str:
    size = f"{_fmt(abs(value))} times the change that counts as reliable"
    if value >= 1:
        return f"Symptoms have reliably worsened since the first session ({size})."
    if value > 0:
        return f"Symptoms are a little worse than at the first session ({size})."
    if value == 0:
        return "Symptoms have not changed since the first session."
    if value > -1:
        return f"Symptoms have improved a little since the first session ({size})."
    return f"Symptoms have reliably improved since the first session ({size})."


def _days_text(value: float, mean: float) -> str:
    days = round(value)
    unit = "day" if days == 1 else "days"
    return (
        f"It has been {days} {unit} since the last session held, "
        f"against a clinic average of {_fmt(mean)}."
    )


_REASON_TEXT: Final[Mapping[str, Callable[[float, float], str]]] = {
    "early_alliance": _alliance_text,
    "attendance": _attendance_text,
    "change_so_far": _change_text,
    "days_since_last": _days_text,
}
