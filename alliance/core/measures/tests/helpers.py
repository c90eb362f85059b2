"""Test helpers: the instrument files live at the repository root (tests may read files)."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from alliance.core.measures.definitions import Instrument, parse_instrument

PACKAGE = Path(__file__).resolve().parents[3]  # alliance/
INSTRUMENTS_DIR = PACKAGE / "instruments"
INSTRUMENT_IDS = (
    "phq-9",
    "gad-7",
    "core-10",
    "alliance-checkin-client",
    "alliance-checkin-therapist",
    "wai-sr",
    "wai-sr-therapist",
    "srs",
    "ors",
)
SCORING_KEY_ONLY = ("wai-sr", "wai-sr-therapist", "srs", "ors")


@cache
def _document_text(instrument_id: str) -> str:
    return (INSTRUMENTS_DIR / f"{instrument_id}.json").read_text(encoding="utf-8")


def load_document(instrument_id: str) -> dict[str, Any]:
    """A fresh, mutable copy of the parsed JSON (tests break it on purpose)."""
    return copy.deepcopy(json.loads(_document_text(instrument_id)))


@cache
def load_instrument(instrument_id: str) -> Instrument:
    return parse_instrument(load_document(instrument_id), f"instruments/{instrument_id}.json")


def answers_for(instrument_id: str, values: Sequence[int | None]) -> dict[str, int | None]:
    """Map answers to the scored items in form order, as ``--answers`` will."""
    items = load_instrument(instrument_id).scored_items
    assert len(values) == len(items)
    return {item.link_id: value for item, value in zip(items, values, strict=True)}
