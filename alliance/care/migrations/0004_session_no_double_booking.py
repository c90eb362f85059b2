"""No person is ever in two sessions at once: the database refuses overlapping sessions.

PostgreSQL: exclusion constraints on (person, time range) over scheduled and held sessions. The
person's id is wrapped in a one-point range so plain GiST handles it without the btree_gist
extension; an exclusion constraint holds under concurrent transactions.
SQLite: BEFORE INSERT/UPDATE triggers; SQLite runs one writer at a time, so the check and the
write cannot interleave.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PEOPLE = ("therapist", "client")
OCCUPYING = "('scheduled', 'held')"


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for person in PEOPLE:
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE care_session ADD CONSTRAINT care_session_{person}_no_overlap "
                f"EXCLUDE USING gist (int8range({person}_id, {person}_id, '[]') WITH &&, "
                f"tstzrange(starts_at, ends_at) WITH &&) WHERE (status IN {OCCUPYING});"
            )
        elif vendor == "sqlite":
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(
                    f"CREATE TRIGGER care_session_{person}_no_overlap_{event.lower()} "
                    f"BEFORE {event} ON care_session "
                    f"WHEN NEW.status IN {OCCUPYING} AND EXISTS ("
                    f"SELECT 1 FROM care_session s WHERE s.{person}_id = NEW.{person}_id "
                    f"AND s.id IS NOT NEW.id AND s.status IN {OCCUPYING} "
                    f"AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at) "
                    f"BEGIN SELECT RAISE(ABORT, 'care_session_{person}_no_overlap'); END;"
                )


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for person in PEOPLE:
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE care_session DROP CONSTRAINT care_session_{person}_no_overlap;"
            )
        elif vendor == "sqlite":
            for event in ("insert", "update"):
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS care_session_{person}_no_overlap_{event};"
                )


class Migration(migrations.Migration):
    dependencies = [("care", "0003_frame_sessions")]

    operations = [migrations.RunPython(forwards, backwards)]
