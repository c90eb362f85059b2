"""docs/examples validate against docs/schemas (JSON Schema 2020-12) and parse with our parsers;
the schemas and the parsers agree on the vocabulary and on typical bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from alliance.core.matching import (
    Matcher,
    parse_intake,
    parse_outcomes,
    parse_roster,
    parse_waitlist,
)
from alliance.core.matching.records import RecordError
from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    PROFESSIONS,
)

DOCS = Path(__file__).resolve().parents[4] / "docs"
PARSERS: dict[str, Callable[[object, str], object]] = {
    "roster": parse_roster,
    "intake": parse_intake,
    "waitlist": parse_waitlist,
    "outcomes": parse_outcomes,
}


def load(kind: str, name: str) -> Any:
    path = DOCS / ("schemas" if kind == "schema" else "examples") / name
    return json.loads(path.read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    schema = load("schema", f"{name}.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_example_validates_and_parses(name: str) -> None:
    example = load("example", f"{name}.json")
    errors = [e.message for e in validator(name).iter_errors(example)]
    assert errors == []
    PARSERS[name](example, f"docs/examples/{name}.json")


def test_examples_are_big_enough_to_be_useful() -> None:
    roster = parse_roster(load("example", "roster.json"))
    waitlist = parse_waitlist(load("example", "waitlist.json"))
    assert len(roster) >= 12
    assert len(waitlist) >= 20
    # The example intake shows measured effectiveness as a reason (docs/formats.md quotes it).
    matcher = Matcher().fit(roster, parse_outcomes(load("example", "outcomes.json")))
    reasons = [
        r for m in matcher.rank(parse_intake(load("example", "intake.json"))) for r in m.reasons
    ]
    assert "strong results with anxiety and worry in this clinic (n = 24)" in reasons


def _enum(schema: dict[str, Any], *path: str) -> set[Any]:
    node: Any = schema
    for key in path:
        node = node[key]
    return set(node["enum"] if "enum" in node else node["items"]["enum"])


def test_schemas_use_exactly_the_vocabulary() -> None:
    therapist = load("schema", "roster.schema.json")["$defs"]["therapist"]["properties"]
    assert _enum(therapist, "profession") == set(PROFESSIONS)
    assert _enum(therapist, "styles") == set(ALLIANCE_STYLES)
    assert _enum(therapist, "approaches") == set(APPROACHES)
    assert _enum(therapist, "concerns") == set(CONCERNS)
    assert _enum(therapist, "formats") == set(FORMATS)
    assert _enum(therapist, "gender") == set(GENDERS)
    for name in ("intake", "waitlist"):
        intake = load("schema", f"{name}.schema.json")["$defs"]["intake"]["properties"]
        assert _enum(intake, "concerns") == set(CONCERNS)
        assert _enum(intake, "styles") == set(ALLIANCE_STYLES)
        assert _enum(intake, "professions") == set(PROFESSIONS)
        assert _enum(intake, "therapist_gender") == {*GENDERS, None}
        assert _enum(intake, "format") == {"online", "in_person", "either"}
    outcome = load("schema", "outcomes.schema.json")["$defs"]["outcome"]["properties"]
    assert _enum(outcome, "concern") == set(CONCERNS)


def test_waitlist_schema_holds_the_same_intake_as_the_intake_schema() -> None:
    intake = load("schema", "intake.schema.json")["$defs"]
    waitlist = load("schema", "waitlist.schema.json")["$defs"]
    assert intake == waitlist


def _roster_with(**changes: Any) -> list[dict[str, Any]]:
    roster: list[dict[str, Any]] = copy.deepcopy(load("example", "roster.json"))
    roster[0].update(changes)
    return roster


@pytest.mark.parametrize(
    "roster",
    [
        _roster_with(styles=["bossy"]),
        _roster_with(fee=-1),
        _roster_with(slots=[{"weekday": 7, "start": "10:00", "minutes": 50}]),
        _roster_with(slots=[{"weekday": 1, "start": "24:00", "minutes": 50}]),
        _roster_with(slots=[{"weekday": 1, "start": "10:00", "minutes": 200}]),
        _roster_with(capacity=-1),
        _roster_with(languages=["EN"]),
        _roster_with(formats=["in_person"], city=""),
        _roster_with(accepting=None),
    ],
)
def test_schema_and_parser_both_reject_bad_rosters(roster: list[dict[str, Any]]) -> None:
    assert not validator("roster").is_valid(roster)
    with pytest.raises(RecordError, match=r"^roster\[0\] \(id 't01'\)\."):
        parse_roster(roster)


@pytest.mark.parametrize(
    "changes",
    [
        {"format": "phone"},
        {"max_fee": -1},
        {"phq9": 28},
        {"times": [{"weekday": 0, "from": "9:00", "to": "10:00"}]},
        {"format": "in_person", "city": ""},
        {"languages": []},
    ],
)
def test_schema_and_parser_both_reject_bad_intakes(changes: dict[str, Any]) -> None:
    intake = {**load("example", "intake.json"), **changes}
    assert not validator("intake").is_valid(intake)
    with pytest.raises(RecordError, match=r"^intake \(id 'c001'\)\."):
        parse_intake(intake)
