"""Responses never change once written: a correction is a new response (integrity, HIPAA
45 CFR 164.312(c)(1)). The database refuses UPDATE (and DELETE on PostgreSQL) on the table."""

from django.db import migrations

from alliance.lib.migration_helpers import create_immutable_triggers, drop_immutable_triggers

TABLE = "measures_response"


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]
    operations = [
        migrations.RunPython(
            create_immutable_triggers(TABLE, "questionnaire responses are immutable"),
            drop_immutable_triggers(TABLE),
        )
    ]
