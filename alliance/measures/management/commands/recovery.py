"""``alliance recovery``: the NHS Talking Therapies classification of one episode from its first
and last PHQ-9 and GAD-7 totals (NHS Talking Therapies manual)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.management.base import CommandParser

from alliance.core.measures import classify_talking_therapies
from alliance.measures.management.commands._base import JsonCommand, parse_number


class Command(JsonCommand):
    help = (
        "NHS Talking Therapies caseness, reliable improvement and deterioration, recovery and "
        "reliable recovery from PHQ-9 (0-27) and GAD-7 (0-21) totals at the start and the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for name in ("phq9-before", "phq9-after", "gad7-before", "gad7-after"):
            parser.add_argument(f"--{name}", type=parse_number, required=True)

    def run(self, **options: Any) -> object:
        totals = {
            name: options[name]
            for name in ("phq9_before", "phq9_after", "gad7_before", "gad7_after")
        }
        outcome = classify_talking_therapies(**totals)
        return {**totals, **dataclasses.asdict(outcome)}
