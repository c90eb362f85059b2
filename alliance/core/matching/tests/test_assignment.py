"""Waitlist assignment: hand-solved cases, and optimality against independent solvers.

The objective (issue 4, ``alliance assign``): first place as many clients as constraints and
capacities allow, then maximise the sum of pair scores. The fake matcher below provides only what
:class:`core.matching.assignment.PairScorer` asks for, so these tests pin the assignment alone.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from alliance.core.matching.assignment import (
    EVERY_SUITABLE_THERAPIST_FULL,
    NO_FEASIBLE_THERAPIST,
    Assignment,
    Placement,
    Unplaced,
    assign_waitlist,
)
from alliance.core.matching.constraints import check_hard_constraints
from alliance.core.matching.ranker import Matcher
from alliance.core.matching.records import parse_roster, parse_waitlist
from alliance.core.matching.tests import make_intake, make_therapist


@dataclass(frozen=True)
class FakeTherapist:
    id: str
    capacity: int = 1
    accepting: bool = True


@dataclass(frozen=True)
class FakeIntake:
    id: str


Pairs = tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]


class FakeMatcher:
    """``roster_`` and ``score_pairs`` from a table {(client, therapist): score}."""

    def __init__(
        self, therapists: Sequence[FakeTherapist], scores: dict[tuple[str, str], float]
    ) -> None:
        self.roster_ = tuple(therapists)
        self.scores = scores

    def score_pairs(self, intakes: Sequence[FakeIntake]) -> Pairs:
        column = {t.id: j for j, t in enumerate(self.roster_)}
        triples = [
            (i, column[t], s)
            for i, intake in enumerate(intakes)
            for (c, t), s in self.scores.items()
            if c == intake.id
        ]
        return (
            np.array([i for i, _, _ in triples], dtype=np.int32),
            np.array([j for _, j, _ in triples], dtype=np.int32),
            np.array([s for _, _, s in triples], dtype=np.float64),
        )


class ExplainingMatcher(FakeMatcher):
    """A fake matcher that also says which hard constraints a therapist fails."""

    def __init__(
        self,
        therapists: Sequence[FakeTherapist],
        scores: dict[tuple[str, str], float],
        refusals: dict[tuple[str, str], tuple[str, ...]],
    ) -> None:
        super().__init__(therapists, scores)
        self.refusals = refusals

    def why_not(self, intake: FakeIntake, therapist_id: str) -> tuple[str, ...]:
        return self.refusals.get((intake.id, therapist_id), ())


def _clients(*ids: str) -> list[FakeIntake]:
    return [FakeIntake(i) for i in ids]


def _pairs(result: Assignment) -> set[tuple[str, str]]:
    return {(p.client, p.therapist) for p in result.assignments}


# --- Hand-solved cases --------------------------------------------------------------------------


def test_greedy_places_fewer_clients_than_the_optimum() -> None:
    # Scores      X    Y        Greedy by best score: A-X (90) first, then B's only therapist X
    #   A        90   80        is full -> 1 client placed, total 90.
    #   B        70    -        Optimum: A-Y + B-X = 80 + 70 = 150, both placed.
    matcher = FakeMatcher(
        [FakeTherapist("X"), FakeTherapist("Y")],
        {("A", "X"): 90, ("A", "Y"): 80, ("B", "X"): 70},
    )
    result = assign_waitlist(matcher, _clients("A", "B"))
    assert result == Assignment(
        assignments=(Placement("A", "Y", 80.0), Placement("B", "X", 70.0)),
        unassigned=(),
        total_score=150.0,
    )


def test_greedy_gets_a_lower_total_than_the_optimum() -> None:
    # Scores      X    Y        Greedy: A-X (90, the best pair), then B-Y (10) -> total 100.
    #   A        90   85        Other assignment: A-Y + B-X = 85 + 88 = 173 (optimum; both
    #   B        88   10        assignments place 2 clients).
    matcher = FakeMatcher(
        [FakeTherapist("X"), FakeTherapist("Y")],
        {("A", "X"): 90, ("A", "Y"): 85, ("B", "X"): 88, ("B", "Y"): 10},
    )
    result = assign_waitlist(matcher, _clients("A", "B"))
    assert _pairs(result) == {("A", "Y"), ("B", "X")}
    assert result.total_score == 173.0


def test_places_as_many_clients_as_possible_before_maximising_the_score() -> None:
    # Scores      X    Y        Maximum total alone: A-X = 100, B unplaced (1 client).
    #   A       100    1        Lexicographic optimum: A-Y + B-X = 1 + 50 = 51, 2 clients.
    #   B        50    -
    matcher = FakeMatcher(
        [FakeTherapist("X"), FakeTherapist("Y")],
        {("A", "X"): 100, ("A", "Y"): 1, ("B", "X"): 50},
    )
    result = assign_waitlist(matcher, _clients("A", "B"))
    assert _pairs(result) == {("A", "Y"), ("B", "X")}
    assert result.total_score == 51.0
    assert result.unassigned == ()


def test_capacity_is_respected_and_the_best_clients_fill_it() -> None:
    # X has 2 places; A, B, C can only go to X (30, 60, 90): B and C take them (150); A waits.
    matcher = FakeMatcher(
        [FakeTherapist("X", capacity=2)],
        {("A", "X"): 30, ("B", "X"): 60, ("C", "X"): 90},
    )
    result = assign_waitlist(matcher, _clients("A", "B", "C"))
    assert result.assignments == (Placement("B", "X", 60.0), Placement("C", "X", 90.0))
    assert result.unassigned == (Unplaced("A", EVERY_SUITABLE_THERAPIST_FULL),)
    assert result.total_score == 150.0


def test_a_therapist_not_accepting_takes_nobody() -> None:
    matcher = FakeMatcher(
        [FakeTherapist("X", capacity=3, accepting=False), FakeTherapist("Y")],
        {("A", "X"): 99, ("B", "X"): 98, ("B", "Y"): 5},
    )
    result = assign_waitlist(matcher, _clients("A", "B"))
    assert result.assignments == (Placement("B", "Y", 5.0),)
    assert result.unassigned == (Unplaced("A", EVERY_SUITABLE_THERAPIST_FULL),)


def test_a_client_with_no_feasible_therapist_is_told_so() -> None:
    matcher = FakeMatcher([FakeTherapist("X")], {("A", "X"): 40})
    result = assign_waitlist(matcher, _clients("A", "Z"))
    assert result.unassigned == (Unplaced("Z", NO_FEASIBLE_THERAPIST),)


@pytest.mark.parametrize(
    ("refusals", "reason"),
    [
        (
            # Each fee reason names that therapist's fee; they are tallied as one constraint.
            {
                "X": ("fee 120 is above your maximum 80",),
                "Y": (
                    "no shared language",
                    "fee 150 (sliding scale from 90) is above your maximum 80",
                ),
                "W": ("sees clients in person only in Feeport",),
            },
            f"{NO_FEASIBLE_THERAPIST}; most often: the fee is above your maximum"
            " (2 of 3 therapists)",
        ),
        (
            {
                "X": ("no shared language",),
                "Y": ("does not offer online sessions", "no shared language"),
                "W": ("no free slot inside your available times", "no shared language"),
            },
            f"{NO_FEASIBLE_THERAPIST}; most often: no shared language (3 of 3 therapists)",
        ),
        (
            # W would suit but has no open places: that is "full", not a mismatch.
            {"X": ("no shared language",), "Y": ("no shared language",), "W": ("no open places",)},
            EVERY_SUITABLE_THERAPIST_FULL,
        ),
        ({"X": (), "Y": (), "W": ()}, NO_FEASIBLE_THERAPIST),
    ],
)
def test_the_most_common_failing_constraint_is_named_when_the_matcher_explains(
    refusals: dict[str, tuple[str, ...]], reason: str
) -> None:
    therapists = [FakeTherapist("X"), FakeTherapist("Y"), FakeTherapist("W")]
    matcher = ExplainingMatcher(therapists, {}, {("Z", t): r for t, r in refusals.items()})
    result = assign_waitlist(matcher, _clients("Z"))
    assert result.unassigned == (Unplaced("Z", reason),)


def test_nothing_to_assign() -> None:
    assert assign_waitlist(FakeMatcher([FakeTherapist("X")], {}), []) == Assignment((), (), 0.0)
    result = assign_waitlist(FakeMatcher([], {}), _clients("A"))
    assert result == Assignment((), (Unplaced("A", NO_FEASIBLE_THERAPIST),), 0.0)


def test_results_come_in_waitlist_order_whatever_order_the_pairs_arrive_in() -> None:
    therapists = [FakeTherapist("X", capacity=2), FakeTherapist("Y")]
    scores = {("C", "Y"): 10.0, ("A", "X"): 20.5, ("B", "X"): 30.25, ("A", "Y"): 12.0}
    reversed_scores = dict(reversed(scores.items()))
    first = assign_waitlist(FakeMatcher(therapists, scores), _clients("A", "B", "C"))
    second = assign_waitlist(FakeMatcher(therapists, reversed_scores), _clients("A", "B", "C"))
    assert first == second
    assert [p.client for p in first.assignments] == ["A", "B", "C"]
    assert first.total_score == 60.75


def test_ties_are_broken_the_same_way_every_time() -> None:
    # Four equally good optima (every pair scores 50); the same input must pick the same one.
    therapists = [FakeTherapist("X"), FakeTherapist("Y")]
    scores = {(c, t): 50.0 for c in "ABC" for t in "XY"}
    results = {assign_waitlist(FakeMatcher(therapists, scores), _clients(*"ABC")) for _ in range(5)}
    assert len(results) == 1


class _BadMatcher:
    def __init__(self, pairs: Pairs) -> None:
        self.roster_ = (FakeTherapist("X"),)
        self.pairs = pairs

    def score_pairs(self, intakes: Sequence[FakeIntake]) -> Pairs:
        return self.pairs


@pytest.mark.parametrize(
    ("clients", "therapists", "scores"),
    [
        ([0], [1], [50.0]),  # therapist index outside the roster
        ([1], [0], [50.0]),  # intake index outside the waitlist
        ([0, 0], [0], [50.0]),  # arrays of different lengths
        ([0], [0], [float("nan")]),
    ],
)
def test_malformed_pairs_are_refused(
    clients: list[int], therapists: list[int], scores: list[float]
) -> None:
    pairs = (
        np.array(clients, dtype=np.int32),
        np.array(therapists, dtype=np.int32),
        np.array(scores, dtype=np.float64),
    )
    with pytest.raises(ValueError, match="score_pairs"):
        assign_waitlist(_BadMatcher(pairs), _clients("A"))


# --- Optimality against brute force and the Hungarian method ------------------------------------


@dataclass(frozen=True)
class Instance:
    capacities: tuple[int, ...]
    accepting: tuple[bool, ...]
    scores: dict[tuple[int, int], int]  # (client, therapist) -> score in hundredths
    n_clients: int

    def matcher(self) -> FakeMatcher:
        therapists = [
            FakeTherapist(f"t{j}", c, a)
            for j, (c, a) in enumerate(zip(self.capacities, self.accepting, strict=True))
        ]
        table = {(f"c{i}", f"t{j}"): s / 100 for (i, j), s in self.scores.items()}
        return FakeMatcher(therapists, table)

    def intakes(self) -> list[FakeIntake]:
        return _clients(*(f"c{i}" for i in range(self.n_clients)))

    def seats(self) -> int:
        return sum(c for c, a in zip(self.capacities, self.accepting, strict=True) if a)


@st.composite
def instances(draw: st.DrawFn, max_clients: int, max_therapists: int) -> Instance:
    n_clients = draw(st.integers(0, max_clients))
    n_therapists = draw(st.integers(1, max_therapists))
    capacities = tuple(
        draw(st.lists(st.integers(0, 3), min_size=n_therapists, max_size=n_therapists))
    )
    accepting = tuple(draw(st.lists(st.booleans(), min_size=n_therapists, max_size=n_therapists)))
    scores = {}
    for i, j in itertools.product(range(n_clients), range(n_therapists)):
        if draw(st.booleans()):
            # Few distinct values on purpose: ties between optima are the hard case.
            scores[(i, j)] = draw(st.sampled_from([0, 1, 50, 5000, 7525, 9999, 10000]))
    return Instance(capacities, accepting, scores, n_clients)


def _brute_force(instance: Instance) -> tuple[int, int]:
    """(clients placed, total hundredths), lexicographically best over every assignment."""
    options = [
        [None, *(j for j in range(len(instance.capacities)) if (i, j) in instance.scores)]
        for i in range(instance.n_clients)
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        load = [0] * len(instance.capacities)
        for j in choice:
            if j is not None:
                load[j] += 1
        if any(
            load[j] > (c if a else 0)
            for j, (c, a) in enumerate(zip(instance.capacities, instance.accepting, strict=True))
        ):
            continue
        placed = [(i, j) for i, j in enumerate(choice) if j is not None]
        best = max(best, (len(placed), sum(instance.scores[p] for p in placed)))
    return best


def _hungarian(instance: Instance) -> tuple[int, int]:
    """The same optimum from scipy's linear_sum_assignment on the capacity-expanded matrix.

    Column per open place; weight BIG + hundredths for a feasible pair, 0 otherwise, with
    BIG = 10000 * n_clients + 1 > any total score, so one more client outweighs any score gain.
    """
    seats = [
        j
        for j, (c, a) in enumerate(zip(instance.capacities, instance.accepting, strict=True))
        for _ in range(c if a else 0)
    ]
    if not seats or not instance.n_clients:
        return (0, 0)
    big = 10_000 * instance.n_clients + 1
    weights = np.zeros((instance.n_clients, len(seats)), dtype=np.int64)
    for (i, j), score in instance.scores.items():
        weights[i, [k for k, seat in enumerate(seats) if seat == j]] = big + score
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = weights[rows, cols]
    chosen = chosen[chosen > 0]
    return int(chosen.size), int((chosen - big).sum())


def _check_invariants(instance: Instance, result: Assignment) -> None:
    placed = {p.client: p for p in result.assignments}
    assert len(placed) == len(result.assignments)
    assert [u.client for u in result.unassigned] == [
        c.id for c in instance.intakes() if c.id not in placed
    ]
    load: dict[str, int] = {}
    for p in result.assignments:
        i, j = int(p.client[1:]), int(p.therapist[1:])
        assert (i, j) in instance.scores, "an infeasible pair was assigned"
        assert p.score == instance.scores[(i, j)] / 100
        load[p.therapist] = load.get(p.therapist, 0) + 1
    for j, (capacity, accepting) in enumerate(
        zip(instance.capacities, instance.accepting, strict=True)
    ):
        assert load.get(f"t{j}", 0) <= (capacity if accepting else 0)
    for u in result.unassigned:
        has_pair = any(i == int(u.client[1:]) for i, _ in instance.scores)
        assert u.reason == (EVERY_SUITABLE_THERAPIST_FULL if has_pair else NO_FEASIBLE_THERAPIST)


def _summary(result: Assignment) -> tuple[int, int]:
    return len(result.assignments), round(result.total_score * 100)


@settings(max_examples=300, deadline=None)
@given(instance=instances(max_clients=5, max_therapists=3))
def test_equals_brute_force_on_tiny_instances(instance: Instance) -> None:
    result = assign_waitlist(instance.matcher(), instance.intakes())
    _check_invariants(instance, result)
    assert _summary(result) == _brute_force(instance)


@settings(max_examples=200, deadline=None)
@given(instance=instances(max_clients=12, max_therapists=6))
def test_equals_the_hungarian_method_on_the_capacity_expanded_matrix(instance: Instance) -> None:
    result = assign_waitlist(instance.matcher(), instance.intakes())
    _check_invariants(instance, result)
    assert _summary(result) == _hungarian(instance)


@settings(max_examples=100, deadline=None)
@given(instance=instances(max_clients=10, max_therapists=5), data=st.data())
def test_the_optimum_does_not_depend_on_waitlist_order(
    instance: Instance, data: st.DataObject
) -> None:
    intakes = instance.intakes()
    shuffled = data.draw(st.permutations(intakes))
    first = assign_waitlist(instance.matcher(), intakes)
    second = assign_waitlist(instance.matcher(), shuffled)
    assert _summary(first) == _summary(second)
    assert [u.client for u in second.unassigned] == [
        c.id for c in shuffled if c.id in {u.client for u in second.unassigned}
    ]


# --- With the real Matcher ----------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[4] / "docs"


def test_real_matcher_hand_case_beats_greedy() -> None:
    # Default weights (concerns 3, styles 2, professions 1, gender 1, slot 1, effectiveness 2;
    # ranker docs) and the default intake (anxiety + sleep, no preferences, Thursday 17-21):
    #   t1 treats anxiety only:  3*0.5 + 2 + 1 + 1 + 1 (slot 60 min inside) + 2*0.5 = 7.5 -> 75.00
    #   t2 treats both:          3*1   + 2 + 1 + 1 + 1                     + 2*0.5 = 9.0 -> 90.00
    # c1 speaks English (both feasible), c2 only Hindi (t2 only), c3 only German (nobody).
    # Greedy takes c1-t2 (90) first and leaves c2 without a therapist; the optimum is
    # c1-t1 + c2-t2 = 75 + 90 = 165 with both placed.
    roster = (
        make_therapist(id="t1", concerns=("anxiety",)),
        make_therapist(id="t2", languages=("en", "hi")),
    )
    intakes = (
        make_intake(id="c1"),
        make_intake(id="c2", languages=("hi",)),
        make_intake(id="c3", languages=("de",)),
    )
    result = assign_waitlist(Matcher().fit(roster), intakes)
    assert result == Assignment(
        assignments=(Placement("c1", "t1", 75.0), Placement("c2", "t2", 90.0)),
        unassigned=(
            Unplaced(
                "c3", f"{NO_FEASIBLE_THERAPIST}; most often: no shared language (2 of 2 therapists)"
            ),
        ),
        total_score=165.0,
    )


def test_real_matcher_full_therapist_is_reported_as_full() -> None:
    # t1 suits c1 in every respect but has no open places; t2 shares no language.
    roster = (make_therapist(id="t1", capacity=0), make_therapist(id="t2", languages=("ta",)))
    result = assign_waitlist(Matcher().fit(roster), [make_intake(id="c1")])
    assert result.unassigned == (Unplaced("c1", EVERY_SUITABLE_THERAPIST_FULL),)


def test_real_matcher_on_the_documented_examples_is_optimal_and_consistent() -> None:
    roster = parse_roster(json.loads((DOCS / "examples" / "roster.json").read_text("utf-8")))
    waitlist = parse_waitlist(json.loads((DOCS / "examples" / "waitlist.json").read_text("utf-8")))
    matcher = Matcher().fit(roster)
    result = assign_waitlist(matcher, waitlist)
    by_id = {t.id: t for t in roster}
    intakes = {i.id: i for i in waitlist}
    load: dict[str, int] = {}
    for placement in result.assignments:
        intake, therapist = intakes[placement.client], by_id[placement.therapist]
        assert check_hard_constraints(therapist, intake) == ()
        # The same score that `alliance match` (Matcher.rank) reports for the pair.
        ranked = {m.therapist: m.score for m in matcher.rank(intake)}
        assert placement.score == ranked[placement.therapist]
        load[therapist.id] = load.get(therapist.id, 0) + 1
    assert all(n <= by_id[t].capacity and by_id[t].accepting for t, n in load.items())
    clients, therapists, scores = matcher.score_pairs(waitlist)
    instance = Instance(
        capacities=tuple(t.capacity for t in roster),
        accepting=tuple(t.accepting for t in roster),
        scores={
            (int(i), int(j)): round(s * 100)
            for i, j, s in zip(clients, therapists, scores, strict=True)
        },
        n_clients=len(waitlist),
    )
    assert _summary(result) == _hungarian(instance)
    full = {"no open places", "not accepting new clients"}
    for unplaced in result.unassigned:
        intake = intakes[unplaced.client]
        # Full: a therapist passes everything, or everything but having an open place.
        if matcher.rank(intake) or any(
            set(check_hard_constraints(t, intake)) <= full for t in roster
        ):
            assert unplaced.reason == EVERY_SUITABLE_THERAPIST_FULL
        else:
            assert unplaced.reason.startswith(f"{NO_FEASIBLE_THERAPIST}; most often: ")
    assert any(u.reason.startswith(NO_FEASIBLE_THERAPIST) for u in result.unassigned)
