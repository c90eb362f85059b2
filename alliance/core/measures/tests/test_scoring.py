"""score_response: table tests with hand-computed values; sources named per table (see
docs/reference/sources.md)."""

from __future__ import annotations

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.measures.definitions import InvalidMeasureInput
from alliance.core.measures.scoring import score_response
from alliance.core.measures.tests.helpers import answers_for, load_instrument

# PHQ-9 bands 0-4 / 5-9 / 10-14 / 15-19 / 20-27 (Kroenke, Spitzer & Williams 2001), every edge.
PHQ9_CASES = [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),  # 1+1+1+1 = 4
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),  # 1*5 = 5
    ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild"),  # 1*9 = 9
    ([2, 1, 1, 1, 1, 1, 1, 1, 1], 10, "moderate"),  # 2 + 1*8 = 10
    ([2, 2, 2, 2, 2, 1, 1, 1, 1], 14, "moderate"),  # 2*5 + 1*4 = 14
    ([2, 2, 2, 2, 2, 2, 1, 1, 1], 15, "moderately_severe"),  # 2*6 + 1*3 = 15
    ([3, 2, 2, 2, 2, 2, 2, 2, 2], 19, "moderately_severe"),  # 3 + 2*8 = 19
    ([3, 3, 2, 2, 2, 2, 2, 2, 2], 20, "severe"),  # 3*2 + 2*7 = 20
    ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),  # 3*9 = 27
]


@pytest.mark.parametrize(("values", "total", "band"), PHQ9_CASES)
def test_phq9_total_and_band(values: list[int | None], total: int, band: str) -> None:
    score = score_response(load_instrument("phq-9"), answers_for("phq-9", values))
    assert (score.total, score.band and score.band.code) == (total, band)
    assert (score.min, score.max, score.instrument) == (0, 27, "phq-9")
    assert score.clinical is (total >= 10)  # caseness >= 10, NHS Talking Therapies
    assert (score.missing, score.prorated, score.subscales) == ((), False, {})


# GAD-7 bands 0-4 / 5-9 / 10-14 / 15-21; a total of 5 is mild (Spitzer et al. 2006).
GAD7_CASES = [
    ([0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),  # 1*4 = 4
    ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),  # 1*5 = 5
    ([2, 2, 1, 1, 1, 1, 1], 9, "mild"),  # 2*2 + 1*5 = 9
    ([2, 2, 2, 1, 1, 1, 1], 10, "moderate"),  # 2*3 + 1*4 = 10
    ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),  # 2*7 = 14
    ([3, 2, 2, 2, 2, 2, 2], 15, "severe"),  # 3 + 2*6 = 15
    ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),  # 3*7 = 21
]


@pytest.mark.parametrize(("values", "total", "band"), GAD7_CASES)
def test_gad7_total_and_band(values: list[int | None], total: int, band: str) -> None:
    score = score_response(load_instrument("gad-7"), answers_for("gad-7", values))
    assert (score.total, score.band and score.band.code) == (total, band)
    assert score.clinical is (total >= 8)  # NHS Talking Therapies caseness >= 8
    assert score.flags == {}


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item9_flag_regardless_of_total(item9: int, flag: bool) -> None:
    # Simon et al. (2013): item 9 predicts attempts beyond the total, so any item 9 > 0 starts
    # the safety pathway; a low total never hides it.
    score = score_response(load_instrument("phq-9"), answers_for("phq-9", [0] * 8 + [item9]))
    assert score.total == item9
    assert score.flags == {"item9_risk": flag}
    assert score.critical is flag


def test_phq9_difficulty_item_is_never_added() -> None:
    answers = answers_for("phq-9", [3] * 9) | {"phq9-difficulty": 3}
    assert score_response(load_instrument("phq-9"), answers).total == 27  # 3*9, not 30


# CORE-10 (Connell & Barkham 2007): items 2 and 3 score 4 - answer.
CORE10_CASES = [
    # items 2, 3 answered 0 -> score 4 each: 4 + 4 = 8
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8, False),
    # items 2, 3 answered 4 -> 0 each; other 8 items 4 each: 4*8 = 32
    ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 32, True),
    # 2 + (4-1) + (4-3) + 0 + 1 + 0 + 2 + 2 + 3 + 1 = 15
    ([2, 1, 3, 0, 1, 0, 2, 2, 3, 1], 15, True),
    # 1 + (4-3) + (4-3) + 1 + 1 + 0 + 1 + 1 + 2 + 1 = 10 -> below the >= 11 cutoff
    ([1, 3, 3, 1, 1, 0, 1, 1, 2, 1], 10, False),
    # 1 + 1 + 1 + 1 + 1 + 0 + 1 + 1 + 3 + 1 = 11 -> clinical
    ([1, 3, 3, 1, 1, 0, 1, 1, 3, 1], 11, True),
]


@pytest.mark.parametrize(("values", "total", "clinical"), CORE10_CASES)
def test_core10_reverse_keying(values: list[int | None], total: int, clinical: bool) -> None:
    score = score_response(load_instrument("core-10"), answers_for("core-10", values))
    assert (score.total, score.clinical, score.band) == (total, clinical, None)
    assert score.flags == {"item6_risk": values[5] != 0}


def test_core10_risk_item_flags() -> None:
    score = score_response(
        load_instrument("core-10"), answers_for("core-10", [0] * 5 + [1] + [0] * 4)
    )
    assert score.total == 9  # 4 + 4 (items 2, 3 reversed) + 1 (item 6)
    assert score.flags == {"item6_risk": True}
    assert score.critical is True


# Prorating (CORE-10 manual): total * 10 / answered; at most one missing is Alliance's own.
CORE10_PRORATED = [
    # answered: 2 + 3 + 1 + 0 + 1 + 0 + 2 + 2 + 3 = 14 over 9 -> 14*10/9 = 15.555...
    ([2, 1, 3, 0, 1, 0, 2, 2, 3, None], 140 / 9, "core10-10", True),
    # answered: 1 + 1 + 1 + 1 + 1 + 0 + 1 + 1 + 2 = 9 over 9 -> 9*10/9 = 10 -> below 11
    ([1, 3, 3, 1, 1, 0, 1, 1, 2, None], 10, "core10-10", False),
    # item 2 missing; answered: 4 + (4-4) + 4 + 4 + 0 + 4 + 4 + 4 + 4 = 28 -> 280/9 = 31.11...
    ([4, None, 4, 4, 4, 0, 4, 4, 4, 4], 280 / 9, "core10-2", True),
]


@pytest.mark.parametrize(("values", "total", "missing", "clinical"), CORE10_PRORATED)
def test_core10_prorates_one_missing_item(
    values: list[int | None], total: float, missing: str, clinical: bool
) -> None:
    score = score_response(load_instrument("core-10"), answers_for("core-10", values))
    assert score.total == pytest.approx(total, abs=1e-12)
    assert (score.missing, score.prorated, score.clinical) == ((missing,), True, clinical)


def test_an_absent_item_counts_as_missing() -> None:
    answers = answers_for("core-10", [2, 1, 3, 0, 1, 0, 2, 2, 3, None])
    del answers["core10-10"]
    score = score_response(load_instrument("core-10"), answers)
    assert score.total == pytest.approx(140 / 9)
    assert score.missing == ("core10-10",)


REFUSALS = [
    ("core-10", [2, 1, 3, 0, 1, 0, 2, 2, None, None], "too_many_missing"),
    ("core-10", [2, 1, 3, 0, 1, None, 2, 2, 3, 1], "required_item_missing"),  # risk item 6
    ("phq-9", [1, 1, 1, 1, 1, 1, 1, 1, None], "incomplete"),  # no PHQ-9 prorating rule
    ("gad-7", [None, 1, 1, 1, 1, 1, 1], "incomplete"),
    ("wai-sr", [5] * 11 + [None], "incomplete"),
    ("alliance-checkin-client", [4, 4, None, 4], "incomplete"),
    ("phq-9", [4, 0, 0, 0, 0, 0, 0, 0, 0], "answer_out_of_range"),
    ("phq-9", [-1, 0, 0, 0, 0, 0, 0, 0, 0], "answer_out_of_range"),
    ("core-10", [5, 0, 0, 0, 0, 0, 0, 0, 0, 0], "answer_out_of_range"),
    ("wai-sr", [0] + [3] * 11, "answer_out_of_range"),  # WAI-SR runs 1-5
    ("srs", [101, 50, 50, 50], "answer_out_of_range"),  # VAS runs 0-100 mm
]


@pytest.mark.parametrize(("instrument_id", "values", "code"), REFUSALS)
def test_refusals(instrument_id: str, values: list[int | None], code: str) -> None:
    with pytest.raises(InvalidMeasureInput) as raised:
        score_response(load_instrument(instrument_id), answers_for(instrument_id, values))
    assert raised.value.code == code
    assert isinstance(raised.value, InvalidInput)
    assert raised.value.detail.startswith(instrument_id)


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"phq9-11": 0}, "unknown_item"),
        ({"gad7-1": 0}, "unknown_item"),
        ({"phq9-difficulty": 4}, "answer_out_of_range"),
        ({"phq9-1": True}, "not_a_number"),
        ({"phq9-1": 1.0}, "not_a_number"),
        ({"phq9-1": "1"}, "not_a_number"),
    ],
)
def test_bad_answers(extra: dict[str, object], code: str) -> None:
    answers: dict[str, object] = {**answers_for("phq-9", [1] * 9), **extra}
    with pytest.raises(InvalidMeasureInput) as raised:
        score_response(load_instrument("phq-9"), answers)  # type: ignore[arg-type]
    assert raised.value.code == code


def test_wai_sr_item_means() -> None:
    # Hatcher & Gillaspy (2006): Goal 4, 6, 8, 11 · Task 1, 2, 10, 12 · Bond 3, 5, 7, 9; item
    # means 1-5.
    values: list[int | None] = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]
    score = score_response(load_instrument("wai-sr"), answers_for("wai-sr", values))
    assert score.subscales == {
        "goal": 3.75,  # items 4, 6, 8, 11 = 2 + 5 + 3 + 5 = 15 / 4
        "task": 3.5,  # items 1, 2, 10, 12 = 5 + 4 + 1 + 4 = 14 / 4
        "bond": 2.5,  # items 3, 5, 7, 9 = 3 + 1 + 4 + 2 = 10 / 4
    }
    assert score.total == 3.25  # 39 / 12
    assert (score.min, score.max, score.band, score.clinical) == (1, 5, None, None)


def test_wai_sr_therapist_is_not_scored_until_its_key_is_confirmed() -> None:
    with pytest.raises(InvalidMeasureInput) as raised:
        score_response(load_instrument("wai-sr-therapist"), {})
    assert raised.value.code == "key_unconfirmed"


# SRS (Duncan et al. 2003): marks in mm / 10 -> 0.0-10.0 per item, total 0-40; flag total < 36
# (practice guidance, secondary).
@pytest.mark.parametrize(
    ("millimetres", "total", "flag"),
    [
        ([90, 85, 100, 92], 36.7, False),  # 9.0 + 8.5 + 10.0 + 9.2 = 36.7
        ([90, 90, 90, 90], 36, False),  # 9.0 * 4 = 36: not below 36
        ([90, 85, 95, 89], 35.9, True),  # 9.0 + 8.5 + 9.5 + 8.9 = 35.9
        ([0, 0, 0, 0], 0, True),
    ],
)
def test_srs_visual_analogue_total(millimetres: list[int | None], total: float, flag: bool) -> None:
    score = score_response(load_instrument("srs"), answers_for("srs", millimetres))
    assert score.total == total
    assert score.flags == {"alliance_discuss": flag}
    assert score.critical is False


# ORS (Miller et al. 2003): adult clinical cutoff 25, "<= 25 clinical range" (secondary).
@pytest.mark.parametrize(
    ("millimetres", "total", "clinical"),
    [
        ([50, 60, 70, 70], 25, True),  # 5.0 + 6.0 + 7.0 + 7.0 = 25
        ([50, 60, 70, 71], 25.1, False),  # 5.0 + 6.0 + 7.0 + 7.1 = 25.1
        ([100, 100, 100, 100], 40, False),
    ],
)
def test_ors_clinical_cutoff(millimetres: list[int | None], total: float, clinical: bool) -> None:
    score = score_response(load_instrument("ors"), answers_for("ors", millimetres))
    assert (score.total, score.clinical) == (total, clinical)


@pytest.mark.parametrize("instrument_id", ["alliance-checkin-client", "alliance-checkin-therapist"])
@pytest.mark.parametrize(
    ("values", "total", "floor"),
    [
        ([4, 3, 4, 2], 13, False),  # 4 + 3 + 4 + 2 = 13
        ([4, 0, 4, 4], 12, True),  # an item at the floor (Alliance's own rule)
        ([4, 4, 4, 4], 16, False),
    ],
)
def test_alliance_checkin(
    instrument_id: str, values: list[int | None], total: int, floor: bool
) -> None:
    answers = answers_for(instrument_id, values) | {"checkin-not-working": None}
    score = score_response(load_instrument(instrument_id), answers)
    assert (score.total, score.max) == (total, 16)
    assert score.flags == {"item_at_floor": floor}


def test_free_text_item_takes_no_number() -> None:
    answers = answers_for("alliance-checkin-client", [4, 4, 4, 4]) | {"checkin-not-working": 1}
    with pytest.raises(InvalidMeasureInput) as raised:
        score_response(load_instrument("alliance-checkin-client"), answers)
    assert raised.value.code == "text_item"
