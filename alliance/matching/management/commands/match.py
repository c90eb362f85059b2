"""``alliance match``: rank therapists for one intake, from files or from the database.

    alliance match --roster THERAPISTS.json --intake INTAKE.json [--outcomes FILE] [--top N]
    alliance match --intake-id ID [--top N]

Prints ``[{therapist, score, reasons, unmet}, …]``: only therapists that pass every hard
constraint, best first. An intake nobody fits gives ``[]``; ``--why`` prints
``{"matches": […], "why_not": {therapist: [reasons]}}`` to say what ruled each one out.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandParser

from alliance.core.matching.ranker import Matcher
from alliance.core.matching.records import parse_intake, parse_outcomes, parse_roster
from alliance.lib.json_command import JsonCommand, bad_input
from alliance.matching import engine
from alliance.matching.management.commands._files import read_json
from alliance.matching.models import Intake


class Command(JsonCommand):
    help = "Rank therapists for an intake (files, or --intake-id for the database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--roster", help="therapists (JSON array, docs/formats.md)")
        parser.add_argument("--intake", help="one intake (JSON object)")
        parser.add_argument("--outcomes", help="past outcomes for measured effectiveness")
        parser.add_argument("--intake-id", type=int, help="an intake stored in this Alliance")
        parser.add_argument("--top", type=int, help="only the best N")
        parser.add_argument(
            "--why", action="store_true", help="also say why each other therapist was left out"
        )

    def run(self, **options: Any) -> object:
        if options["top"] is not None and options["top"] < 1:
            raise bad_input("--top must be 1 or more")
        matcher, intake = self._load(options)
        matches = [asdict(m) for m in matcher.rank(intake, top=options["top"])]
        for match in matches:
            match["reasons"], match["unmet"] = list(match["reasons"]), list(match["unmet"])
        if not options["why"]:
            return matches
        ranked = {m["therapist"] for m in matches}
        why_not = {
            t.id: list(matcher.why_not(intake, t.id)) for t in matcher.roster_ if t.id not in ranked
        }
        return {"matches": matches, "why_not": {k: v for k, v in why_not.items() if v}}

    def _load(self, options: dict[str, Any]) -> tuple[Matcher, Any]:
        if options["intake_id"] is not None:
            if options["roster"] or options["intake"]:
                raise bad_input("give either --intake-id or --roster with --intake, not both")
            stored = Intake.objects.filter(pk=options["intake_id"]).first()
            if stored is None:
                raise bad_input(f"no intake with id {options['intake_id']}")
            return engine.matcher_for_clinic(stored.clinic), engine.intake_record(stored)
        if not options["roster"] or not options["intake"]:
            raise bad_input("give --roster and --intake (or --intake-id)")
        roster = parse_roster(read_json(options["roster"]), options["roster"])
        intake = parse_intake(read_json(options["intake"]), options["intake"])
        outcomes = (
            parse_outcomes(read_json(options["outcomes"]), options["outcomes"])
            if options["outcomes"]
            else ()
        )
        return Matcher().fit(roster, outcomes), intake
