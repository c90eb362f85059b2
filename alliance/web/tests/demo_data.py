"""The demo clinic, loaded once per test session for the tests that read it.

``loaded_demo`` is a shared data set (tests/shared_data.py): ``alliance demo --no-serve`` runs
once on the empty test database, and every test asking for it starts from the loaded clinic;
whatever a test changes (running the command again, say) is rolled back after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command

from tests.shared_data import data_set


@dataclass(frozen=True)
class LoadedDemo:
    output: str  # what `alliance demo --no-serve` printed, loading into an empty database


@data_set
def loaded_demo() -> LoadedDemo:
    """The demo clinic, loaded by `alliance demo --no-serve` into the empty test database."""
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return LoadedDemo(out.getvalue())
