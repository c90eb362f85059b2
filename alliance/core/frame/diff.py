"""What changed between two versions of a frame agreement, as display strings.

Used to show both people exactly what they are being asked to accept. Values are compared as
they are displayed, so a change invisible on screen (``None`` to ``""``) is not a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

EMPTY: Final = "—"


@dataclass(frozen=True)
class Change:
    """One changed field: its key, its human label and both values rendered for display."""

    field: str
    label: str
    before: str
    after: str


def frame_diff(
    before: Mapping[str, object] | None, after: Mapping[str, object], labels: Mapping[str, str]
) -> list[Change]:
    """The fields of ``labels`` (in its order) whose displayed value differs.

    A field missing from a mapping counts as empty. When ``before`` is ``None`` (the first
    version) every non-empty field of ``after`` is a change from ``"—"``. Rendering:
    ``None``/``""`` → ``"—"``, bools → ``"Yes"``/``"No"``, :class:`datetime.time` → ``"18:00"``,
    anything else ``str()``.
    """
    changes = []
    for field, label in labels.items():
        old = EMPTY if before is None else render(before.get(field))
        new = render(after.get(field))
        if old != new:
            changes.append(Change(field, label, old, new))
    return changes


def render(value: object) -> str:
    """A value as shown in a frame diff (see :func:`frame_diff`)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)
