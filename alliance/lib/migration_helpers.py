"""Database triggers that make a table refuse changes to existing rows.

Used by migrations of tables whose rows must never change after they are written (the audit
trail, questionnaire responses). UPDATE is refused on SQLite and PostgreSQL; DELETE is refused on
PostgreSQL only, because the test runner empties SQLite tables with DELETE between tests.
"""

from __future__ import annotations

from typing import Any


def create_immutable_triggers(table: str, message: str) -> Any:
    def forwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )

    return forwards


def drop_immutable_triggers(table: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_immutable();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    return backwards
