"""``alliance gas --levels -1,0,2 [--weights 1,1,2] [--rho 0.3]``: the Kiresuk-Sherman goal
attainment T-score (Kiresuk & Sherman 1968)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.core.measures import compute_gas_t_score
from alliance.core.measures.gas import DEFAULT_RHO
from alliance.measures.management.commands._base import (
    JsonCommand,
    parse_number,
    parse_number_list,
    parse_whole_numbers,
)


class Command(JsonCommand):
    help = "Goal Attainment Scaling T-score (mean 50, SD 10) from goal levels -2…+2."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--levels", required=True, help="One attainment level per goal, -2 to 2, e.g. -1,0,2."
        )
        parser.add_argument("--weights", help="One weight per goal (default 1 each), e.g. 1,1,2.")
        parser.add_argument(
            "--rho",
            type=parse_number,
            default=DEFAULT_RHO,
            help=f"Assumed correlation between goals, 0-1 (default {DEFAULT_RHO}).",
        )

    def run(self, **options: Any) -> object:
        levels = parse_whole_numbers(options["levels"], "--levels")
        weights = None
        if options["weights"] is not None:
            weights = parse_number_list(options["weights"], "--weights")
        t_score = compute_gas_t_score(levels, weights, options["rho"])
        return {
            "t_score": t_score,
            "levels": levels,
            "weights": [1] * len(levels) if weights is None else weights,
            "rho": options["rho"],
        }
