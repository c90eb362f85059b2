"""``alliance instruments [list]`` and ``alliance instruments import FILE``.

The list shows every instrument with its licence and whether it can be shown to clients (and if
not, why). Import loads a clinic's licensed wording pack (format: ``core/measures/wording.py``)
for a scoring-key-only instrument, checks it against the key, and stores or replaces it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from alliance.core.measures import Instrument, InstrumentDefinitionError
from alliance.measures import registry
from alliance.measures.actions import do_import_wording_pack
from alliance.measures.management.commands._base import JsonCommand
from alliance.measures.models import WordingPack


class Command(JsonCommand):
    help = (
        "List the instruments with their licence status (`alliance instruments`), or import a "
        "clinic's licensed wording pack (`alliance instruments import FILE`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser, "action", required=False)
        actions.add_parser("list", help="Every instrument and whether it can be shown.")
        load = actions.add_parser("import", help="Load a licensed wording pack (JSON).")
        load.add_argument("file", help="The wording pack, format alliance-wording/1.")

    def run(self, **options: Any) -> object:
        if options["action"] == "import":
            return import_wording_pack(Path(options["file"]))
        return {"instruments": list_instruments()}


def list_instruments() -> list[dict[str, object]]:
    imported = set(WordingPack.objects.values_list("instrument", flat=True))
    return [_describe(instrument, imported) for instrument in registry.all_instruments()]


def _describe(instrument: Instrument, imported: set[str]) -> dict[str, object]:
    licence = instrument.licence
    can_show, reason = registry.can_show_to_respondents(instrument)
    return {
        "id": instrument.id,
        "title": instrument.title,
        "version": instrument.version,
        "respondent": instrument.respondent.value,
        "licence_status": licence.status.value,
        "licence_holder": licence.holder,
        "attribution": licence.attribution,
        "wording_included": licence.wording_included,
        "wording_imported": instrument.id in imported,
        "key_confirmed": instrument.key_confirmed,
        "validated": instrument.validated,
        "can_show_to_clients": can_show,
        "reason": reason or None,
    }


def import_wording_pack(path: Path) -> dict[str, object]:
    """Validate the pack at ``path`` against its instrument's key, then store it."""
    instrument, replaced = do_import_wording_pack(None, pack=_read_pack(path), source=str(path))
    can_show, reason = registry.can_show_to_respondents(instrument)
    return {
        "imported": instrument.id,
        "replaced": replaced,
        "n_items": len(instrument.items),
        "can_show_to_clients": can_show,
        "reason": reason or None,
    }


def _read_pack(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentDefinitionError(f"{path}: cannot read the file ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentDefinitionError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InstrumentDefinitionError(f"{path}: expected a JSON object (a wording pack)")
    return data
