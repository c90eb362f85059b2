"""``alliance change INSTRUMENT --before N --after M``: Jacobson-Truax reliable and clinically
significant change (Jacobson & Truax 1991), with the instrument's own threshold and cutoff."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.core.measures import classify_instrument_change
from alliance.measures import registry
from alliance.measures.management.commands._base import JsonCommand, parse_number


class Command(JsonCommand):
    help = (
        "Classify the change between two totals: reliable improvement, no reliable change or "
        "reliable deterioration, and whether it is clinically significant."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument id, e.g. phq-9, core-10.")
        parser.add_argument("--before", type=parse_number, required=True, help="First total.")
        parser.add_argument("--after", type=parse_number, required=True, help="Later total.")

    def run(self, **options: Any) -> object:
        instrument = registry.get_key(options["instrument"])
        result = classify_instrument_change(instrument, options["before"], options["after"])
        threshold, cutoff = instrument.reliable_change, instrument.clinical_cutoff
        assert threshold is not None  # classify_instrument_change refuses an instrument without
        return {
            "instrument": instrument.id,
            "before": result.before,
            "after": result.after,
            "change": result.change,
            "direction": instrument.total.direction.value,
            "threshold": result.threshold,
            "threshold_source": threshold.source,
            "threshold_evidence": threshold.evidence.value,
            "reliable_change": result.reliable_change.value,
            "cutoff": None
            if cutoff is None
            else {
                "value": cutoff.value,
                "clinical_if": cutoff.clinical_if.value,
                "source": cutoff.source,
                "evidence": cutoff.evidence.value,
            },
            "crossed_cutoff": result.crossed_cutoff,
            "clinically_significant": result.clinically_significant,
            "category": result.category.value,
        }
