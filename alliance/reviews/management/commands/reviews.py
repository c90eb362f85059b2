"""``alliance reviews open-due``: open the fit review of every running episode that has held
its third session and has never had one (Alliance's own rule, after Crits-Christoph et al.
2011).

``alliance jobs`` runs it every ten minutes as the scheduler's account, so the review is
waiting even for an episode whose sessions were recorded another way; recording the third
session opens it at once, and running it twice opens nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q
from django.utils import timezone

from alliance.accounts.actions import scheduler_actor
from alliance.care.models import Episode, EpisodeState, SessionStatus
from alliance.core.monitoring.fit_review import FIT_REVIEW_SESSIONS
from alliance.reviews.actions import do_open_due_review


class Command(BaseCommand):
    help = "Fit reviews. `alliance reviews open-due` opens the reviews that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("open-due", help="Open the fit reviews that are due.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        candidates = (
            Episode.objects.filter(
                state__in=[EpisodeState.TRIAL, EpisodeState.ACTIVE], fit_reviews__isnull=True
            )
            .annotate(n_held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)))
            .filter(n_held__gte=FIT_REVIEW_SESSIONS[0])
            .order_by("pk")
        )
        actor = scheduler_actor()
        n_opened = sum(
            do_open_due_review(actor, episode=episode, now=now) is not None
            for episode in candidates
        )
        self.stdout.write(
            f"{n_opened} fit review{'s' if n_opened != 1 else ''} opened "
            f"(due after session {FIT_REVIEW_SESSIONS[0]})."
        )
