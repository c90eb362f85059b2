"""``alliance alerts``: the alert jobs.

- ``escalate``: escalate safety alerts left unacknowledged past the clinic's limit (cron, every
  minute), as the scheduler's account; pages never escalate.
- ``evaluate``: re-run the monitoring rules on every running episode (cron, daily), so time-based
  signals such as dropout risk fire even when nobody submits anything.
- ``fit-dropout``: fit each clinic's dropout model on its history, validate it on held-out
  episodes and print the figures (docs/dropout-model.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from alliance.accounts.actions import scheduler_actor
from alliance.accounts.models import Clinic
from alliance.alerts.actions import do_escalate_overdue_safety_alerts, do_fit_dropout_model
from alliance.alerts.monitoring import evaluate_episode
from alliance.care.models import Episode, EpisodeState
from alliance.core.errors import DomainError


class Command(BaseCommand):
    help = "Alert jobs: `escalate`, `evaluate` and `fit-dropout`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("escalate", help="Escalate unacknowledged safety alerts to clinic staff.")
        sub.add_parser("evaluate", help="Run the monitoring rules on every running episode.")
        fit = sub.add_parser("fit-dropout", help="Fit and validate each clinic's dropout model.")
        fit.add_argument("--clinic", help="Only this clinic (its slug).")
        fit.add_argument("--seed", type=int, default=0, help="Seed of the held-out split.")
        fit.add_argument(
            "--test-share", type=float, default=0.3, help="Share of episodes held out (0-1)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "escalate":
            self._escalate()
        elif subcommand == "evaluate":
            self._evaluate()
        else:
            self._fit(options["clinic"], options["seed"], options["test_share"])

    def _escalate(self) -> None:
        escalated = do_escalate_overdue_safety_alerts(scheduler_actor(), now=timezone.now())
        self.stdout.write(f"{len(escalated)} safety alert(s) escalated to clinic staff.")

    def _evaluate(self) -> None:
        now = timezone.now()
        running = Episode.objects.filter(state__in=[EpisodeState.TRIAL, EpisodeState.ACTIVE])
        actor = scheduler_actor()
        n_episodes = n_raised = 0
        for episode in running.select_related("clinic").order_by("pk").iterator():
            with transaction.atomic():
                n_raised += len(evaluate_episode(episode, now=now, actor=actor).raised)
            n_episodes += 1
        self.stdout.write(f"{n_episodes} running episode(s) evaluated; {n_raised} alert(s) raised.")

    def _fit(self, slug: str | None, seed: int, test_share: float) -> None:
        clinics = Clinic.objects.order_by("slug")
        if slug is not None:
            clinics = clinics.filter(slug=slug)
            if not clinics.exists():
                raise CommandError(f"no clinic with the slug {slug!r}", returncode=2)
        failures = 0
        for clinic in clinics:
            try:
                fit = do_fit_dropout_model(
                    None, clinic=clinic, now=timezone.now(), test_share=test_share, seed=seed
                )
            except DomainError as exc:
                failures += 1
                self.stdout.write(f"{clinic.slug}: not fitted: {exc.detail}")
                continue
            self.stdout.write(_report(clinic, fit.validation, fit.model))
        if slug is not None and failures:
            raise CommandError("the dropout model was not fitted", returncode=2)


def _report(clinic: Clinic, validation: dict[str, Any], model: dict[str, Any]) -> str:
    lines = [
        f"{clinic.slug}: dropout model fitted on {validation['n_examples']} ended episodes "
        f"({validation['n_dropped_out']} dropped out; base rate {model['base_rate']:.1%}).",
        f"  held-out validation (seed {validation['seed']}, {validation['n_train']} train / "
        f"{validation['n_test']} test): AUC {validation['auc']:.3f}, "
        f"Brier {validation['brier']:.3f}",
        "  calibration (mean predicted → observed, n):",
        *(
            f"    {predicted:.1%} → {observed:.1%} (n = {count})"
            for predicted, observed, count in validation["calibration"]
        ),
        "  coefficients (log-odds per SD): "
        + ", ".join(f"{name} {value:+.2f}" for name, value in model["coefficients"].items()),
    ]
    return "\n".join(lines)
