"""Let the pure-core suite run without Django (``pytest -p no:django core/frame``).

pyproject.toml sets ``DJANGO_SETTINGS_MODULE``, an option that only pytest-django declares; with
the plugin disabled pytest warns "Unknown config option", and ``filterwarnings = error`` turns
that into a failure. Declaring the option here, only when pytest-django is absent, keeps the
fast core run free of Django.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    if not pluginmanager.has_plugin("django"):
        parser.addini("DJANGO_SETTINGS_MODULE", "Django settings (unused: pytest-django is off)")


# The root conftest.py has an autouse fixture that needs pytest-django's ``settings``; the pure
# core has no Django settings to touch, so the same name is overridden here as a no-op.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None
