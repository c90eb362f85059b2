from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def check_database() -> None:
    """Stop with one clear line when the database is unreachable or not migrated."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"cannot reach the database: {first_line}") from None
    if pending:
        raise CommandError(f"{len(pending)} migrations are not applied; run `alliance migrate`.")


def start_jobs() -> None:
    """`alliance jobs` beside the server; it stops when the server's process is gone (execv
    below keeps this process id)."""
    argv = [sys.executable, "-m", "alliance.cli", "jobs", "--parent", str(os.getpid())]
    subprocess.Popen(argv)  # noqa: S603 - fixed argv, no shell


class Command(BaseCommand):
    help = "Serve Alliance with gunicorn (PORT, default 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-jobs", action="store_true", help="Do not run the scheduled jobs beside it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check", tags=["hooks"], fail_level="ERROR")
        check_database()
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()
        if not options["no_jobs"]:
            start_jobs()
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Serving Alliance on http://{bind}/ — press Ctrl+C to stop.")
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "alliance.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - fixed argv, no shell
