"""The instruments this installation offers: the files in ``instruments/``, plus any licensed
wording a clinic imported (``alliance instruments import``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, cast

from django.conf import settings
from django.core.cache import cache

from alliance.core.errors import NotFound
from alliance.core.measures import Instrument, InstrumentDefinitionError, parse_instruments
from alliance.core.measures.wording import apply_wording_pack

# The instrument files, parsed once at start-up (MeasuresConfig.ready): read-only afterwards.
_instruments: dict[str, Instrument] = {}
_MISSING: Final = object()
# Wording packs change only through `alliance instruments import`, which clears the entry; the
# expiry bounds staleness on servers that share no cache.
WORDING_SECONDS: Final = 300


def instruments_dir() -> Path:
    return Path(settings.ALLIANCE_INSTRUMENTS_DIR)


def read_definitions(directory: Path) -> dict[str, Instrument]:
    documents = {}
    for path in sorted(directory.glob("*.json")):
        try:
            documents[str(path)] = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InstrumentDefinitionError(f"{path}: not valid JSON ({exc})") from None
    if not documents:
        raise InstrumentDefinitionError(f"{directory}: no instrument files (*.json) found")
    return parse_instruments(documents)


def load_instruments() -> None:
    _instruments.clear()
    _instruments.update(read_definitions(instruments_dir()))


def get_key(instrument_id: str) -> Instrument:
    """The instrument as shipped (scoring key; wording only where the licence allows)."""
    try:
        return _instruments[instrument_id]
    except KeyError:
        raise NotFound(
            f"Unknown instrument {instrument_id!r}.", code="unknown_instrument"
        ) from None


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with any imported licensed wording applied."""
    instrument = get_key(instrument_id)
    if instrument.licence.wording_included:
        return instrument
    content = _wording_pack(instrument_id)
    if content is None:
        return instrument
    return apply_wording_pack(instrument, content, f"wording pack for {instrument_id}")


def _wording_pack(instrument_id: str) -> dict[str, object] | None:
    """A clinic's imported wording, through the cache (cleared when a pack is imported)."""
    from alliance.measures.models import WordingPack

    key = wording_cache_key(instrument_id)
    cached = cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cast(dict[str, object] | None, cached)
    pack = WordingPack.objects.filter(instrument=instrument_id).first()
    content = dict(pack.content) if pack is not None else None
    cache.set(key, content, WORDING_SECONDS)
    return content


def wording_cache_key(instrument_id: str) -> str:
    return f"measures:wording:{instrument_id}"


def loaded_ids() -> list[str]:
    return sorted(_instruments)


def all_instruments() -> list[Instrument]:
    return [get_instrument(key) for key in loaded_ids()]


def can_show_to_respondents(instrument: Instrument) -> tuple[bool, str]:
    """Whether a form can be shown, and if not, a reason a person can read."""
    if not instrument.licence.wording_included:
        return False, (
            f"{instrument.title} is copyrighted; its wording is not included. "
            "A clinic that holds a licence can import it with `alliance instruments import`."
        )
    if not instrument.key_confirmed:
        return False, f"{instrument.title}'s scoring key has not been confirmed yet."
    return True, ""
