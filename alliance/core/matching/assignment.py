"""Waitlist assignment: place many waiting clients with therapists of limited capacity.

The objective is lexicographic, as the product brief asks (issue 4, "Waitlist assignment" and
``alliance assign``):

1. place as many clients as the hard constraints and the therapists' capacities allow;
2. among all such placements, maximise the sum of the pair scores -- the same 0-100 scores that
   ``alliance match`` reports for each pair.

It is solved exactly as a minimum-cost maximum flow (Ahuja, Magnanti & Orlin, *Network Flows*,
1993, ch. 9-10; the transportation problem is totally unimodular, so the integral flow is an
optimal assignment) with OR-Tools' ``SimpleMinCostFlow`` (cost-scaling push-relabel,
Goldberg 1997). Greedy placement by best score is *not* optimal on either criterion; the tests
show both failures.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

NO_FEASIBLE_THERAPIST = "no therapist meets your hard constraints (language/format/fee/times)"
EVERY_SUITABLE_THERAPIST_FULL = "every suitable therapist is full"

# Pair scores are 0-100 with two decimals; the flow runs on exact integer hundredths.
_SCALE = 100


class Client(Protocol):
    """What assignment needs of an intake: its id (``core.matching.records.Intake`` has it)."""

    @property
    def id(self) -> str: ...


class Seat(Protocol):
    """What assignment needs of a therapist (``core.matching.records.Therapist`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def capacity(self) -> int: ...
    @property
    def accepting(self) -> bool: ...


ClientT = TypeVar("ClientT", bound=Client)
ClientT_contra = TypeVar("ClientT_contra", bound=Client, contravariant=True)


class PairScorer(Protocol, Generic[ClientT_contra]):
    """A fitted matcher: its roster, and the score of every feasible (intake, therapist) pair.

    ``score_pairs`` returns three parallel arrays ``(intake_index, therapist_index, score)``:
    indices into ``intakes`` and ``roster_``, and the 0-100 score (2 dp) that ``rank`` gives the
    pair. Pairs that break a hard constraint are absent.
    """

    @property
    def roster_(self) -> Sequence[Seat]: ...

    def score_pairs(
        self, intakes: Sequence[ClientT_contra], /
    ) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]: ...


@runtime_checkable
class RefusalExplainer(Protocol, Generic[ClientT_contra]):
    """Optional: a matcher that can say which hard constraints rule a therapist out."""

    def why_not(self, intake: ClientT_contra, therapist_id: str, /) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Placement:
    """One client placed with one therapist; ``score`` is the pair's 0-100 fit score."""

    client: str
    therapist: str
    score: float


@dataclass(frozen=True)
class Unplaced:
    """A client who could not be placed, with a plain-language reason."""

    client: str
    reason: str


@dataclass(frozen=True)
class Assignment:
    """The result: placements and unplaced clients, both in waitlist order.

    ``total_score`` is the sum of the placements' scores (0-100 each), rounded to 2 dp.
    """

    assignments: tuple[Placement, ...]
    unassigned: tuple[Unplaced, ...]
    total_score: float


def assign_waitlist(matcher: PairScorer[ClientT], intakes: Sequence[ClientT]) -> Assignment:
    """Assign waiting clients to therapists optimally (max clients placed, then max total score).

    Each client gets at most one therapist, each therapist at most ``capacity`` clients (none if
    not ``accepting``), and only pairs that ``matcher.score_pairs`` reports as feasible are used,
    so no hard constraint is ever broken. Scores are read in exact hundredths (they have 2 dp).

    Method: minimum-cost maximum flow on source -> client (cap 1) -> therapist (cap = capacity)
    -> sink, one client->therapist arc per feasible pair (Ahuja, Magnanti & Orlin 1993), solved
    by OR-Tools ``SolveMaxFlowWithMinCost``. Deterministic: arcs are added in a canonical order
    (by intake index, then therapist index) and the solver uses no randomness, so the same
    inputs always give the same assignment, even between equally good optima.
    """
    roster = tuple(matcher.roster_)
    clients, therapists, centiscores = _canonical_pairs(matcher, intakes, len(roster))
    capacities = np.array([t.capacity if t.accepting else 0 for t in roster], dtype=np.int64)
    chosen = _solve_flow(clients, therapists, centiscores, len(intakes), capacities)
    partner = np.full(len(intakes), -1, dtype=np.int64)
    partner[clients[chosen]] = therapists[chosen]
    points = np.zeros(len(intakes), dtype=np.int64)
    points[clients[chosen]] = centiscores[chosen]
    has_pair = np.zeros(len(intakes), dtype=bool)
    has_pair[clients] = True
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    for index, intake in enumerate(intakes):
        if partner[index] >= 0:
            therapist_id = roster[int(partner[index])].id
            placements.append(Placement(intake.id, therapist_id, int(points[index]) / _SCALE))
        else:
            reason = _reason_unplaced(matcher, intake, roster, has_pair=bool(has_pair[index]))
            unplaced.append(Unplaced(intake.id, reason))
    return Assignment(tuple(placements), tuple(unplaced), int(points.sum()) / _SCALE)


def _canonical_pairs(
    matcher: PairScorer[ClientT], intakes: Sequence[ClientT], n_therapists: int
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int64]]:
    """The feasible pairs, checked, deduplicated and sorted by (intake, therapist); scores in
    integer hundredths."""
    raw_clients, raw_therapists, raw_scores = matcher.score_pairs(intakes)
    clients = np.asarray(raw_clients, dtype=np.int32)
    therapists = np.asarray(raw_therapists, dtype=np.int32)
    scores = np.asarray(raw_scores, dtype=np.float64)
    if not clients.shape == therapists.shape == scores.shape or clients.ndim != 1:
        raise ValueError("score_pairs must return three parallel 1-D arrays")
    if clients.size and (
        clients.min() < 0
        or clients.max() >= len(intakes)
        or therapists.min() < 0
        or therapists.max() >= n_therapists
    ):
        raise ValueError("score_pairs returned an index outside the intakes or the roster")
    if not np.all(np.isfinite(scores)):
        raise ValueError("score_pairs returned a score that is not a finite number")
    order = np.lexsort((therapists, clients))
    clients, therapists = clients[order], therapists[order]
    centiscores = np.rint(scores[order] * _SCALE).astype(np.int64)
    # A pair reported twice keeps its first score (lexsort is stable): one arc per pair.
    first = np.ones(clients.size, dtype=bool)
    first[1:] = (clients[1:] != clients[:-1]) | (therapists[1:] != therapists[:-1])
    return clients[first], therapists[first], centiscores[first]


def _solve_flow(
    clients: NDArray[np.int32],
    therapists: NDArray[np.int32],
    centiscores: NDArray[np.int64],
    n_clients: int,
    capacities: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Solve the lexicographic problem; return, per pair, whether it is in the assignment.

    Why ``SolveMaxFlowWithMinCost`` is exactly the lexicographic objective: it first computes
    the maximum flow value k* from source to sink, then a minimum-cost flow among the flows of
    value k*. Every unit of flow crosses exactly one client->therapist arc, so a flow of value k
    is an assignment of k clients (client arcs have capacity 1, therapist arcs the capacity),
    and k* is the largest number of clients that can be placed. With arc cost
    ``top - score`` (hundredths, ``top`` = the largest score, so all costs are >= 0 as the
    cost-scaling algorithm prefers) the cost of a k*-flow is ``k* * top - total_score``, a
    constant minus the total; so the minimum cost is the maximum total score among the
    assignments placing k* clients. Integrality: all capacities are integers, so the optimal
    flow returned is integral (integral flow theorem) -- a genuine assignment, no rounding.
    """
    if clients.size == 0:
        return np.zeros(0, dtype=bool)
    n_therapists = capacities.size
    source, sink = 0, 1 + n_clients + n_therapists
    client_node = (1 + clients).astype(np.int32)
    therapist_node = (1 + n_clients + therapists).astype(np.int32)
    solver = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = solver.add_arcs_with_capacity_and_unit_cost(
        client_node,
        therapist_node,
        np.ones(clients.size, dtype=np.int64),
        int(centiscores.max()) - centiscores,
    )
    used_clients = np.unique(client_node)
    solver.add_arcs_with_capacity_and_unit_cost(
        np.full(used_clients.size, source, dtype=np.int32),
        used_clients,
        np.ones(used_clients.size, dtype=np.int64),
        np.zeros(used_clients.size, dtype=np.int64),
    )
    solver.add_arcs_with_capacity_and_unit_cost(
        np.arange(1 + n_clients, sink, dtype=np.int32),
        np.full(n_therapists, sink, dtype=np.int32),
        capacities,
        np.zeros(n_therapists, dtype=np.int64),
    )
    solver.set_node_supply(source, used_clients.size)
    solver.set_node_supply(sink, -used_clients.size)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed: {status!r}")
    flows = np.asarray(solver.flows(np.asarray(pair_arcs, dtype=np.int32)), dtype=np.int64)
    return flows > 0


def _reason_unplaced(
    matcher: PairScorer[ClientT], intake: ClientT, roster: Sequence[Seat], *, has_pair: bool
) -> str:
    """Why a client was not placed.

    With a maximum flow, a client who has a feasible therapist yet stays unplaced means every
    such therapist is at capacity (otherwise source -> client -> therapist -> sink would be an
    augmenting path). A client with no feasible pair is told which hard constraint failed most
    often across the roster, when the matcher can explain its refusals (``why_not``); if some
    therapist fails only for being full or not accepting, the client is told they are full.
    """
    if has_pair:
        return EVERY_SUITABLE_THERAPIST_FULL
    if not isinstance(matcher, RefusalExplainer) or not roster:
        return NO_FEASIBLE_THERAPIST
    failures: Counter[str] = Counter()
    for therapist in roster:
        kinds = {_kind_of(reason) for reason in matcher.why_not(intake, therapist.id)}
        if kinds and kinds <= _FULL:
            return EVERY_SUITABLE_THERAPIST_FULL
        failures.update(sorted(kinds))
    if not failures:
        return NO_FEASIBLE_THERAPIST
    # most_common keeps first-counted order among equal counts: deterministic for a fixed roster.
    top, count = failures.most_common(1)[0]
    return f"{NO_FEASIBLE_THERAPIST}; most often: {top} ({count} of {len(roster)} therapists)"


# ``why_not`` reasons name the therapist's own fee or city ("fee 120 is above your maximum 80"),
# so they are tallied per constraint, recognised by how the shared wording in
# ``core.matching.constraints`` begins (a prefix, so a city name can never be mistaken for one).
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("you asked not to be matched with them", ("you asked not to be matched",)),
    ("not accepting new clients", ("not accepting",)),
    ("no open places", ("no open places",)),
    ("no shared language", ("no shared language",)),
    ("the fee is above your maximum", ("fee ",)),
    ("no free slot inside your available times", ("no free slot",)),
    (
        "the session format or city does not fit",
        ("does not offer", "sees clients in person", "offers neither", "no format"),
    ),
)
_FULL = frozenset({"not accepting new clients", "no open places"})


@functools.lru_cache(maxsize=4096)
def _kind_of(reason: str) -> str:
    """The constraint a ``why_not`` reason belongs to; an unrecognised reason stands for itself."""
    for kind, prefixes in _KINDS:
        if reason.startswith(prefixes):
            return kind
    return reason
