from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.audit.trail import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `alliance audit verify` checks the hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Report the first broken link of the audit chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.reason} "
                f"({report.n_checked} events before it verified)"
            )
        self.stdout.write(f"audit chain intact: {report.n_checked} events verified.")
