"""Instrument definition files: every shipped file parses, and broken ones fail loudly.

Facts pinned here come from each instrument's primary source and LOINC (cited per test; see
docs/reference/sources.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from alliance.core.measures.definitions import (
    InstrumentDefinitionError,
    LicenceStatus,
    parse_instrument,
    parse_instruments,
)
from alliance.core.measures.tests.helpers import (
    INSTRUMENT_IDS,
    INSTRUMENTS_DIR,
    SCORING_KEY_ONLY,
    load_document,
    load_instrument,
)


def test_every_file_in_instruments_parses() -> None:
    files = sorted(INSTRUMENTS_DIR.glob("*.json"))
    assert {path.stem for path in files} == set(INSTRUMENT_IDS)
    for path in files:
        instrument = load_instrument(path.stem)
        assert instrument.id == path.stem, "the file name is the instrument id"


def test_parse_instruments_rejects_duplicate_ids() -> None:
    documents = {"a/phq-9.json": load_document("phq-9"), "b/phq-9.json": load_document("phq-9")}
    with pytest.raises(InstrumentDefinitionError, match=r"^b/phq-9\.json: id: duplicate"):
        parse_instruments(documents)


@pytest.mark.parametrize("instrument_id", SCORING_KEY_ONLY)
def test_scoring_key_only_instruments_contain_no_wording(instrument_id: str) -> None:
    # WAI-SR and its therapist form (copyright Society for Psychotherapy Research), SRS and ORS
    # (PCOMS licence) ship the scoring key only; no item wording, not even paraphrased.
    instrument = load_instrument(instrument_id)
    assert instrument.licence.status in {
        LicenceStatus.SCORING_KEY_ONLY,
        LicenceStatus.NEEDS_LICENCE,
    }
    assert instrument.licence.wording_included is False
    assert instrument.stem is None
    assert all(item.text is None for item in instrument.items)
    assert all(option.label is None for s in instrument.answer_sets for option in s.options)
    assert all(item.note is None for item in instrument.items)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_wording_only_where_the_licence_allows_it(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    has_text = any(item.text is not None for item in instrument.items)
    assert has_text == instrument.licence.wording_included
    assert (instrument_id in SCORING_KEY_ONLY) == (not has_text)


# A source names a dated publication ("Kroenke, Spitzer & Williams (2001)"), the NHS Talking
# Therapies manual, or says the rule is Alliance's own.
CITED = re.compile(
    r"\b(19|20)\d\d\b|^NHS Talking Therapies manual|^Alliance's own|^Alliance Check-in design"
)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_threshold_cites_a_source(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    sources = [instrument.total.source, instrument.missing.source, instrument.licence.source]
    sources += [flag.source for flag in instrument.flags]
    for block in (instrument.bands, instrument.clinical_cutoff, instrument.reliable_change):
        if block is not None:
            sources.append(block.source)
    assert all(CITED.search(source) for source in sources), sources


# LOINC panels 44249-1 (PHQ-9) and 69737-5 (GAD-7), including the GAD-7 code-mapping trap seen
# in public code (69689-8 is item 6, 69736-7 is item 7; the panel code is never an item code;
# 75626-2 is AUDIT-C, not GAD-7).
PHQ9_LOINC = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7"]
PHQ9_LOINC += ["44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_LOINC = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


@pytest.mark.parametrize(
    ("instrument_id", "item_codes", "panel", "total"),
    [
        ("phq-9", PHQ9_LOINC, "44249-1", "44261-6"),
        ("gad-7", GAD7_LOINC, "69737-5", "70274-6"),
    ],
)
def test_loinc_codes_are_pinned_to_their_items(
    instrument_id: str, item_codes: list[str], panel: str, total: str
) -> None:
    instrument = load_instrument(instrument_id)
    assert [item.loinc for item in instrument.scored_items] == item_codes
    assert (instrument.loinc.panel, instrument.loinc.total) == (panel, total)
    all_codes = {item.loinc for item in instrument.items}
    assert panel not in all_codes
    assert "75626-2" not in all_codes | {instrument.loinc.total}


def test_phq_answer_codes() -> None:
    # LOINC answer list LL358-3: Not at all = 0 (LA6568-5) ... Nearly every day = 3 (LA6571-9).
    answer_set = load_instrument("phq-9").item("phq9-1").answer_set
    assert answer_set.loinc == "LL358-3"
    assert [(o.value, o.label, o.loinc) for o in answer_set.options] == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]


@pytest.mark.parametrize(("instrument_id", "n_scored"), [("phq-9", 9), ("gad-7", 7)])
def test_difficulty_item_is_included_but_unscored(instrument_id: str, n_scored: int) -> None:
    instrument = load_instrument(instrument_id)
    difficulty = instrument.items[-1]
    assert not difficulty.scored
    assert difficulty.text is not None
    assert difficulty.text.startswith("If you checked off any problems")
    assert len(instrument.scored_items) == n_scored


def test_core10_key() -> None:
    # CORE-10 User Manual (Connell & Barkham 2007): items 2 and 3 reverse-keyed; item 6 is the
    # risk item; wording verbatim (CC BY-ND 4.0).
    core10 = load_instrument("core-10")
    assert [item.number for item in core10.items if item.reverse] == [2, 3]
    assert core10.item("core10-6").text == "I made plans to end my life"
    assert core10.item("core10-2").text == (
        "I have felt I have someone to turn to for support when needed"
    )
    assert core10.licence.attribution == (
        "CORE-10 © CORE System Trust, licensed under CC BY-ND 4.0"
    )
    assert [(f.id, f.on, f.critical) for f in core10.flags] == [("item6_risk", "core10-6", True)]


def test_wai_sr_subscale_key() -> None:
    # Hatcher & Gillaspy (2006): Goal 4, 6, 8, 11 · Task 1, 2, 10, 12 · Bond 3, 5, 7, 9; no
    # reverse items.
    wai = load_instrument("wai-sr")
    key = {s.id: [wai.item(i).number for i in s.items] for s in wai.subscales}
    assert key == {"goal": [4, 6, 8, 11], "task": [1, 2, 10, 12], "bond": [3, 5, 7, 9]}
    assert not any(item.reverse for item in wai.items)


@pytest.mark.parametrize("instrument_id", ["alliance-checkin-client", "alliance-checkin-therapist"])
def test_alliance_checkin_is_ours_and_not_validated(instrument_id: str) -> None:
    checkin = load_instrument(instrument_id)
    assert checkin.validated is False
    assert checkin.licence.status is LicenceStatus.APACHE_2
    scored = [item.link_id for item in checkin.scored_items]
    assert scored == ["checkin-bond", "checkin-goals", "checkin-collaboration", "checkin-frame"]
    free_text = checkin.item("checkin-not-working")
    assert not free_text.scored
    assert free_text.answer_set.kind == "text"


def test_only_our_own_measure_is_unvalidated() -> None:
    unvalidated = {i for i in INSTRUMENT_IDS if not load_instrument(i).validated}
    assert unvalidated == {"alliance-checkin-client", "alliance-checkin-therapist"}


def test_wai_sr_therapist_key_is_marked_unconfirmed() -> None:
    # Items, key, scale and reverse items of the therapist form are not yet checked against
    # Hatcher, Lindqvist & Falkenström (2020).
    therapist = load_instrument("wai-sr-therapist")
    assert therapist.key_confirmed is False
    assert therapist.notes is not None
    assert "KEY UNCONFIRMED" in therapist.notes
    assert all(load_instrument(i).key_confirmed for i in INSTRUMENT_IDS if i != therapist.id)


# --- broken definitions -------------------------------------------------------------------

Doc = dict[str, Any]


CORE10_RCI = {"points": 6, "sd": None, "reliability": None, "source": "x", "evidence": "checked"}


def _set(path: str, value: object) -> Callable[[Doc], None]:
    """A mutation that sets ``doc[a][0][b] = value`` for ``path = "a.0.b"``."""

    def mutate(doc: Doc) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del doc[key]

    return mutate


BROKEN: list[tuple[str, str, Callable[[Doc], None], str]] = [
    ("phq-9", "dup link id", _set("items.1.link_id", "phq9-1"), "items[1]: duplicate link id"),
    ("phq-9", "dup number", _set("items.1.number", 1), "items[1]: duplicate item number '1'"),
    ("phq-9", "dup option", _set("answer_sets.0.options.1.value", 0), "duplicate value '0'"),
    ("phq-9", "unknown set", _set("items.0.answer_set", "nope"), "unknown answer set 'nope'"),
    ("phq-9", "no title", _delete("title"), "title: missing required field"),
    ("phq-9", "extra field", _set("colour", "red"), "unknown field(s) colour"),
    ("phq-9", "bad type", _set("items.0.scored", "yes"), "items[0].scored: expected true or false"),
    ("phq-9", "bool number", _set("total.min", False), "total.min: expected a number, got bool"),
    ("phq-9", "bad id", _set("id", "PHQ9"), "id: 'PHQ9' is not a valid identifier"),
    ("phq-9", "bad format", _set("format", "fhir"), "format: expected 'alliance-instrument/1'"),
    ("phq-9", "bad loinc", _set("items.0.loinc", "abc"), "items[0].loinc: 'abc' is not a LOINC"),
    ("phq-9", "range", _set("total.max", 30), "declared range 0-30 but the scored items give 0-27"),
    ("phq-9", "band gap", _set("bands.ranges.1.min", 6), "band 'mild' starts at 6; expected 5"),
    ("phq-9", "band short", _set("bands.ranges.4.max", 26), "bands cover 0-26 but the total"),
    ("phq-9", "band order", _set("bands.ranges.0.max", -1), "min 0 is above max -1"),
    ("phq-9", "wording", _set("items.0.text", None), "wording_included is true but"),
    ("phq-9", "flag item", _set("flags.0.on", "phq9-10"), "is not 'total', 'any_item' or a"),
    ("phq-9", "flag value", _set("flags.0.value", 5), "flags[0].value: 5 is outside"),
    ("phq-9", "cutoff dir", _set("clinical_cutoff.clinical_if", "<="), "does not fit a total"),
    ("phq-9", "cutoff range", _set("clinical_cutoff.value", 40), "outside the total's range"),
    ("phq-9", "reverse unscored", _set("items.9.reverse", True), "only a scored item can be"),
    ("phq-9", "refuse n", _set("missing.max_missing", 1), "must be 0 when the rule is 'refuse'"),
    ("phq-9", "no source", _set("bands.source", ""), "bands.source: must not be empty"),
    ("phq-9", "enum", _set("total.method", "median"), "'median' is not one of 'sum', 'mean'"),
    ("wai-sr", "subscale", _set("subscales.0.items.0", "waisr-99"), "'waisr-99' is not a scored"),
    ("wai-sr", "key text", _set("items.0.text", "Some wording"), "wording_included is false"),
    ("wai-sr", "key label", _set("answer_sets.0.options.0.label", "x"), "wording_included is f"),
    ("wai-sr", "licence", _set("licence.wording_included", True), "does not allow wording"),
    ("core-10", "risk prorated", _set("missing.required", []), "critical flag 'item6_risk'"),
    # SD 7.7 and alpha .90 give 6.75 (Jacobson & Truax 1991), not the published index of 6.
    (
        "core-10",
        "rci",
        _set("reliable_change", {**CORE10_RCI, "sd": 7.7, "reliability": 0.9}),
        "does not match Jacobson-Truax",
    ),
    ("core-10", "prorate n", _set("missing.max_missing", 10), "fewer than the scored items"),
    ("srs", "vas", _set("answer_sets.0.divisor", 0), "divisor: must be a positive whole number"),
]


@pytest.mark.parametrize(
    ("instrument_id", "mutate", "problem"),
    [(i, m, p) for i, _, m, p in BROKEN],
    ids=[name for _, name, _, _ in BROKEN],
)
def test_broken_definition_names_the_file_and_the_problem(
    instrument_id: str, mutate: Callable[[Doc], None], problem: str
) -> None:
    document = load_document(instrument_id)
    mutate(document)
    source = f"instruments/{instrument_id}.json"
    with pytest.raises(InstrumentDefinitionError) as raised:
        parse_instrument(document, source)
    message = str(raised.value)
    assert message.startswith(f"{source}: ")
    assert problem in message


def test_a_definition_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InstrumentDefinitionError, match=r"^x\.json: expected an object, got list"):
        parse_instrument([], "x.json")  # type: ignore[arg-type]
