"""Expected trajectory and not-on-track, computed by hand.

Method in core/monitoring/trajectory.py: bands from the clinic's history by severity stratum
(PHQ-9 bands, Kroenke et al. 2001), Jacobson-Truax reliable-change fallback (Alliance's own).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.monitoring.trajectory import (
    PHQ9_STRATA,
    Band,
    Course,
    ExpectedTrajectory,
    assess_track,
    expected_trajectory,
)


def course(intake: float, changes: Mapping[int, float]) -> Course:
    return Course(intake, {1: intake, **{k: intake + c for k, c in changes.items()}})


# Ten courses, intakes alternating 16 and 18. Session 2 changes are -9, -8, ..., 0; session 3
# has only nine scores (omitted: fewer than 10); session 4 is -2 for everyone.
TEN = [
    course(16 + 2 * (i % 2), {2: -(9 - i), 4: -2} | ({3: -1} if i < 9 else {})) for i in range(10)
]


def test_percentiles_of_change_added_to_this_clients_intake() -> None:
    trajectory = expected_trajectory("PHQ-9", 20, TEN, min_cases=10)
    assert trajectory.stratum == "all intakes"
    assert trajectory.source == "clinic history (n = 10)"
    assert not trajectory.is_fallback
    assert [band.session for band in trajectory.bands] == [2, 4]  # session 3: 9 scores only
    two, four = trajectory.bands
    # Changes -9..0 sorted; linear percentile position p/100 * (10 - 1):
    #   p10 at 0.9 -> -9 + 0.9 = -8.1; p50 at 4.5 -> -4.5; p90 at 8.1 -> -0.9.
    # Added to intake 20: 11.9, 15.5, 19.1.
    assert (two.low, two.median, two.high, two.n) == pytest.approx((11.9, 15.5, 19.1, 10))
    assert (four.low, four.median, four.high, four.n) == pytest.approx((18, 18, 18, 10))


def test_other_percentiles_and_max_session() -> None:
    trajectory = expected_trajectory("PHQ-9", 20, TEN, min_cases=10, percentiles=(25, 75))
    # p25 at 2.25 -> -6.75; p75 at 6.75 -> -2.25.
    assert (trajectory.bands[0].low, trajectory.bands[0].high) == pytest.approx((13.25, 17.75))
    short = expected_trajectory("PHQ-9", 20, TEN, min_cases=10, max_session=3)
    assert [band.session for band in short.bands] == [2]


def stratified_history(n_own: int) -> list[Course]:
    # PHQ-9 strata: 10 courses in 10-14 and 10 in 20+ improve by 1 at session 2; n_own courses in
    # 15-19 improve by 3; 10 courses in 0-4 worsen by 10 (never similar to an intake of 17).
    return (
        [course(12, {2: -1})] * 10
        + [course(22, {2: -1})] * 10
        + [course(16, {2: -3})] * n_own
        + [course(3, {2: 10})] * 10
    )


def test_own_stratum_when_it_has_enough_cases() -> None:
    trajectory = expected_trajectory(
        "PHQ-9", 17, stratified_history(10), min_cases=10, strata=PHQ9_STRATA
    )
    assert trajectory.stratum == "intake 15 to under 20"
    assert trajectory.source == "clinic history (n = 10)"
    band = trajectory.bands[0]
    assert (band.low, band.median, band.high) == pytest.approx((14, 14, 14))  # 17 - 3


def test_thin_stratum_widens_to_its_neighbours() -> None:
    trajectory = expected_trajectory(
        "PHQ-9", 17, stratified_history(9), min_cases=10, strata=PHQ9_STRATA
    )
    assert trajectory.stratum == "intake 10 or more"
    assert trajectory.source == "clinic history (n = 29)"
    # 9 x -3 and 20 x -1 (the 0-4 stratum is not a neighbour); positions over 28:
    #   p10 at 2.8 -> -3; p50 at 14 -> -1; p90 at 25.2 -> -1. Intake 17: 14, 16, 16.
    band = trajectory.bands[0]
    assert (band.low, band.median, band.high, band.n) == pytest.approx((14, 16, 16, 29))


def test_lowest_stratum_widens_upward_only() -> None:
    history = [course(7, {2: -1})] * 10
    trajectory = expected_trajectory("PHQ-9", 2, history, min_cases=10, strata=PHQ9_STRATA)
    assert trajectory.stratum == "intake under 10"
    assert trajectory.bands[0].median == pytest.approx(1)


def test_intake_below_the_first_bound_counts_in_the_first_stratum() -> None:
    history = [course(6, {2: -1})] * 10
    trajectory = expected_trajectory("X", 2, history, min_cases=10, strata=(5, 10, 15))
    assert trajectory.stratum == "intake under 10"


def test_fallback_when_still_thin_is_reliable_change_from_intake() -> None:
    history = [course(16, {2: -3})] * 9  # 9 < 10 even with both (empty) neighbours
    trajectory = expected_trajectory(
        "PHQ-9", 17, history, min_cases=10, strata=PHQ9_STRATA, rci=6, max_session=6
    )
    assert trajectory.is_fallback
    assert trajectory.source.startswith("fallback: reliable change of 6 from intake")
    assert "9 similar courses" in trajectory.source
    # Every session 2..6: low = 17 - 6, median = 17, high = 17 + 6, n = 0.
    assert trajectory.bands == tuple(Band(k, 11, 17, 23, 0) for k in range(2, 7))


def test_fallback_when_no_session_has_ten_scores() -> None:
    # 30 similar courses (enough), but only 9 have a score after intake.
    history = [course(16, {2: -3})] * 9 + [course(16, {})] * 21
    trajectory = expected_trajectory("PHQ-9", 17, history, rci=6)
    assert trajectory.is_fallback
    assert "no session with 10 scores" in trajectory.source


def test_thin_history_without_rci_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        expected_trajectory("PHQ-9", 17, [], strata=PHQ9_STRATA)
    assert raised.value.code == "thin_history"


@pytest.mark.parametrize(
    "overrides",
    [
        {"percentiles": (50, 90)},
        {"percentiles": (10, 101)},
        {"strata": (0, 10, 5)},
        {"strata": ()},
        {"min_cases": 0},
        {"max_session": 1},
        {"rci": 0.0},
    ],
)
def test_bad_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        expected_trajectory("PHQ-9", 17, TEN, **{"rci": 6.0, **overrides})  # type: ignore[arg-type]


def test_bad_history_is_refused() -> None:
    with pytest.raises(InvalidInput):
        expected_trajectory("PHQ-9", 17, [Course(10, {2: float("nan")})], rci=6)
    with pytest.raises(InvalidInput):
        expected_trajectory("PHQ-9", 17, [Course(10, {0: 9})], rci=6)


# The brief's example: band at session 6 is 8-14 for a client who started at 18.
PHQ = ExpectedTrajectory(
    instrument="PHQ-9",
    stratum="intake 15 to under 20",
    source="clinic history (n = 143)",
    bands=(Band(4, 10, 13, 16, 60), Band(6, 8, 11, 14, 40)),
    intake=18,
)


@pytest.mark.parametrize(
    ("score", "on_track"),
    [(14.5, False), (14.0, True), (13.9, True), (8.0, True), (7.0, True)],  # edge 14, strict
)
def test_lower_is_better_boundary(score: float, on_track: bool) -> None:
    assert assess_track(PHQ, 6, score).on_track is on_track


def test_lower_is_better_texts() -> None:
    worse = assess_track(PHQ, 6, 16)
    assert not worse.on_track and worse.band == PHQ.bands[1]
    assert worse.text == (
        "PHQ-9 16 at session 6 is above the expected range (up to 14) "
        "for clients who started around 18."
    )
    assert assess_track(PHQ, 6, 12).text == (
        "PHQ-9 12 at session 6 is within the expected range (8 to 14) "
        "for clients who started around 18."
    )
    assert assess_track(PHQ, 6, 7).text == (
        "PHQ-9 7 at session 6 is below the expected range (8 to 14): "
        "better than usual for clients who started around 18."
    )


def test_nearest_earlier_band_is_used() -> None:
    # Session 5 has no band: session 4's (edge 16) applies; session 9 uses session 6's (edge 14).
    five = assess_track(PHQ, 5, 15)
    assert five.on_track and five.band == PHQ.bands[0]
    nine = assess_track(PHQ, 9, 15)
    assert not nine.on_track and nine.band == PHQ.bands[1]
    assert nine.text.endswith("Compared with session 6, the latest with an expected range.")


def test_no_band_yet_is_on_track_with_nothing_to_compare() -> None:
    result = assess_track(PHQ, 3, 27)
    assert result.on_track and result.band is None
    assert "nothing to compare" in result.text and "27" in result.text


# ORS-like: higher is better; at session 4 the expected range is 22-31 from an intake of 20.
ORS = ExpectedTrajectory(
    instrument="ORS",
    stratum="all intakes",
    source="clinic history (n = 30)",
    bands=(Band(4, 22, 26, 31, 30),),
    intake=20,
    lower_is_better=False,
)


@pytest.mark.parametrize(
    ("score", "on_track"),
    [(21.9, False), (22.0, True), (35.0, True)],  # edge 22 = low, strict
)
def test_higher_is_better_boundary(score: float, on_track: bool) -> None:
    assert assess_track(ORS, 4, score).on_track is on_track


def test_higher_is_better_texts() -> None:
    assert assess_track(ORS, 4, 21.9).text == (
        "ORS 21.9 at session 4 is below the expected range (down to 22) "
        "for clients who started around 20."
    )
    assert assess_track(ORS, 4, 35).text == (
        "ORS 35 at session 4 is above the expected range (22 to 31): "
        "better than usual for clients who started around 20."
    )


def test_higher_is_better_from_history() -> None:
    # Mirror TEN: changes 0..+9 at session 2 -> p10 +0.9, p50 +4.5, p90 +8.1 from intake 20.
    history = [course(20, {2: i}) for i in range(10)]
    trajectory = expected_trajectory("ORS", 20, history, min_cases=10, lower_is_better=False)
    band = trajectory.bands[0]
    assert (band.low, band.median, band.high) == pytest.approx((20.9, 24.5, 28.1))
    assert not assess_track(trajectory, 2, 20.8).on_track
    assert assess_track(trajectory, 2, 20.9).on_track
    assert assess_track(trajectory, 2, 20, lower_is_better=False).on_track is False
    with pytest.raises(InvalidInput) as raised:
        assess_track(trajectory, 2, 20, lower_is_better=True)
    assert raised.value.code == "direction_mismatch"


def test_fallback_texts_speak_of_reliable_change() -> None:
    trajectory = expected_trajectory("PHQ-9", 17, [], strata=PHQ9_STRATA, rci=6)
    worse = assess_track(trajectory, 5, 24)  # 24 > 17 + 6
    assert not worse.on_track
    assert worse.text == (
        "PHQ-9 24 at session 5 is above the expected range (up to 23): "
        "a reliable deterioration from the intake score of 17."
    )
    edge = assess_track(trajectory, 5, 23)  # exactly intake + rci: not flagged (strict)
    assert edge.on_track
    assert edge.text == (
        "PHQ-9 23 at session 5 is within the expected range (11 to 23) "
        "around the intake score of 17."
    )
    assert "reliable improvement" in assess_track(trajectory, 5, 10).text


@pytest.mark.parametrize(("session", "score"), [(0, 10.0), (2, float("inf"))])
def test_bad_assessment_input_is_refused(session: int, score: float) -> None:
    with pytest.raises(InvalidInput):
        assess_track(PHQ, session, score)
