"""``alliance sessions extend``: plan the weekly sessions up to the rolling horizon.

Run it daily (cron) so every running episode always has its next weeks of sessions, even when
nobody opens its page. A weekly session that would clash with another booking is skipped and
reported; the rest of the series is still planned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from alliance.care.frames import extend_sessions
from alliance.care.models import Episode, EpisodeState, Session


class Command(BaseCommand):
    help = "Session planning. `alliance sessions extend` plans weekly sessions ahead."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("extend", help="Plan the weekly sessions of every running episode.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        running = Episode.objects.filter(state__in=[EpisodeState.TRIAL, EpisodeState.ACTIVE])
        before = Session.objects.count()
        n_episodes, n_clashes = 0, 0
        for episode in running.order_by("pk").iterator():
            n_episodes += 1
            for starts_at in extend_sessions(episode, today=today):
                n_clashes += 1
                when = starts_at.astimezone(dt.UTC)
                self.stdout.write(
                    f"clash: episode {episode.pk}, {when:%Y-%m-%d %H:%M} UTC "
                    "(the client or therapist is already booked)"
                )
        n_created = Session.objects.count() - before
        self.stdout.write(
            f"{n_created} session{'s' if n_created != 1 else ''} created for {n_episodes} "
            f"running episode{'s' if n_episodes != 1 else ''}; {n_clashes} "
            f"clash{'es' if n_clashes != 1 else ''}."
        )
