"""/healthz: 200 when the database answers, 503 when it really does not, and nothing else."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_is_up() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@contextmanager
def _database_unreachable(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at a database that cannot be opened, then put it back."""
    db = connections["default"]
    saved = dict(db.settings_dict)
    with ExitStack() as stack:
        if isinstance(db, SQLiteDatabaseWrapper):
            if db.is_in_memory_db():
                # Closing the last connection to a shared in-memory database destroys it: hold
                # a second one open so the test database outlives this test.
                keeper = sqlite3.connect(str(saved["NAME"]), uri=True)
                stack.callback(keeper.close)
            unreachable = {"NAME": str(tmp_path / "no-such-directory" / "db.sqlite3")}
        else:
            unreachable = {"PORT": "1", "HOST": "127.0.0.1"}
        # In this order: the SQLite backend ignores close() while NAME is an in-memory database.
        db.settings_dict.update(unreachable)
        db.close()
        try:
            yield
        finally:
            db.close()
            db.settings_dict.clear()
            db.settings_dict.update(saved)
            db.ensure_connection()


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    with _database_unreachable(tmp_path):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    body = response.content.decode().lower()
    for leak in ("error", "unable", "refused", "port", "sqlite", "postgres", "traceback"):
        assert leak not in body


@pytest.mark.django_db(transaction=True)
def test_the_database_works_again_after_the_outage(tmp_path: Path) -> None:
    # Guards the helper above: the rest of the suite must find its test database intact.
    with _database_unreachable(tmp_path):
        Client().get("/healthz")

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        (n_migrations,) = cursor.fetchone()
    assert n_migrations > 0
    assert Client().get("/healthz").status_code == 200
