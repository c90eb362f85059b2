"""Argument parsing shared by the measures commands (the JSON contract: config/json_command.py).

stdout gets exactly ``json.dumps(result, sort_keys=True)`` and a newline. Bad input of any kind
(an argparse error, a :class:`~core.errors.DomainError`, an invalid instrument or wording pack)
writes ``alliance <command>: <message>`` to stderr, nothing to stdout, and exits with code 2,
so scripts can tell "you asked for something impossible" from a crash (a traceback, exit 1).
Through ``call_command`` the same failures raise :class:`CommandError` with ``returncode`` 2.
"""

from __future__ import annotations

import math
import re
from argparse import ArgumentTypeError

from alliance.core.measures import Instrument
from alliance.core.measures.definitions import Item
from alliance.lib.json_command import BAD_INPUT, JsonCommand, JsonParser, bad_input

_WHOLE = re.compile(r"^[+-]?[0-9]+$")

__all__ = ["BAD_INPUT", "JsonCommand", "JsonParser", "bad_input", "parse_answers", "parse_number"]


def parse_number(text: str) -> float:
    """An argparse ``type``: a finite number, an int when whole (so 18 prints as 18)."""
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ArgumentTypeError(f"{text!r} is not a finite number")
    return int(value) if value.is_integer() else value


def parse_number_list(text: str, what: str) -> list[float]:
    """A comma-separated list of numbers; raises :class:`CommandError` naming ``what``."""
    try:
        return [parse_number(part.strip()) for part in text.split(",")]
    except ArgumentTypeError as exc:
        raise bad_input(f"{what}: {exc}") from None


def parse_whole_numbers(text: str, what: str) -> list[int]:
    """A comma-separated list of whole numbers, e.g. ``--levels -1,0,2``."""
    values = []
    for part in (part.strip() for part in text.split(",")):
        if not _WHOLE.match(part):
            raise bad_input(f"{what}: {part!r} is not a whole number")
        values.append(int(part))
    return values


def parse_answers(
    instrument: Instrument, text: str, *, difficulty: int | None = None
) -> dict[str, int | None]:
    """``--answers`` (the scored items in form order, ``-`` for missing) as link id → answer.

    ``difficulty`` answers the instrument's unscored "how difficult" item (PHQ-9, GAD-7), which
    the answers list never includes. Answer values are checked later, by ``score_response``.
    """
    scored = instrument.scored_items
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != len(scored):
        raise bad_input(
            f"{instrument.id} takes {len(scored)} answers (its scored items in order, - for a "
            f"missing answer); got {len(parts)}"
        )
    answers: dict[str, int | None] = {}
    for item, part in zip(scored, parts, strict=True):
        if part != "-" and not _WHOLE.match(part):
            raise bad_input(
                f"{instrument.id} item {item.number}: {part!r} is not a whole number "
                f"(use - for a missing answer)"
            )
        answers[item.link_id] = None if part == "-" else int(part)
    if difficulty is not None:
        answers[_difficulty_item(instrument).link_id] = difficulty
    return answers


def _difficulty_item(instrument: Instrument) -> Item:
    for item in instrument.items:
        if not item.scored and item.link_id.endswith("-difficulty"):
            return item
    raise bad_input(f"{instrument.id} has no difficulty item")
