"""One row of the authorization table (see tests/test_authorization.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    access: str
    method: str = "GET"
    kwargs: dict[str, str] = field(default_factory=dict)
    body: dict[str, object] | None = None
    expect: dict[str, str | int] = field(default_factory=dict)
