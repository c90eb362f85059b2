"""Invariants of matching, checked with hypothesis on small random rosters and intakes.

Small vocabularies make matches common enough that the properties are exercised, not vacuous.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.matching.constraints import check_hard_constraints, slot_margin
from alliance.core.matching.effectiveness import TherapistEffectiveness
from alliance.core.matching.ranker import Matcher, Weights
from alliance.core.matching.records import Intake, Outcome, Slot, Therapist, TimeWindow

LANGUAGES = ("en", "hi", "ta")
CITIES = ("Pune", "pune ", "PUNE", "Mumbai", "")
CONCERNS = ("anxiety", "depression", "sleep", "stress")
STYLES = ("directive", "supportive", "non_directive")
PROFESSIONS = ("counsellor", "psychiatrist", "clinical_psychologist")
GENDERS = ("female", "male", "non_binary")
IDS = tuple(f"t{i}" for i in range(12))


def _subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True).map(tuple)


def _clock(minute: int) -> str:
    return "24:00" if minute == 24 * 60 else f"{minute // 60:02d}:{minute % 60:02d}"


# Times on a coarse grid with a few odd minutes, so that slots often fit a window, sometimes by
# exactly 0 minutes, and sometimes miss it by a little. The first value of each list is what
# hypothesis starts from and shrinks to: a wide window and an evening slot that fit.
SLOT_HOURS = st.sampled_from((18, 8, 10, 12, 17, 19, 20, 6))
WINDOW_HOURS = st.sampled_from((8, 6, 10, 12, 17, 18, 19, 20))
MINUTES = st.sampled_from((0, 10, 30, 50))
EDGE = st.sampled_from((0, 30, 1, -1))


@st.composite
def slots(draw: st.DrawFn) -> Slot:
    start = draw(SLOT_HOURS) * 60 + draw(MINUTES)
    minutes = draw(st.sampled_from((15, 50, 60, 90, 180)))
    return Slot(draw(st.integers(0, 1)), _clock(start), minutes)


@st.composite
def windows(draw: st.DrawFn) -> TimeWindow:
    start = draw(WINDOW_HOURS) * 60 + draw(MINUTES)
    length = draw(st.sampled_from((840, 600, 360, 240, 180, 120, 60, 50, 10)))
    return TimeWindow(draw(st.integers(0, 1)), _clock(start), _clock(min(start + length, 1440)))


@st.composite
def therapists(draw: st.DrawFn, therapist_id: str) -> Therapist:
    formats = draw(st.sampled_from((("online", "in_person"), ("online",), ("in_person",))))
    fee = float(draw(st.integers(0, 20)) * 100)
    sliding = draw(st.one_of(st.none(), st.integers(0, int(fee) // 100).map(lambda x: x * 100.0)))
    unique_slots = st.lists(
        slots(), min_size=1, max_size=4, unique_by=lambda s: (s.weekday, s.start)
    )
    return Therapist(
        id=therapist_id,
        profession=draw(st.sampled_from(PROFESSIONS)),
        styles=draw(_subset(STYLES)),
        approaches=(),
        concerns=draw(_subset(CONCERNS)),
        languages=draw(_subset(LANGUAGES, 1)),
        formats=formats,
        city=draw(st.sampled_from(CITIES[:4])),
        fee=fee,
        sliding_scale_min=sliding,
        gender=draw(st.sampled_from(GENDERS)),
        slots=tuple(draw(unique_slots)),
        capacity=draw(st.sampled_from((1, 2, 0, 3))),
        accepting=draw(st.sampled_from((True, True, True, False))),
    )


@st.composite
def rosters(draw: st.DrawFn) -> tuple[Therapist, ...]:
    ids = draw(st.lists(st.sampled_from(IDS), max_size=8, unique=True))
    return tuple(draw(therapists(therapist_id)) for therapist_id in ids)


@st.composite
def intakes(draw: st.DrawFn, roster: tuple[Therapist, ...] = (), intake_id: str = "c1") -> Intake:
    """A random intake; with a roster, often with a window around one of its slots (by 0, 1 or
    30 minutes on each side, or missing it by 1), so that feasible pairs are common."""
    times = draw(st.lists(windows(), min_size=1, max_size=3))
    free = [slot for therapist in roster for slot in therapist.slots]
    around_a_slot = draw(st.booleans())
    if free and around_a_slot:
        slot = draw(st.sampled_from(free))
        before, after = draw(EDGE), draw(EDGE)
        start = max(0, slot.start_minute - before)
        end = min(1440, max(start + 1, slot.end_minute + after))
        times.append(TimeWindow(slot.weekday, _clock(start), _clock(end)))
    return Intake(
        id=intake_id,
        concerns=draw(_subset(CONCERNS)),
        languages=draw(_subset(LANGUAGES, 1)),
        format=draw(st.sampled_from(("either", "online", "in_person"))),
        city=draw(st.sampled_from(CITIES)),
        max_fee=float(draw(st.integers(0, 25)) * 100),
        times=tuple(times),
        styles=draw(_subset(STYLES)),
        professions=draw(_subset(PROFESSIONS)),
        therapist_gender=draw(st.one_of(st.none(), st.sampled_from(GENDERS))),
        exclude=tuple(draw(st.lists(st.sampled_from(IDS[:4]), max_size=1))),
        phq9=None,
        gad7=None,
    )


@st.composite
def outcome_sets(draw: st.DrawFn) -> list[Outcome]:
    cases = st.builds(
        Outcome,
        st.sampled_from(IDS),
        st.sampled_from(CONCERNS),
        st.sampled_from(("phq-9", "gad-7")),
        st.integers(0, 21).map(float),
        st.integers(0, 21).map(float),
    )
    return draw(st.lists(cases, max_size=40))


weights = st.builds(
    Weights,
    *(st.integers(0, 5).map(float) for _ in range(5)),
    st.integers(1, 5).map(float),
)
EFFECT = TherapistEffectiveness(min_cases=2, prior_cases=2.0)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(roster=rosters(), outcomes=outcome_sets(), w=weights, data=st.data())
def test_rank_returns_exactly_the_feasible_therapists_in_order(
    roster: tuple[Therapist, ...], outcomes: list[Outcome], w: Weights, data: st.DataObject
) -> None:
    intake = data.draw(intakes(roster))
    ranked = Matcher(weights=w, effectiveness=EFFECT).fit(roster, outcomes).rank(intake)
    feasible = {t.id for t in roster if check_hard_constraints(t, intake) == ()}
    assert {m.therapist for m in ranked} == feasible  # hard constraints never violated
    assert all(0.0 <= m.score <= 100.0 and m.score == round(m.score, 2) for m in ranked)
    keys = [(-m.score, m.therapist) for m in ranked]
    assert keys == sorted(keys)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(roster=rosters(), outcomes=outcome_sets(), data=st.data())
def test_ranking_does_not_depend_on_roster_order(
    roster: tuple[Therapist, ...], outcomes: list[Outcome], data: st.DataObject
) -> None:
    intake = data.draw(intakes(roster))
    shuffled = data.draw(st.permutations(roster))
    first = Matcher(effectiveness=EFFECT).fit(roster, outcomes).rank(intake)
    second = Matcher(effectiveness=EFFECT).fit(shuffled, outcomes).rank(intake)
    assert first == second


@settings(max_examples=80, deadline=None)
@given(roster=rosters(), outcomes=outcome_sets(), data=st.data())
def test_score_pairs_agrees_with_rank_and_explain(
    roster: tuple[Therapist, ...], outcomes: list[Outcome], data: st.DataObject
) -> None:
    waiting = [data.draw(intakes(roster, f"c{i}")) for i in range(data.draw(st.integers(0, 4)))]
    matcher = Matcher(effectiveness=EFFECT).fit(roster, outcomes)
    clients, therapists, scores = matcher.score_pairs(waiting)
    pairs = {
        (int(c), roster[int(t)].id): float(s)
        for c, t, s in zip(clients, therapists, scores, strict=True)
    }
    expected = {
        (index, match.therapist): match.score
        for index, intake in enumerate(waiting)
        for match in matcher.rank(intake)
    }
    assert pairs == expected  # same pairs, bit-identical scores
    for index, intake in enumerate(waiting):
        for therapist in roster:
            match = matcher.explain(intake, therapist.id)
            score = expected.get((index, therapist.id))
            assert (match is None) == (score is None)
            assert match is None or match.score == score


@settings(max_examples=40, deadline=None)
@given(roster=rosters(), data=st.data())
def test_reasons_are_never_empty_and_never_repeat(
    roster: tuple[Therapist, ...], data: st.DataObject
) -> None:
    for match in Matcher().fit(roster).rank(data.draw(intakes(roster))):
        assert match.reasons
        assert len(set(match.reasons)) == len(match.reasons)
        assert not set(match.reasons) & set(match.unmet)


def reference_score(matcher: Matcher, therapist: Therapist, intake: Intake) -> float:
    """The documented score formula (ranker.py docstring), one pair at a time in plain Python."""
    w = matcher.weights_
    wanted = intake.concerns
    concerns = sum(c in therapist.concerns for c in wanted) / len(wanted) if wanted else 1.0
    styles = 1.0 if not intake.styles or set(intake.styles) & set(therapist.styles) else 0.0
    professions = (
        1.0 if not intake.professions or therapist.profession in intake.professions else 0.0
    )
    gender = 1.0 if intake.therapist_gender in (None, therapist.gender) else 0.0
    margin = max(slot_margin(slot, intake) for slot in therapist.slots)
    slot = 0.5 + 0.5 * min(margin, 60) / 60
    effects = [matcher.effectiveness_.effect(therapist.id, c) for c in wanted]
    mean = sum(e.shrunk if e is not None else 0.0 for e in effects) / len(wanted) if wanted else 0.0
    effectiveness = min(1.0, max(0.0, 0.5 + mean))
    total = (
        w.concerns * concerns
        + w.styles * styles
        + w.professions * professions
        + w.gender * gender
        + w.slot * slot
        + w.effectiveness * effectiveness
    )
    return 100 * total / w.total


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(roster=rosters(), outcomes=outcome_sets(), w=weights, data=st.data())
def test_scores_follow_the_documented_formula(
    roster: tuple[Therapist, ...], outcomes: list[Outcome], w: Weights, data: st.DataObject
) -> None:
    matcher = Matcher(weights=w, effectiveness=EFFECT).fit(roster, outcomes)
    intake = data.draw(intakes(roster))
    by_id = {t.id: t for t in roster}
    for match in matcher.rank(intake):
        expected = reference_score(matcher, by_id[match.therapist], intake)
        assert match.score == pytest.approx(expected, abs=0.005 + 1e-9)
