"""Reading the matching file formats (docs/formats.md) for the command line."""

from __future__ import annotations

import json
from pathlib import Path

from alliance.lib.json_command import bad_input


def read_json(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise bad_input(f"{path}: cannot read the file ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_input(f"{path}: not valid JSON ({exc})") from None
