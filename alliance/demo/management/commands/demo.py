from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from alliance.accounts.models import Clinic
from alliance.demo.actions import (
    DEMO_PASSWORD,
    demo_history_settings,
    demo_settings,
    do_load_demo_clinic,
    do_load_demo_history,
    do_load_demo_waitlist,
)
from alliance.demo.generator import (
    DemoClinic,
    DemoEpisode,
    DemoSettings,
    generate_clinic,
    generate_history,
)
from alliance.matching import engine
from alliance.matching.models import Intake
from alliance.measures import registry


class Command(BaseCommand):
    help = "Migrate, load the demo clinic (idempotent), print the demo log-ins and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DemoSettings.seed)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if django_settings.PRODUCTION:
            raise CommandError(
                "the demo clinic adds hundreds of accounts with a published password; "
                "it is refused when ALLIANCE_PRODUCTION=1"
            )
        call_command("migrate", interactive=False, verbosity=0)
        settings = demo_settings(options["seed"])
        clinic = generate_clinic(settings)
        summary = do_load_demo_clinic(clinic)
        self.stdout.write(summary.describe())
        instruments = {i: registry.get_key(i) for i in registry.loaded_ids()}
        tz = ZoneInfo(settings.time_zone)
        history = generate_history(
            clinic,
            instruments,
            # History ends yesterday: today's sessions are still ahead.
            timezone.now().astimezone(tz).date() - timedelta(days=1),
            demo_history_settings(options["seed"]),
        )
        counts = do_load_demo_history(clinic, history, tz=tz)
        n_waiting = do_load_demo_waitlist(clinic)
        summary.sample_logins = sample_logins(clinic, history)
        if counts["episodes"]:
            self.stdout.write(
                f"Session history: {counts['episodes']} episodes, {counts['responses']} "
                f"questionnaire answers, {counts['alerts']} safety alerts."
            )
        if n_waiting:
            self.stdout.write(f"Waiting list: {n_waiting} clients looking for a therapist.")
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD})")
        for role, email in summary.sample_logins:
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write("")
        if not options["no_serve"]:
            serve_options = {"port": options["port"]} if options["port"] else {}
            call_command("serve", **serve_options)


def sample_logins(clinic: DemoClinic, history: Sequence[DemoEpisode]) -> list[tuple[str, str]]:
    """Staff, a client in active therapy with their therapist, and a client on the waiting list."""
    emails = {t.key: t.email for t in clinic.therapists} | {c.key: c.email for c in clinic.clients}
    active = next(e for e in history if e.state == "active" and len(e.sessions) >= 6)
    return [
        ("staff", clinic.staff[0].email),
        ("therapist", emails[active.therapist_key]),
        ("client", emails[active.client_key]),
        ("waiting", _showcase_waiting_client(clinic)),
    ]


def _showcase_waiting_client(clinic: DemoClinic) -> str:
    """A waiting client whose matches show the most, measured effectiveness first."""
    stored = Clinic.objects.get(slug=clinic.slug)
    matcher = engine.matcher_for_clinic(stored)
    best: tuple[int, int, str] = (-1, -1, "")
    for intake in Intake.objects.filter(clinic=stored, status="submitted").order_by("pk"):
        ranked = matcher.rank(engine.intake_record(intake), top=5)
        strong = sum("in this clinic" in reason for m in ranked for reason in m.reasons)
        best = max(best, (strong, len(ranked), intake.client.email))
    return best[2]
