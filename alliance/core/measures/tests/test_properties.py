"""Invariants over every instrument and formula, checked with hypothesis."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.measures.change import ChangeCategory, ReliableChange, classify_instrument_change
from alliance.core.measures.definitions import (
    AnswerKind,
    Instrument,
    Item,
    MissingRule,
    compute_score_range,
)
from alliance.core.measures.gas import compute_gas_t_score
from alliance.core.measures.scoring import score_response
from alliance.core.measures.talking_therapies import classify_talking_therapies
from alliance.core.measures.tests.helpers import INSTRUMENT_IDS, answers_for, load_instrument

SCORABLE = [i for i in INSTRUMENT_IDS if load_instrument(i).key_confirmed]


def _answer(item: Item) -> st.SearchStrategy[int]:
    answer_set = item.answer_set
    if answer_set.kind is AnswerKind.CHOICE:
        return st.sampled_from([option.value for option in answer_set.options])
    return st.integers(answer_set.minimum, answer_set.maximum)


@st.composite
def responses(draw: st.DrawFn, instrument: Instrument) -> dict[str, int | None]:
    """A complete valid response, with as many optional items missing as the rule allows."""
    answers: dict[str, int | None] = {
        item.link_id: draw(_answer(item))
        for item in instrument.items
        if item.answer_set.kind is not AnswerKind.TEXT
    }
    policy = instrument.missing
    if policy.rule is MissingRule.PRORATE:
        optional = [i.link_id for i in instrument.scored_items if i.link_id not in policy.required]
        for link_id in draw(st.lists(st.sampled_from(optional), max_size=policy.max_missing)):
            answers[link_id] = None
    return answers


@pytest.mark.parametrize("instrument_id", SCORABLE)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_score_stays_in_range(instrument_id: str, data: st.DataObject) -> None:
    instrument = load_instrument(instrument_id)
    score = score_response(instrument, data.draw(responses(instrument)))
    assert score.min <= score.total <= score.max
    for subscale in instrument.subscales:
        items = [instrument.item(link_id) for link_id in subscale.items]
        low, high = compute_score_range(items, subscale.method)
        assert low <= Fraction(str(score.subscales[subscale.id])) <= high
    if score.band is not None:
        assert score.band.minimum <= score.total < score.band.maximum + 1


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_item9_flag_is_item9_above_zero(values: list[int]) -> None:
    score = score_response(load_instrument("phq-9"), answers_for("phq-9", list(values)))
    assert score.flags["item9_risk"] is (values[8] > 0)
    assert score.critical is (values[8] > 0)
    assert score.total == sum(values)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.integers(0, 4), min_size=10, max_size=10))
def test_core10_item6_flag_and_reverse_keying(values: list[int]) -> None:
    score = score_response(load_instrument("core-10"), answers_for("core-10", list(values)))
    assert score.flags["item6_risk"] is (values[5] > 0)
    assert score.total == sum(values) - values[1] - values[2] + (4 - values[1]) + (4 - values[2])


@settings(max_examples=200, deadline=None)
@given(
    levels=st.lists(st.sampled_from([-2, -1, 0, 1]), min_size=1, max_size=8),
    index=st.integers(0, 7),
    weight=st.floats(0.5, 9),
)
def test_gas_rises_when_a_goal_improves(levels: list[int], index: int, weight: float) -> None:
    index %= len(levels)
    weights = [weight] * len(levels)
    better = [*levels[:index], levels[index] + 1, *levels[index + 1 :]]
    assert compute_gas_t_score(better, weights) > compute_gas_t_score(levels, weights)


@settings(max_examples=300, deadline=None)
@given(
    phq=st.tuples(st.integers(0, 27), st.integers(0, 27)),
    gad=st.tuples(st.integers(0, 21), st.integers(0, 21)),
)
def test_talking_therapies_consistency(phq: tuple[int, int], gad: tuple[int, int]) -> None:
    outcome = classify_talking_therapies(phq[0], phq[1], gad[0], gad[1])
    assert not (outcome.reliable_improvement and outcome.reliable_deterioration)
    assert (outcome.recovered is None) is (not outcome.case_at_start)
    if outcome.reliably_recovered:
        assert outcome.recovered
        assert outcome.reliable_improvement


@settings(max_examples=300, deadline=None)
@given(before=st.integers(0, 27), after=st.integers(0, 27))
def test_change_is_antisymmetric(before: int, after: int) -> None:
    phq9 = load_instrument("phq-9")
    forward = classify_instrument_change(phq9, before, after)
    backward = classify_instrument_change(phq9, after, before)
    mirror = {
        ReliableChange.IMPROVEMENT: ReliableChange.DETERIORATION,
        ReliableChange.DETERIORATION: ReliableChange.IMPROVEMENT,
        ReliableChange.NONE: ReliableChange.NONE,
    }
    assert backward.reliable_change is mirror[forward.reliable_change]
    if forward.category is ChangeCategory.RECOVERED:
        assert backward.category is ChangeCategory.DETERIORATED
