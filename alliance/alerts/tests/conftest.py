from __future__ import annotations

from collections.abc import Iterator

import pytest

from alliance.alerts.monitoring import clear_history_cache


@pytest.fixture(autouse=True)
def _fresh_history_cache() -> Iterator[None]:
    # Clinic histories are cached per process; each test builds its own.
    clear_history_cache()
    yield
    clear_history_cache()
