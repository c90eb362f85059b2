"""Dropout model: AUC by hand, fitting on data whose true direction is known, honest validation.

Feature choice and sources in core/monitoring/dropout.py (weaker alliance predicts dropout,
Sharf et al. 2010, d = .55; base rate 19.7 %, Swift & Greenberg 2012).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from alliance.core.errors import InvalidInput
from alliance.core.monitoring.dropout import (
    FEATURES,
    DropoutModel,
    Example,
    auc,
    fit_dropout_model,
    model_from_json,
    model_to_json,
    predict_dropout,
    validate_dropout_model,
)

AT_MEANS = {"early_alliance": 12.0, "attendance": 0.9, "change_so_far": 0.0, "days_since_last": 7}


def synthetic(n: int, seed: int) -> list[Example]:
    """Clients whose true log-odds of dropping out fall with alliance and attendance and rise
    with worsening symptoms and a longer gap since the last session.
    """
    rng = np.random.default_rng(seed)
    alliance = rng.uniform(4, 16, n)
    attendance = rng.uniform(0.4, 1.0, n)
    change = rng.normal(0, 1, n)
    days = rng.uniform(0, 30, n)
    logit = (
        -1.4 - 0.45 * (alliance - 10) - 4.0 * (attendance - 0.7) + 0.9 * change + 0.08 * (days - 15)
    )
    dropped = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    return [
        Example(
            {
                "early_alliance": float(alliance[i]),
                "attendance": float(attendance[i]),
                "change_so_far": float(change[i]),
                "days_since_last": float(days[i]),
            },
            bool(dropped[i]),
        )
        for i in range(n)
    ]


DATA = synthetic(400, seed=7)


@pytest.mark.parametrize(
    ("scores", "labels", "expected"),
    [
        ([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 1.0),  # perfect
        ([0.9, 0.8, 0.2, 0.1], [False, False, True, True], 0.0),  # inverted
        ([0.5, 0.5, 0.5, 0.5], [False, True, False, True], 0.5),  # all tied
        # Pairs (positive, negative): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes = 3/4.
        ([0.1, 0.4, 0.35, 0.8], [False, False, True, True], 0.75),
        # Positives 0.5, 0.7; negatives 0.5, 0.2: tie 0.5 + 1 + 1 + 1 = 3.5 / 4.
        ([0.5, 0.5, 0.2, 0.7], [True, False, False, True], 0.875),
        # One positive above two of three negatives: 2/3.
        ([1, 2, 3, 2.5], [False, False, False, True], 2 / 3),
    ],
)
def test_auc_by_hand(scores: list[float], labels: list[bool], expected: float) -> None:
    assert auc(scores, labels) == pytest.approx(expected)


def test_auc_needs_both_labels_and_equal_lengths() -> None:
    with pytest.raises(InvalidInput) as raised:
        auc([0.1, 0.2], [True, True])
    assert raised.value.code == "auc_undefined"
    with pytest.raises(InvalidInput):
        auc([0.1, 0.2], [True])


def test_constant_features_give_the_base_rate() -> None:
    # 40 clients, 10 dropped out, identical features: standardised values are all 0, so the
    # penalised coefficients are 0 and the unpenalised intercept is logit(10/40) = ln(1/3).
    examples = [Example(AT_MEANS, i < 10) for i in range(40)]
    model = fit_dropout_model(examples)
    assert model.intercept == pytest.approx(math.log(1 / 3))  # -1.0986
    assert all(model.coefficients[f] == pytest.approx(0) for f in FEATURES)
    assert model.scales == dict.fromkeys(FEATURES, 1.0)  # SD 0 -> scale 1
    assert (model.n, model.base_rate) == (40, 0.25)
    assert predict_dropout(model, AT_MEANS).probability == pytest.approx(0.25)


def test_fit_recovers_the_true_directions() -> None:
    model = fit_dropout_model(DATA)
    assert model.coefficients["early_alliance"] < 0
    assert model.coefficients["attendance"] < 0
    assert model.coefficients["change_so_far"] > 0
    assert model.coefficients["days_since_last"] > 0


def test_fit_is_at_the_penalised_optimum() -> None:
    # Optimality: X'(p - y) + l2 * coef = 0 on standardised features, and sum(p) = sum(y) for the
    # unpenalised intercept.
    l2 = 3.0
    model = fit_dropout_model(DATA, l2=l2)
    x = np.array([[e.features[f] for f in FEATURES] for e in DATA])
    z = (x - [model.means[f] for f in FEATURES]) / [model.scales[f] for f in FEATURES]
    coef = np.array([model.coefficients[f] for f in FEATURES])
    p = 1 / (1 + np.exp(-(model.intercept + z @ coef)))
    y = np.array([e.dropped_out for e in DATA], dtype=float)
    assert p.sum() == pytest.approx(y.sum())
    assert z.T @ (p - y) + l2 * coef == pytest.approx(np.zeros(4), abs=1e-8)


def test_validation_on_held_out_data() -> None:
    result = validate_dropout_model(DATA, seed=1)
    assert result.n_train + result.n_test == len(DATA)
    assert result.auc > 0.7
    assert 0 < result.brier < 0.25  # 0.25 = always predicting 0.5
    assert sum(count for _, _, count in result.calibration) == result.n_test
    assert len(result.calibration) == 5
    predicted = [mean for mean, _, _ in result.calibration]
    assert predicted == sorted(predicted)  # bins go from lowest to highest risk


def test_split_is_stratified() -> None:
    dropped = sum(e.dropped_out for e in DATA)
    result = validate_dropout_model(DATA, test_share=0.25)
    # round(0.25 * dropped) + round(0.25 * stayed) examples held out.
    assert result.n_test == round(0.25 * dropped) + round(0.25 * (len(DATA) - dropped))


def test_validation_is_deterministic() -> None:
    assert validate_dropout_model(DATA, seed=3) == validate_dropout_model(DATA, seed=3)
    assert validate_dropout_model(DATA, seed=3) != validate_dropout_model(DATA, seed=4)


def test_thin_data_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        fit_dropout_model([Example(AT_MEANS, i < 10) for i in range(39)])
    assert raised.value.code == "too_few_examples"
    with pytest.raises(InvalidInput) as raised:
        fit_dropout_model([Example(AT_MEANS, i < 9) for i in range(100)])
    assert raised.value.code == "too_few_examples"
    with pytest.raises(InvalidInput):
        fit_dropout_model([Example(AT_MEANS, i < 31) for i in range(40)])  # 9 stayed
    with pytest.raises(InvalidInput):  # 50 examples: the 70 % training part (35) is too small
        validate_dropout_model([Example(AT_MEANS, i < 20) for i in range(50)])


def test_bad_features_are_refused() -> None:
    missing = {k: v for k, v in AT_MEANS.items() if k != "attendance"}
    with pytest.raises(InvalidInput) as raised:
        fit_dropout_model([Example(missing, i < 10) for i in range(40)])
    assert raised.value.code == "missing_feature"
    with pytest.raises(InvalidInput) as raised:
        fit_dropout_model([Example({**AT_MEANS, "attendance": 1.5}, i < 10) for i in range(40)])
    assert raised.value.code == "feature_out_of_range"


def test_json_round_trip() -> None:
    model = fit_dropout_model(DATA)
    assert model_from_json(json.loads(json.dumps(model_to_json(model)))) == model


@pytest.mark.parametrize(
    "change",
    [
        {"format": "something else"},
        {"coefficients": {"early_alliance": 1.0}},
        {"scales": dict.fromkeys(FEATURES, 0.0)},
        {"intercept": "high"},
        {"base_rate": 1.0},
        {"n": 3},
    ],
)
def test_bad_json_is_refused(change: dict[str, object]) -> None:
    data = {**model_to_json(fit_dropout_model(DATA)), **change}
    with pytest.raises(InvalidInput) as raised:
        model_from_json(data)
    assert raised.value.code == "invalid_model"


def hand_model(base_rate: float = 0.2, probability_at_means: float = 0.2) -> DropoutModel:
    return DropoutModel(
        coefficients={
            "early_alliance": -0.5,
            "attendance": -0.8,
            "change_so_far": 0.6,
            "days_since_last": 0.4,
        },
        intercept=math.log(probability_at_means / (1 - probability_at_means)),
        means=AT_MEANS,
        scales={"early_alliance": 2, "attendance": 0.1, "change_so_far": 1, "days_since_last": 7},
        n=200,
        base_rate=base_rate,
    )


@pytest.mark.parametrize(
    ("base_rate", "probability", "level"),
    [
        # Base rate 0.2: high at 2 x 0.2 = 0.4, moderate at 1.25 x 0.2 = 0.25.
        (0.2, 0.41, "high"),
        (0.2, 0.39, "moderate"),
        (0.2, 0.26, "moderate"),
        (0.2, 0.24, "low"),
        (0.2, 0.2, "low"),
        # Base rate 0.6: 2x would be 1.2, capped at (1 + 0.6)/2 = 0.8; moderate is
        # min(0.75, (1 + 1.8)/4 = 0.7) = 0.7.
        (0.6, 0.81, "high"),
        (0.6, 0.79, "moderate"),
        (0.6, 0.69, "low"),
    ],
)
def test_risk_levels_relative_to_base_rate(
    base_rate: float, probability: float, level: str
) -> None:
    risk = predict_dropout(hand_model(base_rate, probability), AT_MEANS)
    assert risk.probability == pytest.approx(probability)
    assert risk.level == level
    assert risk.reasons == ()  # at the clinic means nothing pushes risk up


def test_reasons_name_the_clients_values() -> None:
    client = {"early_alliance": 8, "attendance": 0.6, "change_so_far": 1.5, "days_since_last": 21}
    risk = predict_dropout(hand_model(), client)
    # Contributions coef * (x - mean) / scale:
    #   alliance -0.5 * (8 - 12)/2 = 1.0; attendance -0.8 * (0.6 - 0.9)/0.1 = 2.4;
    #   change 0.6 * 1.5 = 0.9; days 0.4 * (21 - 7)/7 = 0.8 (fourth: left out).
    # logit = ln(0.25) + 5.1 = 3.7137 -> p = 0.9762.
    assert risk.probability == pytest.approx(1 / (1 + math.exp(-(math.log(0.25) + 5.1))))
    assert risk.level == "high"
    assert [r.feature for r in risk.reasons] == ["attendance", "early_alliance", "change_so_far"]
    assert [r.contribution for r in risk.reasons] == pytest.approx([2.4, 1.0, 0.9])
    assert [r.text for r in risk.reasons] == [
        "Attended 60% of scheduled sessions (missed or cancelled the rest), "
        "against a clinic average of 90%.",
        "Check-ins over the first sessions averaged 8 out of 16, against a clinic average of 12.",
        "Symptoms have reliably worsened since the first session "
        "(1.5 times the change that counts as reliable).",
    ]


def test_reason_texts_for_days_and_improvement() -> None:
    model = DropoutModel(
        coefficients={**dict.fromkeys(FEATURES, 0.0), "change_so_far": -0.6, "days_since_last": 1},
        intercept=-1.0,
        means=AT_MEANS,
        scales=dict.fromkeys(FEATURES, 1.0),
        n=100,
        base_rate=0.2,
    )
    # Improved a little (-0.5, below the mean 0, with a negative coefficient: +0.3) and 8 days
    # since the last session (+1 over the mean 7).
    risk = predict_dropout(model, {**AT_MEANS, "change_so_far": -0.5, "days_since_last": 8})
    assert [r.text for r in risk.reasons] == [
        "It has been 8 days since the last session held, against a clinic average of 7.",
        "Symptoms have improved a little since the first session "
        "(0.5 times the change that counts as reliable).",
    ]


def test_prediction_needs_every_feature() -> None:
    with pytest.raises(InvalidInput) as raised:
        predict_dropout(hand_model(), {"early_alliance": 10})
    assert raised.value.code == "missing_feature"
