"""``alliance assign``: the optimal waitlist assignment from files.

    alliance assign --roster THERAPISTS.json --waitlist INTAKES.json [--outcomes OUTCOMES.json]

Prints ``{assignments: [{client, therapist, score}], unassigned: [{client, reason}],
total_score}``: first as many clients placed as constraints and capacities allow, then the
largest total of the same pair scores `alliance match` reports.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandParser

from alliance.core.matching.assignment import assign_waitlist
from alliance.core.matching.ranker import Matcher
from alliance.core.matching.records import parse_outcomes, parse_roster, parse_waitlist
from alliance.lib.json_command import JsonCommand
from alliance.matching.management.commands._files import read_json


class Command(JsonCommand):
    help = "Assign a waitlist to therapists optimally (files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--roster", required=True, help="therapists (JSON array)")
        parser.add_argument("--waitlist", required=True, help="intakes (JSON array)")
        parser.add_argument("--outcomes", help="past outcomes for measured effectiveness")

    def run(self, **options: Any) -> object:
        roster = parse_roster(read_json(options["roster"]), options["roster"])
        waitlist = parse_waitlist(read_json(options["waitlist"]), options["waitlist"])
        outcomes = (
            parse_outcomes(read_json(options["outcomes"]), options["outcomes"])
            if options["outcomes"]
            else ()
        )
        result = assign_waitlist(Matcher().fit(roster, outcomes), waitlist)
        return {
            "assignments": [asdict(p) for p in result.assignments],
            "unassigned": [asdict(u) for u in result.unassigned],
            "total_score": result.total_score,
        }
