"""``alliance jobs``: the scheduled work, run on a schedule until a real worker exists.

Each job is an ``alliance`` command that runs its actions as the scheduler's account:
escalating overdue safety alerts (every minute), planning the weekly sessions to the horizon and
opening due fit reviews (every ten minutes). ``alliance serve`` starts this loop beside the web
server, so no escalation waits for a page view. Each job runs in its own transactions; a job that
fails is logged and tried again at its next turn, and never stops the others.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger("alliance.jobs")


@dataclass(frozen=True)
class Job:
    command: tuple[str, ...]
    every_seconds: int


JOBS = (
    Job(("alerts", "escalate"), 60),
    Job(("sessions", "extend"), 600),
    Job(("reviews", "open-due"), 600),
)


def run_job(job: Job) -> bool:
    """Run one job; False (and a logged traceback) when it failed."""
    try:
        call_command(*job.command, stdout=StringIO())
    except Exception:  # one failing job must not stop the others
        logger.exception("job %s failed", " ".join(job.command))
        return False
    return True


class Command(BaseCommand):
    help = "Run the scheduled jobs (escalations, session planning, due fit reviews)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")
        parser.add_argument(
            "--parent", type=int, default=None, help="Stop when this process is gone (serve)."
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every interval (tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            failed = [job for job in JOBS if not run_job(job)]
            self.stdout.write(f"{len(JOBS) - len(failed)} of {len(JOBS)} jobs ran.")
            return
        self._loop(options["parent"], options["scale"])

    def _loop(self, parent: int | None, scale: float) -> None:
        next_run = dict.fromkeys(JOBS, 0.0)
        while parent is None or os.getppid() == parent:
            now = time.monotonic()
            for job in JOBS:
                if now >= next_run[job]:
                    close_old_connections()  # a long-lived loop must not keep a dead connection
                    run_job(job)
                    next_run[job] = now + job.every_seconds * scale
            time.sleep(min(1.0, 60 * scale))
