"""``alliance score INSTRUMENT --answers 1,2,0,…``: score one response from the key alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.core.measures import score_response
from alliance.measures import registry
from alliance.measures.management.commands._base import JsonCommand, parse_answers


class Command(JsonCommand):
    help = (
        "Score one response: total, subscales, band, flags and missing items as JSON. "
        "Works from the scoring key, so no licensed wording is needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument id, e.g. phq-9, gad-7, core-10.")
        parser.add_argument(
            "--answers",
            required=True,
            help="The scored items' answers in form order, comma-separated; - for a missing one.",
        )
        parser.add_argument(
            "--difficulty",
            type=int,
            help="Answer to the unscored 'how difficult' item (PHQ-9, GAD-7), 0-3.",
        )

    def run(self, **options: Any) -> object:
        instrument = registry.get_key(options["instrument"])
        answers = parse_answers(instrument, options["answers"], difficulty=options["difficulty"])
        score = score_response(instrument, answers)
        return {
            "instrument": score.instrument,
            "version": instrument.version,
            "answers": answers,
            "total": score.total,
            "min": score.min,
            "max": score.max,
            "subscales": score.subscales,
            "band": score.band.code if score.band else None,
            "band_label": score.band.label if score.band else None,
            "clinical": score.clinical,
            "flags": score.flags,
            "critical": score.critical,
            "missing": list(score.missing),
            "prorated": score.prorated,
        }
