"""Licensed wording packs: a clinic's own licensed item text for a scoring-key-only instrument.

WAI-SR, SRS and ORS ship as scoring keys (item numbers, scales, subscales, cutoffs) without their
copyrighted wording (WAI-SR: Society for Psychotherapy Research; SRS and ORS: the PCOMS
licence, see docs/reference/sources.md). A clinic that holds a licence imports the
wording as a JSON pack; :func:`apply_wording_pack` checks it against the key and returns the
instrument with the wording filled in. Pack format (``alliance-wording/1``)::

    {"format": "alliance-wording/1", "instrument": "wai-sr", "version": "1.0",
     "licence": {"holder": "…", "reference": "licence no. / agreement"},
     "stem": "…" (optional),
     "items": {"<link_id>": "<item text>", …},            # every item of the instrument
     "options": {"<answer set id>": ["<label>", …]}}      # one label per option, in order
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from alliance.core.measures.definitions import (
    AnswerKind,
    AnswerSet,
    Instrument,
    InstrumentDefinitionError,
)

PACK_FORMAT = "alliance-wording/1"


def _fail(source: str, problem: str) -> InstrumentDefinitionError:
    return InstrumentDefinitionError(f"{source}: {problem}")


def _text(value: object, source: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}: expected non-empty text")
    return value.strip()


def _check_header(instrument: Instrument, pack: Mapping[str, object], source: str) -> None:
    if pack.get("format") != PACK_FORMAT:
        raise _fail(source, f"format: expected {PACK_FORMAT!r}")
    if pack.get("instrument") != instrument.id:
        raise _fail(source, f"instrument: this pack is not for {instrument.id!r}")
    licence = pack.get("licence")
    if not isinstance(licence, Mapping):
        raise _fail(source, "licence: expected an object with holder and reference")
    _text(licence.get("holder"), source, "licence.holder")
    _text(licence.get("reference"), source, "licence.reference")


def apply_wording_pack(
    instrument: Instrument, pack: Mapping[str, object], source: str
) -> Instrument:
    """Return ``instrument`` with the pack's wording; raise naming ``source`` and the problem."""
    _check_header(instrument, pack, source)
    texts = pack.get("items")
    if not isinstance(texts, Mapping):
        raise _fail(source, "items: expected an object of link id → text")
    unknown = sorted(set(texts) - {item.link_id for item in instrument.items})
    if unknown:
        raise _fail(source, f"items: unknown link ids {unknown}")
    items = []
    for item in instrument.items:
        if item.link_id not in texts:
            raise _fail(source, f"items: no text for {item.link_id!r}")
        text = _text(texts[item.link_id], source, f"items.{item.link_id}")
        items.append(dataclasses.replace(item, text=text))
    answer_sets = {s.id: s for s in _labelled_answer_sets(instrument, pack, source)}
    items = [dataclasses.replace(i, answer_set=answer_sets[i.answer_set.id]) for i in items]
    stem = pack.get("stem")
    licence = dataclasses.replace(instrument.licence, wording_included=True)
    return dataclasses.replace(
        instrument,
        items=tuple(items),
        answer_sets=tuple(answer_sets.values()),
        stem=_text(stem, source, "stem") if stem is not None else instrument.stem,
        licence=licence,
    )


def _labelled_answer_sets(
    instrument: Instrument, pack: Mapping[str, object], source: str
) -> list[AnswerSet]:
    labels = pack.get("options", {})
    if not isinstance(labels, Mapping):
        raise _fail(source, "options: expected an object of answer set id → labels")
    result: list[AnswerSet] = []
    for answer_set in instrument.answer_sets:
        if answer_set.kind is not AnswerKind.CHOICE:
            result.append(answer_set)
            continue
        given = labels.get(answer_set.id)
        if not isinstance(given, list) or len(given) != len(answer_set.options):
            n = len(answer_set.options)
            raise _fail(source, f"options.{answer_set.id}: expected a list of {n} labels")
        options = tuple(
            dataclasses.replace(option, label=_text(label, source, f"options.{answer_set.id}"))
            for option, label in zip(answer_set.options, given, strict=True)
        )
        result.append(dataclasses.replace(answer_set, options=options))
    return result
