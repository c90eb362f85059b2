"""``alliance fhir questionnaire INSTRUMENT`` and ``alliance fhir response INSTRUMENT --answers …``:
FHIR R4 JSON (validated against the R4B models) on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from pydantic import ValidationError

from alliance.core.measures import score_response
from alliance.core.measures.fhir import build_questionnaire, build_questionnaire_response
from alliance.measures import registry
from alliance.measures.management.commands._base import JsonCommand, bad_input, parse_answers

DEFAULT_SUBJECT = "Patient/example"


class Command(JsonCommand):
    help = "Export an instrument as a FHIR R4 Questionnaire, or answers as a QuestionnaireResponse."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = self.add_subcommands(parser, "kind")
        questionnaire = kinds.add_parser("questionnaire", help="The instrument's Questionnaire.")
        questionnaire.add_argument("instrument", help="Instrument id, e.g. phq-9.")
        response = kinds.add_parser("response", help="A QuestionnaireResponse for some answers.")
        response.add_argument("instrument", help="Instrument id, e.g. phq-9.")
        response.add_argument(
            "--answers",
            required=True,
            help="The scored items' answers in form order, comma-separated; - for a missing one.",
        )
        response.add_argument("--difficulty", type=int, help="The 'how difficult' item, 0-3.")
        response.add_argument("--comment", default="", help="Answer to the free-text item.")
        response.add_argument(
            "--subject",
            default=DEFAULT_SUBJECT,
            help=f"FHIR reference of the client (default {DEFAULT_SUBJECT}).",
        )

    def run(self, **options: Any) -> object:
        # With any imported licensed wording: the export carries text only where it may.
        instrument = registry.get_instrument(options["instrument"])
        if options["kind"] == "questionnaire":
            return build_questionnaire(instrument)
        answers = parse_answers(instrument, options["answers"], difficulty=options["difficulty"])
        # Refuse what scoring refuses (an incomplete PHQ-9, an unconfirmed key), so an exported
        # "completed" response is always one Alliance itself would accept.
        score_response(instrument, answers)
        try:
            return build_questionnaire_response(
                instrument,
                answers,
                authored=timezone.now().replace(microsecond=0),
                subject_ref=options["subject"],
                comment=options["comment"].strip(),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise bad_input(f"not valid FHIR R4: {where}: {first['msg']}") from exc
