from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from config.demo_loader import DEMO_PASSWORD, do_load_demo_clinic, do_load_demo_history
from core.demo import (
    DemoClinic,
    DemoEpisode,
    DemoSettings,
    HistorySettings,
    generate_clinic,
    generate_history,
)
from measures import registry


class Command(BaseCommand):
    help = "Migrate, load the demo clinic (idempotent), print the demo log-ins and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DemoSettings.seed)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if django_settings.PRODUCTION:
            raise CommandError(
                "the demo clinic adds 176 accounts with a published password; "
                "it is refused when ALLIANCE_PRODUCTION=1"
            )
        call_command("migrate", interactive=False, verbosity=0)
        settings = DemoSettings(seed=options["seed"])
        clinic = generate_clinic(settings)
        summary = do_load_demo_clinic(clinic)
        self.stdout.write(summary.describe())
        instruments = {i: registry.get_key(i) for i in registry.loaded_ids()}
        tz = ZoneInfo(settings.time_zone)
        history = generate_history(
            clinic,
            instruments,
            timezone.now().astimezone(tz).date(),
            HistorySettings(seed=options["seed"]),
        )
        counts = do_load_demo_history(clinic, history, tz=tz)
        summary.sample_logins = sample_logins(clinic, history)
        if counts["episodes"]:
            self.stdout.write(
                f"Session history: {counts['episodes']} episodes, {counts['responses']} "
                f"questionnaire answers, {counts['alerts']} safety alerts."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD})")
        for role, email in summary.sample_logins:
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write("")
        if not options["no_serve"]:
            serve_options = {"port": options["port"]} if options["port"] else {}
            call_command("serve", **serve_options)


def sample_logins(clinic: DemoClinic, history: Sequence[DemoEpisode]) -> list[tuple[str, str]]:
    """A staff member, and a client in active therapy with their therapist: the richest tour."""
    emails = {t.key: t.email for t in clinic.therapists} | {c.key: c.email for c in clinic.clients}
    active = next(e for e in history if e.state == "active" and len(e.sessions) >= 6)
    return [
        ("staff", clinic.staff[0].email),
        ("therapist", emails[active.therapist_key]),
        ("client", emails[active.client_key]),
    ]
