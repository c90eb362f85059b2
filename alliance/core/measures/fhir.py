"""FHIR R4 (validated against the R4B models of ``fhir.resources``) export and import.

Pure functions: they take an :class:`Instrument`, answers, a :class:`Score` and times the caller
passes, and return plain JSON-able dicts (the R4B model's own JSON dump, so every returned
resource has been validated). Nothing here reads the clock or does I/O.

Rules that come from ``docs/instruments.md`` ("FHIR" sections) and from the HL7 examples:

- Wording ships only when the licence allows it (``licence.wording_included``); otherwise items
  carry no ``text`` and options no ``display``, and an extension says the wording is licensed
  separately.
- Scores are never taken from a form: :func:`parse_questionnaire_response` skips any stored
  total (the HL7 FHIR SDC example PHQ-9 QuestionnaireResponse stores a total of 13 while its
  answers sum to 10) and the caller rescores with ``score_response``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeVar

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import BaseModel, ValidationError

from alliance.core.errors import InvalidInput
from alliance.core.measures.definitions import (
    AnswerKind,
    AnswerOption,
    Instrument,
    InvalidMeasureInput,
    Item,
    MissingRule,
)

# One source of truth for which raw answers an instrument accepts (same messages and codes).
from alliance.core.measures.scoring import Score, _check_answers

DEFAULT_BASE_URL: Final = "https://alliance.example/fhir"
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
ORDINAL_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/maxValue"
QUESTIONNAIRE_UNIT: Final = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
FHIR_INVALID: Final = "fhir_invalid"
WORDING_NOT_INCLUDED: Final = (
    "Wording not included: it is licensed separately and comes from a licensed text pack."
)
# Statuses whose answers are final enough to score (R4 QuestionnaireResponse.status).
_SCORABLE_STATUSES: Final = frozenset({"completed", "amended"})
_BUNDLE_TYPES: Final = frozenset({"collection", "batch", "transaction"})
_T = TypeVar("_T")
_KIND_TYPES: Final = {
    AnswerKind.CHOICE: "choice",
    AnswerKind.RANGE: "integer",
    AnswerKind.TEXT: "text",
}


class Instant(Protocol):
    """A timezone-aware ``datetime.datetime`` (core may not import the clock's module)."""

    def isoformat(self) -> str: ...

    def utcoffset(self) -> object: ...


@dataclass(frozen=True)
class ParsedResponse:
    """What an imported QuestionnaireResponse says, before any scoring.

    ``answers`` maps every non-text item's link id, in form order, to its raw answer or ``None``
    when unanswered; ``comment`` is the free-text item's answer (``""`` when absent).
    """

    answers: dict[str, int | None]
    comment: str


# --- URLs and codings ------------------------------------------------------------------------


def compute_questionnaire_url(instrument: Instrument, base_url: str = DEFAULT_BASE_URL) -> str:
    """Canonical URL of the instrument's Questionnaire (without ``|version``)."""
    return f"{base_url}/Questionnaire/{instrument.id}"


def _answer_system(instrument: Instrument, item: Item, base_url: str) -> str:
    # One code system per answer set: PHQ-9's "difficulty" 1 and another set's 1 differ.
    return f"{base_url}/CodeSystem/{instrument.id}-{item.answer_set.id}"


def _option_coding(
    instrument: Instrument, item: Item, option: AnswerOption, base_url: str
) -> dict[str, Any]:
    coding: dict[str, Any] = (
        {"system": LOINC, "code": option.loinc}
        if option.loinc is not None
        else {"system": _answer_system(instrument, item, base_url), "code": str(option.value)}
    )
    if instrument.licence.wording_included and option.label is not None:
        coding["display"] = option.label
    return coding


def _ordinal(item: Item, value: int) -> int | float:
    """The option's contribution to the total: reverse keying applied (CORE-10 items 2, 3)."""
    answer_set = item.answer_set
    keyed = answer_set.minimum + answer_set.maximum - value if item.reverse else value
    score = keyed / answer_set.divisor
    return int(score) if score.is_integer() else score


def _find_option(item: Item, value: int) -> AnswerOption:
    return next(option for option in item.answer_set.options if option.value == value)


def _validated(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as the R4B model dumps it; raises ``pydantic.ValidationError`` if invalid."""
    return model.model_validate(data).model_dump(mode="json")


def _timestamp(when: Instant, name: str) -> str:
    if when.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (FHIR dateTime needs an offset)")
    return when.isoformat()


# --- Questionnaire ---------------------------------------------------------------------------


def build_questionnaire(
    instrument: Instrument, *, base_url: str = DEFAULT_BASE_URL
) -> dict[str, Any]:
    """An R4 ``Questionnaire`` for ``instrument`` (mapping in docs/instruments.md, "FHIR").

    Item texts, option displays and the stem appear only when the licence ships the wording.
    Choice options carry the LOINC answer code when known (else an Alliance code system, code =
    the raw value) and the ``ordinalValue`` extension = the item score (reverse keying applied);
    unscored items have no ordinal value. Range items (visual-analogue marks) are ``integer``
    items with ``minValue``/``maxValue`` and their unit. Status is ``draft`` while the scoring
    key is unconfirmed.
    """
    licence = instrument.licence
    copyright_ = licence.attribution or f"© {licence.holder}"
    if not licence.wording_included:
        copyright_ += f" {WORDING_NOT_INCLUDED}"
    questionnaire: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": compute_questionnaire_url(instrument, base_url),
        "identifier": [{"system": f"{base_url}/instrument", "value": instrument.id}],
        "version": instrument.version,
        "title": instrument.title,
        "status": "active" if instrument.key_confirmed else "draft",
        "subjectType": ["Patient"],
        "copyright": copyright_,
        "item": _questionnaire_items(instrument, base_url),
    }
    if instrument.loinc.panel is not None:
        questionnaire["code"] = [{"system": LOINC, "code": instrument.loinc.panel}]
    return _validated(Questionnaire, questionnaire)


def _stem_link_id(instrument: Instrument) -> str:
    return f"{instrument.id}-stem"


def _questionnaire_items(instrument: Instrument, base_url: str) -> list[dict[str, Any]]:
    items = [_questionnaire_item(instrument, item, base_url) for item in instrument.items]
    if instrument.stem is not None and instrument.licence.wording_included:
        stem = {"linkId": _stem_link_id(instrument), "type": "display", "text": instrument.stem}
        items.insert(0, stem)
    return items


def _questionnaire_item(instrument: Instrument, item: Item, base_url: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "linkId": item.link_id,
        "prefix": str(item.number),
        "type": _KIND_TYPES[item.answer_set.kind],
        "required": _is_required(instrument, item),
    }
    if instrument.licence.wording_included and item.text is not None:
        entry["text"] = item.text
    else:
        entry["extension"] = [_wording_extension(base_url)]
    if item.loinc is not None:
        entry["code"] = [{"system": LOINC, "code": item.loinc}]
    if item.answer_set.kind is AnswerKind.CHOICE:
        entry["answerOption"] = [
            {"valueCoding": _answer_option_coding(instrument, item, option, base_url)}
            for option in item.answer_set.options
        ]
    elif item.answer_set.kind is AnswerKind.RANGE:
        entry["extension"] = entry.get("extension", []) + _range_extensions(item)
    return entry


def _is_required(instrument: Instrument, item: Item) -> bool:
    """Scored items are required unless the missing rule may prorate them away."""
    missing = instrument.missing
    return item.scored and (missing.rule is MissingRule.REFUSE or item.link_id in missing.required)


def _wording_extension(base_url: str) -> dict[str, Any]:
    return {
        "url": f"{base_url}/StructureDefinition/wording-licensed-separately",
        "valueString": WORDING_NOT_INCLUDED,
    }


def _answer_option_coding(
    instrument: Instrument, item: Item, option: AnswerOption, base_url: str
) -> dict[str, Any]:
    coding = _option_coding(instrument, item, option, base_url)
    if item.scored:
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": _ordinal(item, option.value)}]
    return coding


def _range_extensions(item: Item) -> list[dict[str, Any]]:
    answer_set = item.answer_set
    unit = answer_set.unit or "1"
    return [
        {"url": MIN_VALUE, "valueInteger": answer_set.minimum},
        {"url": MAX_VALUE, "valueInteger": answer_set.maximum},
        {"url": QUESTIONNAIRE_UNIT, "valueCoding": {"system": UCUM, "code": unit, "display": unit}},
    ]


# --- QuestionnaireResponse export ------------------------------------------------------------


def build_questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    *,
    authored: Instant,
    subject_ref: str,
    author_ref: str | None = None,
    response_id: str | None = None,
    comment: str = "",
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """An R4 ``QuestionnaireResponse`` (status ``completed``) for raw ``answers``.

    ``answers`` maps link ids to raw answers (``None`` or absent = unanswered, then omitted);
    ``comment`` is the answer to the instrument's free-text item. ``authored`` must be
    timezone-aware; ``subject_ref``/``author_ref`` are FHIR references such as
    ``"Patient/123"``. No score is stored in the response. Raises :class:`InvalidMeasureInput`
    for unknown items or answers the instrument does not allow.
    """
    checked = _check_answers(instrument, answers)
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{compute_questionnaire_url(instrument, base_url)}|{instrument.version}",
        "status": "completed",
        "subject": {"reference": subject_ref},
        "authored": _timestamp(authored, "authored"),
    }
    if response_id is not None:
        response["id"] = response_id
    if author_ref is not None:
        response["author"] = {"reference": author_ref}
    items = _response_items(instrument, checked, comment, base_url)
    if items:
        response["item"] = items
    return _validated(QuestionnaireResponse, response)


def _text_item(instrument: Instrument) -> Item | None:
    texts = [item for item in instrument.items if item.answer_set.kind is AnswerKind.TEXT]
    return texts[0] if texts else None


def _response_items(
    instrument: Instrument, answers: Mapping[str, int], comment: str, base_url: str
) -> list[dict[str, Any]]:
    text_item = _text_item(instrument)
    if comment and text_item is None:
        raise InvalidMeasureInput(
            f"{instrument.id} has no free-text item for a comment", code="text_item"
        )
    entries: list[dict[str, Any]] = []
    for item in instrument.items:
        if item is text_item and comment:
            entries.append(_response_item(instrument, item, {"valueString": comment}))
        elif item.link_id in answers:
            answer = _export_answer(instrument, item, answers[item.link_id], base_url)
            entries.append(_response_item(instrument, item, answer))
    return entries


def _response_item(instrument: Instrument, item: Item, answer: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": item.link_id, "answer": [answer]}
    if instrument.licence.wording_included and item.text is not None:
        entry["text"] = item.text
    return entry


def _export_answer(instrument: Instrument, item: Item, value: int, base_url: str) -> dict[str, Any]:
    if item.answer_set.kind is AnswerKind.RANGE:
        return {"valueInteger": value}
    return {"valueCoding": _option_coding(instrument, item, _find_option(item, value), base_url)}


# --- Observations and Bundle -----------------------------------------------------------------


def build_observations(
    instrument: Instrument,
    score: Score,
    *,
    effective: Instant,
    subject_ref: str,
    derived_from: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> list[dict[str, Any]]:
    """R4 ``Observation``s (status ``final``, category ``survey``): the total, then subscales.

    The total is coded with the instrument's LOINC total-score code when the definition file
    gives one (LOINC: PHQ-9 44261-6, GAD-7 70274-6) plus an Alliance code; a
    subscale only with an Alliance code. Values are ``valueQuantity`` in UCUM ``{score}`` on the
    instrument's own scale; the band label, when there are bands, is the interpretation text.
    ``derived_from`` references the QuestionnaireResponse (e.g. ``"QuestionnaireResponse/1"``).
    """
    if score.instrument != instrument.id:
        raise InvalidMeasureInput(
            f"score is for {score.instrument}, not {instrument.id}", code="wrong_instrument"
        )
    common = _observation_common(score, effective, subject_ref, derived_from)
    total = {
        **common,
        "code": _score_code(
            instrument, "total", f"{instrument.title} total score", base_url, instrument.loinc.total
        ),
        "valueQuantity": _quantity(score.total),
    }
    if score.band is not None:
        band_system = f"{base_url}/CodeSystem/{instrument.id}-bands"
        coding = {"system": band_system, "code": score.band.code, "display": score.band.label}
        total["interpretation"] = [{"coding": [coding], "text": score.band.label}]
    observations = [total]
    for subscale in instrument.subscales:
        label = f"{instrument.title} {subscale.label} subscale score"
        observations.append(
            {
                **common,
                "code": _score_code(instrument, subscale.id, label, base_url, loinc=None),
                "valueQuantity": _quantity(score.subscales[subscale.id]),
            }
        )
    return [_validated(Observation, observation) for observation in observations]


def _observation_common(
    score: Score, effective: Instant, subject_ref: str, derived_from: str | None
) -> dict[str, Any]:
    common: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "subject": {"reference": subject_ref},
        "effectiveDateTime": _timestamp(effective, "effective"),
    }
    if derived_from is not None:
        common["derivedFrom"] = [{"reference": derived_from}]
    if score.prorated:
        missing = ", ".join(score.missing)
        common["note"] = [{"text": f"Prorated for unanswered item(s) {missing}."}]
    return common


def _score_code(
    instrument: Instrument, scale: str, label: str, base_url: str, loinc: str | None
) -> dict[str, Any]:
    codings = [{"system": f"{base_url}/CodeSystem/scores", "code": f"{instrument.id}-{scale}"}]
    if loinc is not None:
        codings.insert(0, {"system": LOINC, "code": loinc})
    return {"coding": codings, "text": label}


def _quantity(value: float) -> dict[str, Any]:
    return {"value": value, "system": UCUM, "code": "{score}", "unit": "{score}"}


def build_bundle(
    entries: Sequence[Mapping[str, Any]],
    *,
    bundle_type: str = "collection",
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """An R4 ``Bundle`` of the given resources, in order.

    ``bundle_type`` is ``collection``, ``batch`` or ``transaction``; the latter two get a
    ``request`` per entry (``PUT <type>/<id>`` when the resource has an id, else ``POST``).
    Resources with an id get ``fullUrl`` = ``<base_url>/<type>/<id>``.
    """
    if bundle_type not in _BUNDLE_TYPES:
        allowed = ", ".join(sorted(_BUNDLE_TYPES))
        raise ValueError(f"bundle_type {bundle_type!r} is not one of {allowed}")
    bundle = {
        "resourceType": "Bundle",
        "type": bundle_type,
        "entry": [_bundle_entry(resource, bundle_type, base_url) for resource in entries],
    }
    return _validated(Bundle, bundle)


def _bundle_entry(resource: Mapping[str, Any], bundle_type: str, base_url: str) -> dict[str, Any]:
    resource_type, resource_id = resource.get("resourceType"), resource.get("id")
    if not isinstance(resource_type, str):
        raise ValueError("every bundle entry must be a FHIR resource with a resourceType")
    entry: dict[str, Any] = {"resource": dict(resource)}
    if resource_id is not None:
        entry["fullUrl"] = f"{base_url}/{resource_type}/{resource_id}"
    if bundle_type != "collection":
        entry["request"] = (
            {"method": "PUT", "url": f"{resource_type}/{resource_id}"}
            if resource_id is not None
            else {"method": "POST", "url": resource_type}
        )
    return entry


# --- QuestionnaireResponse import ------------------------------------------------------------


def _invalid(problem: str) -> InvalidInput:
    return InvalidInput(f"FHIR QuestionnaireResponse: {problem}", code=FHIR_INVALID)


def parse_questionnaire_response(
    instrument: Instrument, data: object, *, base_url: str = DEFAULT_BASE_URL
) -> dict[str, int | None]:
    """The raw answers in an R4 ``QuestionnaireResponse``, keyed by link id (form order).

    Every non-text item appears, ``None`` when unanswered; stored totals or scores are ignored,
    never trusted (the HL7 SDC PHQ-9 example's stored total is wrong): rescore with
    ``score_response``. Raises :class:`~core.errors.InvalidInput` with code ``fhir_invalid``
    naming the problem. See :func:`parse_response` for the free-text comment.
    """
    return parse_response(instrument, data, base_url=base_url).answers


def parse_response(
    instrument: Instrument, data: object, *, base_url: str = DEFAULT_BASE_URL
) -> ParsedResponse:
    """Validate an R4 ``QuestionnaireResponse`` for ``instrument``; answers and comment.

    Refused (``InvalidInput``, code ``fhir_invalid``): not a JSON object; another resource type;
    invalid R4B; a status other than completed/amended; another questionnaire or version; no
    items; an unknown or repeated link id; more than one answer to an item; an answer that is
    not one of the item's options (choice: matching ``system`` and ``code``) or out of range.
    Items with a total-score link id (``total``, the LOINC total code, ``/<code>``) are skipped.
    """
    response = _validate_response(data)
    _check_questionnaire(instrument, response, base_url)
    answers: dict[str, int | None] = {
        item.link_id: None
        for item in instrument.items
        if item.answer_set.kind is not AnswerKind.TEXT
    }
    comment, seen = "", set[str]()
    ignored = _ignored_link_ids(instrument)
    for entry in _flatten(response.get("item") or []):
        link_id = entry["linkId"]
        if link_id in ignored:
            continue
        if link_id in seen:
            raise _invalid(f"linkId {link_id!r} appears more than once")
        seen.add(link_id)
        item = _known_item(instrument, link_id)
        value = _import_answer(instrument, item, entry.get("answer") or [], base_url)
        if item.answer_set.kind is AnswerKind.TEXT:
            comment = "" if value is None else str(value)
        else:
            answers[link_id] = None if value is None else int(value)
    return ParsedResponse(answers, comment)


def _validate_response(data: object) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise _invalid(f"expected a JSON object, got {type(data).__name__}")
    resource_type = data.get("resourceType")
    if resource_type != "QuestionnaireResponse":
        raise _invalid(f"resourceType is {resource_type!r}, expected 'QuestionnaireResponse'")
    try:
        response = _validated(QuestionnaireResponse, data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise _invalid(f"not valid FHIR R4: {where}: {first['msg']}") from error
    except (KeyError, TypeError, ValueError) as error:
        raise _invalid(f"not valid FHIR R4: {error}") from error
    if response.get("status") not in _SCORABLE_STATUSES:
        raise _invalid(f"status is {response.get('status')!r}; only completed responses are read")
    if not response.get("item"):
        raise _invalid("has no items")
    return response


def _check_questionnaire(
    instrument: Instrument, response: Mapping[str, Any], base_url: str
) -> None:
    expected = compute_questionnaire_url(instrument, base_url)
    canonical = str(response.get("questionnaire") or "")
    url, _, version = canonical.partition("|")
    if url != expected:
        raise _invalid(f"questionnaire is {canonical!r}, expected {expected!r}")
    if version and version != instrument.version:
        raise _invalid(
            f"questionnaire version {version!r} is not {instrument.id} version "
            f"{instrument.version!r}"
        )


def _ignored_link_ids(instrument: Instrument) -> frozenset[str]:
    """Link ids a form may use for a stored score, and our stem: skipped, never read."""
    ids = {"total", "total-score", "score", f"{instrument.id}-total", _stem_link_id(instrument)}
    if instrument.loinc.total is not None:
        ids |= {instrument.loinc.total, f"/{instrument.loinc.total}"}
    return frozenset(ids)


def _flatten(entries: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Answered or answerable items; group items (children, no answer) are walked through."""
    for entry in entries:
        children = entry.get("item") or []
        if children and not entry.get("answer"):
            yield from _flatten(children)
            continue
        yield entry
        for answer in entry.get("answer") or []:
            yield from _flatten(answer.get("item") or [])


def _known_item(instrument: Instrument, link_id: str) -> Item:
    try:
        return instrument.item(link_id)
    except KeyError:
        raise _invalid(f"unknown linkId {link_id!r} for {instrument.id}") from None


def _import_answer(
    instrument: Instrument, item: Item, answers: Sequence[Mapping[str, Any]], base_url: str
) -> int | str | None:
    if not answers:
        return None
    if len(answers) > 1:
        raise _invalid(f"item {item.link_id!r} has {len(answers)} answers; expected one")
    answer, kind = answers[0], item.answer_set.kind
    if kind is AnswerKind.TEXT:
        return _typed_answer(item, answer, "valueString", str)
    if kind is AnswerKind.RANGE:
        value = _typed_answer(item, answer, "valueInteger", int)
        if not item.answer_set.accepts(value):
            raise _invalid(f"item {item.link_id!r}: {value} is not {item.answer_set.describe()}")
        return value
    coding = _typed_answer(item, answer, "valueCoding", dict)
    return _match_option(instrument, item, coding, base_url)


def _typed_answer(item: Item, answer: Mapping[str, Any], key: str, kind: type[_T]) -> _T:
    value = answer.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        given = ", ".join(sorted(answer)) or "nothing"
        raise _invalid(f"item {item.link_id!r} needs a {key} answer, got {given}")
    return value


def _match_option(
    instrument: Instrument, item: Item, coding: Mapping[str, Any], base_url: str
) -> int:
    """The raw value of the option whose ``system`` and ``code`` match (display is not read)."""
    options = {
        (expected["system"], expected["code"]): option.value
        for option in item.answer_set.options
        for expected in [_option_coding(instrument, item, option, base_url)]
    }
    given = (coding.get("system"), coding.get("code"))
    if given not in options:
        allowed = ", ".join(f"{system}|{code}" for system, code in options)
        raise _invalid(
            f"item {item.link_id!r}: answer {given[0]}|{given[1]} is not an allowed option "
            f"({allowed})"
        )
    return options[given]
