"""Measure matching speed: ranking one intake against 20,000 synthetic therapists.

Issue 4's target: median under 50 ms in-process. The roster and intakes are generated here with
a seeded numpy RNG (synthetic data stays out of ``core``); run with
``python -c "from benchmarks.matching import bench_rank; bench_rank()"``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from alliance.core.matching import Intake, Matcher, Outcome, Slot, Therapist, TimeWindow
from alliance.core.vocabulary import ALLIANCE_STYLES, APPROACHES, CONCERNS, GENDERS, PROFESSIONS

_CITIES = ("Pune", "Mumbai", "Bengaluru", "Chennai", "Hyderabad", "Delhi", "Kolkata")
_LANGUAGES = ("en", "hi", "bn", "ta", "te", "mr", "kn", "ml", "gu", "ur", "pa")
_FORMATS = (("online",), ("in_person",), ("online", "in_person"))


def _pick(rng: np.random.Generator, codes: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
    size = int(rng.integers(low, high + 1))
    return tuple(str(c) for c in rng.choice(codes, size=size, replace=False))


def _slots(rng: np.random.Generator) -> tuple[Slot, ...]:
    slots = []
    for weekday in sorted(rng.choice(7, size=int(rng.integers(1, 5)), replace=False)):
        hour = int(rng.integers(8, 21))
        slots.append(Slot(int(weekday), f"{hour:02d}:00", int(rng.choice([45, 50, 60]))))
    return tuple(slots)


def make_roster(n: int, seed: int = 4) -> tuple[Therapist, ...]:
    """``n`` random therapists: codes from the vocabulary, 1-4 weekly slots 08:00-21:00."""
    rng = np.random.default_rng(seed)
    roster = []
    for index in range(n):
        fee = float(rng.integers(8, 41) * 100)
        roster.append(
            Therapist(
                id=f"t{index:05d}",
                profession=str(rng.choice(tuple(PROFESSIONS))),
                styles=_pick(rng, tuple(ALLIANCE_STYLES), 1, 3),
                approaches=_pick(rng, tuple(APPROACHES), 1, 3),
                concerns=_pick(rng, tuple(CONCERNS), 3, 7),
                languages=("en", *_pick(rng, _LANGUAGES[1:], 0, 2)),
                formats=_FORMATS[int(rng.integers(0, 3))],
                city=str(rng.choice(_CITIES)),
                fee=fee,
                sliding_scale_min=round(fee * 0.5) if rng.random() < 0.3 else None,
                gender=str(rng.choice(tuple(GENDERS))),
                slots=_slots(rng),
                capacity=int(rng.integers(0, 6)),
                accepting=bool(rng.random() < 0.9),
            )
        )
    return tuple(roster)


def make_intakes(n: int, seed: int = 5) -> tuple[Intake, ...]:
    """``n`` random intakes with 1-3 evening or weekend windows."""
    rng = np.random.default_rng(seed)
    intakes = []
    for index in range(n):
        windows = tuple(
            TimeWindow(int(day), f"{int(rng.integers(8, 18)):02d}:00", "21:30")
            for day in rng.choice(7, size=int(rng.integers(1, 4)), replace=False)
        )
        intakes.append(
            Intake(
                id=f"c{index:05d}",
                concerns=_pick(rng, tuple(CONCERNS), 1, 3),
                languages=_pick(rng, _LANGUAGES, 1, 2),
                format=str(rng.choice(["online", "in_person", "either"])),
                city=str(rng.choice(_CITIES)),
                max_fee=float(rng.integers(10, 41) * 100),
                times=windows,
                styles=_pick(rng, tuple(ALLIANCE_STYLES), 0, 2),
                professions=_pick(rng, tuple(PROFESSIONS), 0, 2),
                therapist_gender=str(rng.choice(tuple(GENDERS))) if rng.random() < 0.3 else None,
                exclude=(),
                phq9=None,
                gad7=None,
            )
        )
    return tuple(intakes)


def make_outcomes(roster: tuple[Therapist, ...], seed: int = 6) -> tuple[Outcome, ...]:
    """About 20 PHQ-9 cases for a tenth of the therapists, so effectiveness takes part."""
    rng = np.random.default_rng(seed)
    outcomes = []
    for therapist in roster[: len(roster) // 10]:
        for _ in range(20):
            before = float(rng.integers(5, 28))
            after = float(np.clip(round(before * 0.6 + rng.normal(0, 4)), 0, 27))
            outcomes.append(Outcome(therapist.id, therapist.concerns[0], "phq-9", before, after))
    return tuple(outcomes)


def _median_ms(matcher: Matcher, intakes: tuple[Intake, ...], top: int | None) -> float:
    times = []
    for intake in intakes:
        start = time.perf_counter()
        matcher.rank(intake, top=top)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_rank(n_therapists: int = 20_000, n_intakes: int = 101) -> None:
    """Print the median time to rank one intake against ``n_therapists`` therapists."""
    roster = make_roster(n_therapists)
    outcomes = make_outcomes(roster)
    intakes = make_intakes(n_intakes)
    start = time.perf_counter()
    matcher = Matcher().fit(roster, outcomes)
    fitted = time.perf_counter() - start
    matcher.rank(intakes[0], top=10)  # warm up
    passing = statistics.median(len(matcher.rank(i)) for i in intakes[:11])
    top10 = _median_ms(matcher, intakes, 10)
    every = _median_ms(matcher, intakes, None)
    print(
        f"matching: fit on {n_therapists:,} therapists and {len(outcomes):,} outcomes in "
        f"{fitted * 1000:.0f} ms; rank one intake: median {top10:.1f} ms (top 10), "
        f"{every:.1f} ms (all passing, median {passing:.0f} therapists)"
    )


if __name__ == "__main__":
    bench_rank()
