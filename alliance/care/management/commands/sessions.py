"""``alliance sessions extend``: plan the weekly sessions up to the rolling horizon.

``alliance jobs`` runs it every ten minutes as the scheduler's account, so every running
episode has its next weeks of sessions even when nobody opens its page. A weekly session that
would clash with another booking is skipped and reported; the rest of the series is planned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alliance.accounts.actions import scheduler_actor
from alliance.care.actions.frames import do_extend_sessions
from alliance.care.models import Episode, EpisodeState


class Command(BaseCommand):
    help = "Session planning. `alliance sessions extend` plans weekly sessions ahead."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("extend", help="Plan the weekly sessions of every running episode.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = Episode.objects.filter(state__in=[EpisodeState.TRIAL, EpisodeState.ACTIVE])
        episodes = list(running.order_by("pk"))
        planned = do_extend_sessions(
            scheduler_actor(), episodes=episodes, today=timezone.localdate()
        )
        for episode_id, starts_at in planned.clashes:
            self.stdout.write(
                f"clash: episode {episode_id}, {starts_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC "
                "(the client or therapist is already booked)"
            )
        n, n_episodes, n_clashes = planned.n_sessions, len(episodes), len(planned.clashes)
        self.stdout.write(
            f"{n} session{'s' if n != 1 else ''} created for {n_episodes} "
            f"running episode{'s' if n_episodes != 1 else ''}; {n_clashes} "
            f"clash{'es' if n_clashes != 1 else ''}."
        )
