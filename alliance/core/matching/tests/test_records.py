"""Parsing roster, intake, waitlist and outcome files: good records read exactly, and every bad
one raises RecordError naming the record and the field (issue 4, "Bad input")."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.matching.records import (
    Intake,
    Outcome,
    RecordError,
    Slot,
    Therapist,
    TimeWindow,
    parse_intake,
    parse_outcomes,
    parse_roster,
    parse_waitlist,
)


def therapist_json(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "t1",
        "profession": "clinical_psychologist",
        "styles": ["directive", "task_oriented"],
        "approaches": ["cbt"],
        "concerns": ["anxiety", "ocd"],
        "languages": ["en", "hi"],
        "formats": ["online", "in_person"],
        "city": "Pune",
        "fee": 2500,
        "sliding_scale_min": 1500,
        "gender": "female",
        "slots": [{"weekday": 3, "start": "18:00", "minutes": 50}],
        "capacity": 2,
        "accepting": True,
    }
    record.update(overrides)
    return record


def intake_json(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "c1",
        "concerns": ["anxiety"],
        "languages": ["hi"],
        "format": "either",
        "city": "Pune",
        "max_fee": 2000,
        "times": [{"weekday": 3, "from": "17:00", "to": "21:00"}],
        "styles": ["supportive"],
        "professions": ["counselling_psychologist"],
        "therapist_gender": "female",
        "exclude": ["t9"],
        "phq9": 12,
        "gad7": None,
    }
    record.update(overrides)
    return record


def test_roster_reads_every_field() -> None:
    extra = therapist_json(id="t2", bio="extra fields are allowed", sliding_scale_min=None)
    roster = parse_roster([therapist_json(), extra])
    assert roster[0] == Therapist(
        id="t1",
        profession="clinical_psychologist",
        styles=("directive", "task_oriented"),
        approaches=("cbt",),
        concerns=("anxiety", "ocd"),
        languages=("en", "hi"),
        formats=("online", "in_person"),
        city="Pune",
        fee=2500.0,
        sliding_scale_min=1500.0,
        gender="female",
        slots=(Slot(3, "18:00", 50),),
        capacity=2,
        accepting=True,
    )
    assert roster[1].sliding_scale_min is None
    assert roster[0].slots[0].start_minute == 18 * 60
    assert roster[0].slots[0].end_minute == 18 * 60 + 50


def test_intake_reads_every_field() -> None:
    assert parse_intake(intake_json(), "intake.json") == Intake(
        id="c1",
        concerns=("anxiety",),
        languages=("hi",),
        format="either",
        city="Pune",
        max_fee=2000.0,
        times=(TimeWindow(3, "17:00", "21:00"),),
        styles=("supportive",),
        professions=("counselling_psychologist",),
        therapist_gender="female",
        exclude=("t9",),
        phq9=12,
        gad7=None,
    )


def test_edges_that_are_allowed() -> None:
    roster = parse_roster(
        [
            therapist_json(
                fee=0,
                sliding_scale_min=0,
                capacity=0,
                formats=["online"],
                city="",
                languages=["sv"],  # any lower-case ISO 639-1 code, not only the vocabulary's
                slots=[
                    {"weekday": 0, "start": "00:00", "minutes": 15},
                    {"weekday": 6, "start": "21:00", "minutes": 180},  # ends exactly at 24:00
                    {"weekday": 6, "start": "23:45", "minutes": 15.0},  # 15.0 is a whole number
                ],
            )
        ]
    )
    assert roster[0].slots[1].end_minute == 24 * 60
    intake = parse_intake(
        intake_json(
            times=[{"weekday": 6, "from": "23:00", "to": "24:00"}],
            therapist_gender=None,
            phq9=27,
            gad7=0,
            styles=[],
            professions=[],
            concerns=[],
            exclude=[],
        )
    )
    assert intake.times[0].end_minute == 24 * 60


def test_waitlist_and_outcomes_read_in_order() -> None:
    waitlist = parse_waitlist([intake_json(id="c2"), intake_json(id="c1")])
    assert [i.id for i in waitlist] == ["c2", "c1"]
    outcomes = parse_outcomes(
        [{"therapist": "t1", "concern": "anxiety", "instrument": "gad-7", "before": 15, "after": 7}]
    )
    assert outcomes == (Outcome("t1", "anxiety", "gad-7", 15.0, 7.0),)


def test_record_error_is_an_invalid_input_with_a_stable_code() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_roster({})
    assert caught.value.code == "record_invalid"
    assert isinstance(caught.value, RecordError)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets a dotted path (``slots.0.start``) in a record."""

    def mutate(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = record
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(field)


T = "roster[1] (id 't2')"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_drop("fee"), f"{T}.fee: required"),
        (_set("fee", -1), f"{T}.fee: must be 0 or more"),
        (_set("fee", "2500"), f"{T}.fee: must be a number, got a string"),
        (_set("fee", math.inf), f"{T}.fee: must be a finite number"),
        (_set("fee", True), f"{T}.fee: must be a number, got true/false"),
        (_set("sliding_scale_min", 2600), f"{T}.sliding_scale_min: 2600 is above the fee 2500"),
        (_set("sliding_scale_min", -5), f"{T}.sliding_scale_min: must be 0 or more"),
        (_set("styles", ["directive", "bossy"]), f"{T}.styles[1]: unknown style 'bossy'"),
        (_set("styles", "directive"), f"{T}.styles: must be a list, got a string"),
        (_set("styles", ["directive", "directive"]), f"{T}.styles[1]: 'directive' is listed twice"),
        (_set("profession", "coach"), f"{T}.profession: unknown profession 'coach'"),
        (_set("approaches", ["nlp"]), f"{T}.approaches[0]: unknown approach 'nlp'"),
        (_set("concerns", ["anxiety", "Anxiety"]), f"{T}.concerns[1]: unknown concern 'Anxiety'"),
        (_set("formats", ["phone"]), f"{T}.formats[0]: unknown format 'phone'"),
        (_set("formats", []), f"{T}.formats: must list at least one"),
        (_set("gender", "f"), f"{T}.gender: unknown gender 'f'"),
        (_set("languages", ["EN"]), f"{T}.languages[0]: 'EN' is not a lower-case two-letter"),
        (_set("languages", ["eng"]), f"{T}.languages[0]: 'eng' is not a lower-case two-letter"),
        (_set("languages", []), f"{T}.languages: must list at least one"),
        (_set("city", " "), f"{T}.city: required when the therapist sees clients in person"),
        (_set("city", None), f"{T}.city: must be a string, got null"),
        (_set("id", ""), "roster[1].id: must not be empty"),
        (_set("id", 7), "roster[1].id: must be a string, got a number"),
        (_set("slots.0.weekday", 7), f"{T}.slots[0].weekday: must be from 0 to 6, got 7"),
        (_set("slots.0.weekday", -1), f"{T}.slots[0].weekday: must be from 0 to 6, got -1"),
        (_set("slots.0.start", "24:00"), f"{T}.slots[0].start: '24:00' is not a time HH:MM"),
        (_set("slots.0.start", "7:00"), f"{T}.slots[0].start: '7:00' is not a time HH:MM"),
        (_set("slots.0.start", "12:60"), f"{T}.slots[0].start: '12:60' is not a time HH:MM"),
        (_set("slots.0.minutes", 14), f"{T}.slots[0].minutes: must be from 15 to 180, got 14"),
        (_set("slots.0.minutes", 181), f"{T}.slots[0].minutes: must be from 15 to 180, got 181"),
        (_set("slots.0.minutes", 50.5), f"{T}.slots[0].minutes: must be a whole number, got 50.5"),
        (
            _set("slots.0", {"weekday": 6, "start": "23:30", "minutes": 45}),
            f"{T}.slots[0].minutes: a 45-minute slot at 23:30 runs past midnight",
        ),
        (_set("slots.0", "Thursday 18:00"), f"{T}.slots[0]: must be an object, got a string"),
        (
            _set("slots", [{"weekday": 3, "start": "18:00", "minutes": 50}] * 2),
            f"{T}.slots[1]: the same weekday and start is listed twice",
        ),
        (_set("capacity", -1), f"{T}.capacity: must be 0 or more, got -1"),
        (_set("capacity", 1.5), f"{T}.capacity: must be a whole number, got 1.5"),
        (_set("accepting", "yes"), f"{T}.accepting: must be true or false, got a string"),
        (_set("id", "t1"), "roster[1] (id 't1').id: duplicate of roster[0]"),
    ],
)
def test_bad_roster_record_names_the_record_and_field(
    mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    record = therapist_json(id="t2")
    mutate(record)
    with pytest.raises(RecordError) as caught:
        parse_roster([therapist_json(), record])
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"therapists": []}, "roster: must be a JSON array of therapists, got an object"),
        (["t1"], "roster[0]: must be an object, got a string"),
    ],
)
def test_bad_roster_shape(data: object, message: str) -> None:
    with pytest.raises(RecordError, match=f"^{re.escape(message)}$"):
        parse_roster(data)


def test_source_label_is_the_file_name() -> None:
    with pytest.raises(RecordError, match=r"^data/roster\.json\[0\] \(id 't1'\)\.fee: "):
        parse_roster([therapist_json(fee=-1)], "data/roster.json")


C = "intake (id 'c1')"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_drop("times"), f"{C}.times: required"),
        (_set("format", "phone"), f"{C}.format: unknown format 'phone'"),
        (_set("city", ""), None),  # "either" without a city is fine: online only
        (_set("max_fee", -100), f"{C}.max_fee: must be 0 or more"),
        (_set("concerns", ["worry"]), f"{C}.concerns[0]: unknown concern 'worry'"),
        (_set("styles", ["gentle"]), f"{C}.styles[0]: unknown style 'gentle'"),
        (_set("professions", ["guru"]), f"{C}.professions[0]: unknown profession 'guru'"),
        (_set("languages", []), f"{C}.languages: must list at least one"),
        (_set("languages", ["Hindi"]), f"{C}.languages[0]: 'Hindi' is not a lower-case"),
        (_set("therapist_gender", "woman"), f"{C}.therapist_gender: unknown gender 'woman'"),
        (_set("exclude", [""]), f"{C}.exclude[0]: must be a therapist id"),
        (_set("exclude", "t9"), f"{C}.exclude: must be a list, got a string"),
        (_set("phq9", 28), f"{C}.phq9: must be from 0 to 27, got 28"),
        (_set("gad7", -1), f"{C}.gad7: must be from 0 to 21, got -1"),
        (_set("gad7", 22), f"{C}.gad7: must be from 0 to 21, got 22"),
        (_set("times.0.weekday", 7), f"{C}.times[0].weekday: must be from 0 to 6, got 7"),
        (_set("times.0.from", "5pm"), f"{C}.times[0].from: '5pm' is not a time HH:MM"),
        (_set("times.0.to", "24:01"), f"{C}.times[0].to: '24:01' is not a time HH:MM"),
        (
            _set("times.0.to", "17:00"),
            f"{C}.times[0].to: 17:00 must be later than from (17:00) on the same day",
        ),
        (_drop("therapist_gender"), f"{C}.therapist_gender: required"),
    ],
)
def test_bad_intake_names_the_field(
    mutate: Callable[[dict[str, Any]], None], message: str | None
) -> None:
    record = intake_json()
    mutate(record)
    if message is None:
        parse_intake(record)
        return
    with pytest.raises(RecordError) as caught:
        parse_intake(record)
    assert str(caught.value).startswith(message)


def test_in_person_intake_needs_a_city() -> None:
    with pytest.raises(RecordError, match=r"^intake \(id 'c1'\)\.city: required for in-person"):
        parse_intake(intake_json(format="in_person", city=" "))
    assert parse_intake(intake_json(format="online", city="")).city == ""


def test_waitlist_errors_name_the_index_and_duplicates() -> None:
    with pytest.raises(
        RecordError, match=r"^waitlist\[1\] \(id 'c1'\)\.id: duplicate of waitlist\[0\]$"
    ):
        parse_waitlist([intake_json(), intake_json()])
    bad = copy.deepcopy(intake_json(id="c7"))
    bad["max_fee"] = None
    with pytest.raises(RecordError, match=r"^waitlist\[1\] \(id 'c7'\)\.max_fee: must be a number"):
        parse_waitlist([intake_json(), bad])
    with pytest.raises(RecordError, match=r"^waitlist: must be a JSON array of intakes"):
        parse_waitlist(intake_json())


GOOD_OUTCOME = {
    "therapist": "t1",
    "concern": "anxiety",
    "instrument": "gad-7",
    "before": 9,
    "after": 4,
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("therapist", None, "therapist: must be a string, got null"),
        ("concern", "nerves", "concern: unknown concern 'nerves'"),
        ("instrument", "", "instrument: must not be empty"),
        ("before", "15", "before: must be a number, got a string"),
        ("after", math.nan, "after: must be a finite number"),
    ],
)
def test_bad_outcome_names_the_field(field: str, value: object, message: str) -> None:
    bad = {**GOOD_OUTCOME, field: value}
    with pytest.raises(RecordError) as caught:
        parse_outcomes([GOOD_OUTCOME, bad], "outcomes.json")
    assert str(caught.value).startswith(f"outcomes.json[1].{message}")


def test_outcome_fields_are_required() -> None:
    with pytest.raises(RecordError, match=r"^outcomes\[0\]\.after: required$"):
        parse_outcomes([{k: v for k, v in GOOD_OUTCOME.items() if k != "after"}])
