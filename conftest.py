"""Project-wide pytest set-up. Personas come from tests.factories, not shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection

# Data sets built once per session (the demo clinic, the authorization world): see the module.
pytest_plugins = ["tests.shared_data"]

ON_SQLITE = "SKIP postgres tests: they need PostgreSQL (run with DATABASE_URL=postgres://...)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The markers are listed in pyproject.toml; `make test-fast` leaves slow, browser,
    # subprocess and postgres tests out.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=ON_SQLITE)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 at 19 MiB costs ~40 ms a hash; tests that are about hashing switch it back on.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "alliance.accounts.hashers.TunedArgon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Test databases roll back; the cache does not: start and end every test with it empty.
    cache.clear()
    yield
    cache.clear()
