"""FHIR R4 export and import (core.measures.fhir), validated against the R4B models.

LOINC codes are pinned from the LOINC panels 44249-1 (PHQ-9) and 69737-5 (GAD-7); the
stored-total gotcha is the HL7 FHIR SDC example PHQ-9 QuestionnaireResponse.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.errors import InvalidInput
from alliance.core.measures.definitions import AnswerKind, Instrument, InvalidMeasureInput
from alliance.core.measures.fhir import (
    LOINC,
    ORDINAL_VALUE,
    build_bundle,
    build_observations,
    build_questionnaire,
    build_questionnaire_response,
    parse_questionnaire_response,
    parse_response,
)
from alliance.core.measures.scoring import score_response
from alliance.core.measures.tests.helpers import (
    INSTRUMENT_IDS,
    SCORING_KEY_ONLY,
    answers_for,
    load_instrument,
)

WHEN = datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
PATIENT = "Patient/p1"
WORDING_SHIPPED = [i for i in INSTRUMENT_IDS if i not in SCORING_KEY_ONLY]


def _response(instrument_id: str, values: list[int | None], **kwargs: Any) -> dict[str, Any]:
    instrument = load_instrument(instrument_id)
    answers = answers_for(instrument_id, values)
    return build_questionnaire_response(
        instrument, answers, authored=WHEN, subject_ref=PATIENT, **kwargs
    )


def _walk(node: object) -> Iterator[tuple[str, object]]:
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _wording(instrument: Instrument) -> list[str]:
    labels = [option.label for s in instrument.answer_sets for option in s.options]
    texts = [item.text for item in instrument.items] + [instrument.stem]
    return [text for text in labels + texts if text is not None]


def _items(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in questionnaire["item"]}


# --- Questionnaire -------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_questionnaire_is_valid_r4b(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    questionnaire = build_questionnaire(instrument)
    Questionnaire.model_validate(questionnaire)
    json.dumps(questionnaire)  # plain JSON-able
    assert questionnaire["url"] == f"https://alliance.example/fhir/Questionnaire/{instrument_id}"
    assert questionnaire["version"] == instrument.version
    assert questionnaire["status"] == ("active" if instrument.key_confirmed else "draft")
    assert questionnaire["identifier"][0]["value"] == instrument_id
    questions = [item for item in questionnaire["item"] if item["type"] != "display"]
    assert [item["linkId"] for item in questions] == [item.link_id for item in instrument.items]
    assert [item["prefix"] for item in questions] == [str(item.number) for item in instrument.items]


@pytest.mark.parametrize("instrument_id", SCORING_KEY_ONLY)
def test_key_only_questionnaire_carries_no_wording(instrument_id: str) -> None:
    questionnaire = build_questionnaire(load_instrument(instrument_id))
    assert not any(item["type"] == "display" for item in questionnaire["item"])  # no stem
    for item in questionnaire["item"]:
        assert "text" not in item
        assert "_text" not in item
        assert "licensed separately" in item["extension"][0]["valueString"]
        codings = [option["valueCoding"] for option in item.get("answerOption", [])]
        assert all("display" not in coding for coding in codings)
    assert "licensed separately" in questionnaire["copyright"]


@pytest.mark.parametrize("instrument_id", WORDING_SHIPPED)
def test_wording_is_withheld_whenever_the_licence_says_so(instrument_id: str) -> None:
    # The key-only files hold no wording to leak, so flip a shipped instrument's licence: none
    # of its item texts, labels or stem may then appear anywhere in the Questionnaire.
    shipped = load_instrument(instrument_id)
    withheld = replace(shipped, licence=replace(shipped.licence, wording_included=False))
    dumped = json.dumps(build_questionnaire(withheld), ensure_ascii=False)
    leaked = [text for text in _wording(shipped) if text in dumped]
    assert leaked == []
    assert _wording(shipped)[0] in json.dumps(build_questionnaire(shipped), ensure_ascii=False)


@pytest.mark.parametrize("instrument_id", WORDING_SHIPPED)
def test_shipped_wording_is_complete(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    items = _items(build_questionnaire(instrument))
    for item in instrument.items:
        assert items[item.link_id]["text"] == item.text
        displays = [
            o["valueCoding"]["display"] for o in items[item.link_id].get("answerOption", [])
        ]
        assert displays == [option.label for option in item.answer_set.options]


# LOINC: panel 44249-1, item codes, answer list LL358-3.
PHQ9_ITEM_LOINC = {
    "phq9-1": "44250-9",
    "phq9-2": "44255-8",
    "phq9-3": "44259-0",
    "phq9-4": "44254-1",
    "phq9-5": "44251-7",
    "phq9-6": "44258-2",
    "phq9-7": "44252-5",
    "phq9-8": "44253-3",
    "phq9-9": "44260-8",
}
# LOINC panel 69737-5: items 6 and 7 (69689-8, 69736-7) are the pair public code swaps.
GAD7_ITEM_LOINC = {
    "gad7-1": "69725-0",
    "gad7-2": "68509-9",
    "gad7-3": "69733-4",
    "gad7-4": "69734-2",
    "gad7-5": "69735-9",
    "gad7-6": "69689-8",
    "gad7-7": "69736-7",
}
FREQUENCY_ANSWERS = [("LA6568-5", 0), ("LA6569-3", 1), ("LA6570-1", 2), ("LA6571-9", 3)]


@pytest.mark.parametrize(
    ("instrument_id", "panel", "item_codes"),
    [("phq-9", "44249-1", PHQ9_ITEM_LOINC), ("gad-7", "69737-5", GAD7_ITEM_LOINC)],
)
def test_loinc_panel_item_and_answer_codes(
    instrument_id: str, panel: str, item_codes: dict[str, str]
) -> None:
    questionnaire = build_questionnaire(load_instrument(instrument_id))
    assert questionnaire["code"] == [{"system": LOINC, "code": panel}]
    items = _items(questionnaire)
    assert {link_id: items[link_id]["code"][0]["code"] for link_id in item_codes} == item_codes
    for link_id in item_codes:
        codings = [option["valueCoding"] for option in items[link_id]["answerOption"]]
        assert [(c["system"], c["code"]) for c in codings] == [
            (LOINC, code) for code, _ in FREQUENCY_ANSWERS
        ]
        ordinals = [c["extension"][0] for c in codings]
        assert ordinals == [
            {"url": ORDINAL_VALUE, "valueDecimal": value} for _, value in FREQUENCY_ANSWERS
        ]
    assert items[f"{instrument_id[:3]}{instrument_id[-1]}-1"]["required"] is True


def test_unscored_difficulty_item_has_no_loinc_and_no_ordinal_values() -> None:
    # The difficulty item's LOINC code is unconfirmed (69722-7 in the LOINC panel, 44256-6 in
    # the HL7 FHIR R4 example), so none is emitted.
    item = _items(build_questionnaire(load_instrument("phq-9")))["phq9-difficulty"]
    assert "code" not in item
    assert item["required"] is False
    codings = [option["valueCoding"] for option in item["answerOption"]]
    assert {c["system"] for c in codings} == {
        "https://alliance.example/fhir/CodeSystem/phq-9-difficulty"
    }
    assert [c["code"] for c in codings] == ["0", "1", "2", "3"]
    assert all("extension" not in c for c in codings)


def test_reverse_keyed_ordinal_values_and_prorate_required() -> None:
    # CORE-10 items 2 and 3 score 4 - answer (Connell & Barkham 2007); item 6 (risk) stays
    # required.
    items = _items(build_questionnaire(load_instrument("core-10")))
    ordinals = [
        o["valueCoding"]["extension"][0]["valueDecimal"] for o in items["core10-2"]["answerOption"]
    ]
    assert ordinals == [4, 3, 2, 1, 0]
    assert items["core10-1"]["answerOption"][0]["valueCoding"]["extension"][0]["valueDecimal"] == 0
    assert [items[f"core10-{n}"]["required"] for n in (1, 6)] == [False, True]


def test_visual_analogue_items_are_bounded_integers_in_mm() -> None:
    item = _items(build_questionnaire(load_instrument("srs")))["srs-1"]
    assert item["type"] == "integer"
    extensions = {ext["url"].rsplit("/", 1)[-1]: ext for ext in item["extension"]}
    assert extensions["minValue"]["valueInteger"] == 0
    assert extensions["maxValue"]["valueInteger"] == 100
    assert extensions["questionnaire-unit"]["valueCoding"]["code"] == "mm"


def test_stem_is_a_leading_display_item_and_licence_line_is_the_copyright() -> None:
    instrument = load_instrument("phq-9")
    questionnaire = build_questionnaire(instrument)
    assert questionnaire["item"][0] == {
        "linkId": "phq-9-stem",
        "type": "display",
        "text": instrument.stem,
    }
    assert questionnaire["copyright"] == instrument.licence.attribution


# --- QuestionnaireResponse round trip ------------------------------------------------------

ROUND_TRIPS = [
    ("phq-9", {**answers_for("phq-9", [0, 1, 2, 3, 0, 1, 2, 3, 1]), "phq9-difficulty": 2}),
    ("gad-7", {**answers_for("gad-7", [3, 2, 1, 0, 1, 2, 3]), "gad7-difficulty": None}),
    ("core-10", answers_for("core-10", [0, 1, 2, 3, 4, 0, None, 2, 1, 0])),  # one prorated
    ("alliance-checkin-client", answers_for("alliance-checkin-client", [4, 3, 0, 2])),
    ("srs", answers_for("srs", [0, 55, 100, 73])),
]


@pytest.mark.parametrize(("instrument_id", "answers"), ROUND_TRIPS)
def test_response_round_trips(instrument_id: str, answers: dict[str, int | None]) -> None:
    instrument = load_instrument(instrument_id)
    response = build_questionnaire_response(
        instrument, answers, authored=WHEN, subject_ref=PATIENT, response_id="qr-1"
    )
    QuestionnaireResponse.model_validate(response)
    assert response["status"] == "completed"
    assert response["questionnaire"].endswith(
        f"/Questionnaire/{instrument_id}|{instrument.version}"
    )
    assert response["authored"] == "2024-05-01T10:30:00+01:00"
    assert parse_questionnaire_response(instrument, json.loads(json.dumps(response))) == answers


def test_free_text_comment_round_trips() -> None:
    instrument = load_instrument("alliance-checkin-client")
    answers = answers_for("alliance-checkin-client", [2, 2, 1, 3])
    comment = "The last ten minutes felt rushed."
    response = build_questionnaire_response(
        instrument,
        answers,
        authored=WHEN,
        subject_ref=PATIENT,
        author_ref="Patient/p1",
        comment=comment,
    )
    last = response["item"][-1]
    assert last["linkId"] == "checkin-not-working"
    assert last["answer"] == [{"valueString": comment}]
    assert response["author"] == {"reference": "Patient/p1"}
    parsed = parse_response(instrument, response)
    assert (parsed.answers, parsed.comment) == (answers, comment)


def test_response_answers_are_codings_the_questionnaire_offers() -> None:
    instrument = load_instrument("phq-9")
    offered = {
        link_id: [(o["valueCoding"]["system"], o["valueCoding"]["code"]) for o in q["answerOption"]]
        for link_id, q in _items(build_questionnaire(instrument)).items()
        if "answerOption" in q
    }
    answers = {**answers_for("phq-9", [3] * 9), "phq9-difficulty": 1}
    response = build_questionnaire_response(instrument, answers, authored=WHEN, subject_ref=PATIENT)
    for item in response["item"]:
        coding = item["answer"][0]["valueCoding"]
        assert (coding["system"], coding["code"]) in offered[item["linkId"]]
    assert "phq9-difficulty" in {item["linkId"] for item in response["item"]}
    assert not any("total" in item["linkId"] for item in response["item"])  # never a stored score


def test_unanswered_items_are_omitted_and_read_back_as_none() -> None:
    response = _response("core-10", [1, 1, 1, 1, 1, 1, 1, 1, 1, None])
    assert "core10-10" not in {item["linkId"] for item in response["item"]}
    assert parse_questionnaire_response(load_instrument("core-10"), response)["core10-10"] is None


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"phq9-10": 1}, "unknown_item"),
        ({"phq9-1": 4}, "answer_out_of_range"),
        ({"phq9-1": True}, "not_a_number"),
    ],
)
def test_export_refuses_answers_the_instrument_does_not_allow(
    answers: dict[str, int | None], code: str
) -> None:
    with pytest.raises(InvalidMeasureInput) as error:
        build_questionnaire_response(
            load_instrument("phq-9"), answers, authored=WHEN, subject_ref=PATIENT
        )
    assert error.value.code == code


def test_export_refuses_a_comment_without_a_free_text_item() -> None:
    with pytest.raises(InvalidMeasureInput, match="no free-text item"):
        _response("phq-9", [0] * 9, comment="hello")


def test_export_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_questionnaire_response(
            load_instrument("phq-9"), {}, authored=datetime(2024, 5, 1), subject_ref=PATIENT
        )


# --- QuestionnaireResponse import ----------------------------------------------------------


def test_stored_total_is_ignored_and_rescored() -> None:
    # HL7 FHIR SDC gotcha: the SDC PHQ-9 example stores a total of 13 while its answers sum
    # to 10. Reproduced here: answers 2+2+1+1+1+1+1+1+0 = 10, stored totals say 13.
    values: list[int | None] = [2, 2, 1, 1, 1, 1, 1, 1, 0]
    response = _response("phq-9", values)
    for link_id in ("/44261-6", "44261-6", "total"):
        response["item"].append({"linkId": link_id, "answer": [{"valueInteger": 13}]})
    instrument = load_instrument("phq-9")
    answers = parse_questionnaire_response(instrument, response)
    assert answers == {**answers_for("phq-9", values), "phq9-difficulty": None}
    score = score_response(instrument, answers)
    assert score.total == 10
    assert score.band is not None
    assert score.band.code == "moderate"


def test_group_items_are_read_through() -> None:
    response = _response("gad-7", [1, 1, 1, 1, 1, 1, 1])
    response["item"] = [{"linkId": "group", "item": response["item"]}]
    assert parse_questionnaire_response(load_instrument("gad-7"), response) == {
        **answers_for("gad-7", [1] * 7),
        "gad7-difficulty": None,
    }


def test_a_missing_item_is_refused_by_scoring_not_by_import() -> None:
    # Import reports what was answered (CORE-10 may prorate); the instrument's own missing rule,
    # applied by score_response, refuses an incomplete PHQ-9.
    response = _response("phq-9", [1, 1, 1, 1, 1, 1, 1, 1, 1])
    del response["item"][8]
    answers = parse_questionnaire_response(load_instrument("phq-9"), response)
    assert answers["phq9-9"] is None
    with pytest.raises(InvalidInput) as error:
        score_response(load_instrument("phq-9"), answers)
    assert error.value.code == "incomplete"


_DELETE = object()


def _set(path: str, value: object) -> Callable[[dict[str, Any]], object]:
    def mutate(response: dict[str, Any]) -> object:
        *parents, key = path.split(".")
        node: Any = response
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        index: int | str = int(key) if key.isdigit() else key
        if value is _DELETE:
            del node[index]
        elif isinstance(node, list) and index == len(node):
            node.append(value)
        else:
            node[index] = value
        return response

    return mutate


_SEVERAL_DAYS = {"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3"}}
_OTHER_SYSTEM = {"system": "http://snomed.info/sct", "code": "LA6568-5"}

MALFORMED: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("list", lambda r: [r], "expected a JSON object, got list"),
    ("string", lambda r: json.dumps(r), "expected a JSON object, got str"),
    ("resource type", _set("resourceType", "Observation"), "resourceType is 'Observation'"),
    ("no resource type", _set("resourceType", _DELETE), "resourceType is None"),
    ("item without linkId", _set("item.0.linkId", _DELETE), "item.0.linkId"),
    ("no items", _set("item", _DELETE), "has no items"),
    ("unknown field", _set("score", 13), "score: Extra inputs are not permitted"),
    ("unknown linkId", _set("item.0.linkId", "phq9-10"), "unknown linkId 'phq9-10'"),
    ("repeated linkId", _set("item.1.linkId", "phq9-1"), "'phq9-1' appears more than once"),
    (
        "answer not allowed",
        _set("item.0.answer.0.valueCoding.code", "LA9999-9"),
        "http://loinc.org|LA9999-9 is not an allowed option",
    ),
    (
        "answer in another system",
        _set("item.0.answer.0.valueCoding", _OTHER_SYSTEM),
        "sct|LA6568-5 is not an allowed option (http://loinc.org|LA6568-5, http://loinc.org|LA6569-3",
    ),
    (
        "integer for a choice",
        _set("item.0.answer.0", {"valueInteger": 2}),
        "'phq9-1' needs a valueCoding answer, got valueInteger",
    ),
    ("two answers", _set("item.0.answer.1", _SEVERAL_DAYS), "'phq9-1' has 2 answers"),
    (
        "wrong questionnaire",
        _set("questionnaire", "https://alliance.example/fhir/Questionnaire/gad-7|1.0.0"),
        "expected 'https://alliance.example/fhir/Questionnaire/phq-9'",
    ),
    ("no questionnaire", _set("questionnaire", _DELETE), "questionnaire is ''"),
    (
        "wrong version",
        _set("questionnaire", "https://alliance.example/fhir/Questionnaire/phq-9|0.9.0"),
        "version '0.9.0'",
    ),
    ("in progress", _set("status", "in-progress"), "status is 'in-progress'"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED]
)
def test_malformed_responses_are_refused(
    mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = mutate(copy.deepcopy(_response("phq-9", [1, 2, 3, 0, 1, 2, 3, 0, 1])))
    with pytest.raises(InvalidInput) as error:
        parse_questionnaire_response(load_instrument("phq-9"), data)
    assert error.value.code == "fhir_invalid"
    assert message in error.value.detail
    assert error.value.detail.startswith("FHIR QuestionnaireResponse: ")


def test_versionless_canonical_is_accepted() -> None:
    response = _response("phq-9", [0] * 9)
    response["questionnaire"] = "https://alliance.example/fhir/Questionnaire/phq-9"
    assert parse_questionnaire_response(load_instrument("phq-9"), response)["phq9-1"] == 0


def test_range_answer_out_of_range_is_refused() -> None:
    response = _response("srs", [10, 20, 30, 40])
    response["item"][0]["answer"] = [{"valueInteger": 101}]
    with pytest.raises(InvalidInput, match="101 is not a whole number from 0 to 100"):
        parse_questionnaire_response(load_instrument("srs"), response)


# --- Observations and Bundle ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "values", "total", "loinc", "band"),
    [
        ("phq-9", [2, 2, 1, 1, 1, 1, 1, 1, 0], 10, "44261-6", "Moderate"),  # 2+2+1*6 = 10
        ("gad-7", [1, 1, 1, 1, 1, 0, 0], 5, "70274-6", "Mild"),  # 1*5 = 5, "5 is mild"
        ("alliance-checkin-client", [4, 3, 0, 2], 9, None, None),  # 4+3+0+2 = 9
    ],
)
def test_total_observation(
    instrument_id: str, values: list[int | None], total: int, loinc: str | None, band: str | None
) -> None:
    instrument = load_instrument(instrument_id)
    score = score_response(instrument, answers_for(instrument_id, values))
    (observation,) = build_observations(
        instrument,
        score,
        effective=WHEN,
        subject_ref=PATIENT,
        derived_from="QuestionnaireResponse/qr-1",
    )
    Observation.model_validate(observation)
    assert observation["status"] == "final"
    assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert observation["valueQuantity"]["value"] == total
    codes = [(c["system"], c["code"]) for c in observation["code"]["coding"]]
    assert ((LOINC, loinc) in codes) is (loinc is not None)
    assert all(system != LOINC for system, _ in codes[1:])
    assert ("https://alliance.example/fhir/CodeSystem/scores", f"{instrument_id}-total") in codes
    assert observation.get("interpretation", [{}])[0].get("text") == band
    assert observation["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-1"}]
    assert observation["subject"] == {"reference": PATIENT}
    assert observation["effectiveDateTime"] == "2024-05-01T10:30:00+01:00"


def test_subscale_observations_and_means() -> None:
    # WAI-SR item means (Hatcher & Gillaspy 2006): Goal items 4, 6, 8, 11 = 5, 5, 4, 4 -> 4.5.
    instrument = load_instrument("wai-sr")
    values: list[int | None] = [3, 3, 2, 5, 2, 5, 2, 4, 2, 3, 4, 3]
    score = score_response(instrument, answers_for("wai-sr", values))
    observations = build_observations(instrument, score, effective=WHEN, subject_ref=PATIENT)
    by_code = {o["code"]["coding"][-1]["code"]: o["valueQuantity"]["value"] for o in observations}
    # total = 38 / 12; task (1, 2, 10, 12) = 3; bond (3, 5, 7, 9) = 2
    assert by_code == {
        "wai-sr-total": pytest.approx(38 / 12),
        "wai-sr-goal": 4.5,
        "wai-sr-task": 3,
        "wai-sr-bond": 2,
    }
    assert all(LOINC not in json.dumps(o["code"]) for o in observations)


def test_prorated_total_says_so() -> None:
    instrument = load_instrument("core-10")
    score = score_response(instrument, answers_for("core-10", [1, 3, 3, 1, 1, 1, 1, 1, 1, None]))
    (observation,) = build_observations(instrument, score, effective=WHEN, subject_ref=PATIENT)
    assert observation["valueQuantity"]["value"] == 10  # (1*7 + 1 + 1) * 10 / 9 = 10
    assert "core10-10" in observation["note"][0]["text"]


def test_observations_refuse_a_score_of_another_instrument() -> None:
    score = score_response(load_instrument("gad-7"), answers_for("gad-7", [0] * 7))
    with pytest.raises(InvalidMeasureInput, match="not phq-9"):
        build_observations(load_instrument("phq-9"), score, effective=WHEN, subject_ref=PATIENT)


def _bundle_resources() -> list[dict[str, Any]]:
    instrument = load_instrument("phq-9")
    answers = answers_for("phq-9", [1, 1, 1, 1, 1, 1, 1, 1, 1])
    response = build_questionnaire_response(
        instrument, answers, authored=WHEN, subject_ref=PATIENT, response_id="qr-1"
    )
    observations = build_observations(
        instrument,
        score_response(instrument, parse_questionnaire_response(instrument, response)),
        effective=WHEN,
        subject_ref=PATIENT,
        derived_from="QuestionnaireResponse/qr-1",
    )
    return [response, *observations]


def test_collection_bundle_validates() -> None:
    resources = _bundle_resources()
    bundle = build_bundle(resources)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    assert [entry["resource"] for entry in bundle["entry"]] == resources
    assert (
        bundle["entry"][0]["fullUrl"] == "https://alliance.example/fhir/QuestionnaireResponse/qr-1"
    )
    assert "fullUrl" not in bundle["entry"][1]
    assert all("request" not in entry for entry in bundle["entry"])


def test_transaction_bundle_has_requests() -> None:
    bundle = build_bundle(_bundle_resources(), bundle_type="transaction")
    Bundle.model_validate(bundle)
    assert [entry["request"] for entry in bundle["entry"]] == [
        {"method": "PUT", "url": "QuestionnaireResponse/qr-1"},
        {"method": "POST", "url": "Observation"},
    ]


@pytest.mark.parametrize(
    ("entries", "bundle_type", "message"),
    [([], "searchset", "not one of"), ([{"id": "x"}], "collection", "resourceType")],
)
def test_bundle_refuses_bad_input(
    entries: list[dict[str, Any]], bundle_type: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_bundle(entries, bundle_type=bundle_type)


# --- Invariants ----------------------------------------------------------------------------

_PHQ9 = load_instrument("phq-9")
_PHQ9_ANSWERS = st.fixed_dictionaries(
    {
        item.link_id: st.sampled_from([o.value for o in item.answer_set.options])
        if item.scored
        else st.one_of(st.none(), st.sampled_from([o.value for o in item.answer_set.options]))
        for item in _PHQ9.items
        if item.answer_set.kind is AnswerKind.CHOICE
    }
)


@settings(max_examples=100, deadline=None)
@given(answers=_PHQ9_ANSWERS)
def test_phq9_answers_round_trip_and_rescore(answers: dict[str, int | None]) -> None:
    response = build_questionnaire_response(_PHQ9, answers, authored=WHEN, subject_ref=PATIENT)
    parsed = parse_questionnaire_response(_PHQ9, json.loads(json.dumps(response)))
    assert parsed == answers
    assert score_response(_PHQ9, parsed) == score_response(_PHQ9, answers)
