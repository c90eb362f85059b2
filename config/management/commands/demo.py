from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from config.demo_loader import DEMO_PASSWORD, do_load_demo_clinic
from core.demo import DemoSettings, generate_clinic


class Command(BaseCommand):
    help = "Migrate, load the demo clinic (idempotent), print the demo log-ins and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DemoSettings.seed)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        clinic = generate_clinic(DemoSettings(seed=options["seed"]))
        summary = do_load_demo_clinic(clinic)
        self.stdout.write(summary.describe())
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD})")
        for role, email in summary.sample_logins:
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write("")
        if not options["no_serve"]:
            serve_options = {"port": options["port"]} if options["port"] else {}
            call_command("serve", **serve_options)
