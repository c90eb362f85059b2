"""Shared goals for the demo clinic: each running or completed course has one to three agreed
goals, in a client's own words, rated every few sessions; the showcase client also has a goal
their therapist proposed and they have not agreed yet.

The wording is our own, written for the demo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from alliance.care.models import Episode, SessionStatus
from alliance.goals.models import Goal, GoalRating, GoalState

# concern → (title, levels −2 … +2)
GOALS: dict[str, tuple[str, tuple[str, str, str, str, str]]] = {
    "anxiety": (
        "Go to the supermarket on my own",
        (
            "I avoid it completely",
            "I go only with someone",
            "I go alone at quiet times",
            "I go alone at any time",
            "I go alone and hardly think about it",
        ),
    ),
    "depression": (
        "Get up and dressed before 9 on weekdays",
        (
            "Hardly ever",
            "One or two days a week",
            "Three or four days a week",
            "Every weekday",
            "Every weekday, and I plan something for the morning",
        ),
    ),
    "stress": (
        "Stop checking work e-mail after 7 pm",
        (
            "I check it all evening",
            "Most evenings",
            "Two evenings a week at most",
            "Never after 7",
            "Never after 7, and I don't miss it",
        ),
    ),
    "relationships": (
        "Say what I need without starting a row",
        (
            "I stay silent or explode",
            "I manage it once in a while",
            "I manage it about half the time",
            "Most of the time",
            "Almost always, even when it's hard",
        ),
    ),
    "sleep": (
        "Sleep six hours most nights",
        (
            "Under four hours most nights",
            "Four to five hours",
            "Six hours three nights a week",
            "Six hours most nights",
            "Seven hours most nights",
        ),
    ),
    "grief": (
        "Visit the places we used to go together",
        (
            "I can't face any of them",
            "I can drive past",
            "I can visit one with a friend",
            "I can visit them alone",
            "I can visit and remember the good times",
        ),
    ),
}
DEFAULT_GOAL = (
    "Feel able to talk about what's hard with someone close",
    (
        "I tell no one",
        "I hint at it",
        "I talk to one person now and then",
        "I talk to one or two people when I need to",
        "I talk openly when I need to",
    ),
)
SELF_CARE = (
    "Do one thing just for me each week",
    ("Nothing", "Once a month", "Most weeks", "Every week", "Twice a week or more"),
)


def _stable(*parts: object) -> int:
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


def load_goals(episodes: Sequence[Episode], tz: ZoneInfo, *, showcase: Episode | None) -> int:
    """Agreed goals with ratings over time for each episode (bulk inserts)."""
    goals: list[Goal] = []
    plans: list[tuple[Goal, list[datetime], int]] = []
    for episode in episodes:
        held = list(
            episode.sessions.filter(status=SessionStatus.HELD)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        if len(held) < 2:
            continue
        concerns = list(episode.client.client_profile.concerns)
        chosen = [GOALS.get(c, DEFAULT_GOAL) for c in concerns[:2]] or [DEFAULT_GOAL]
        if _stable(episode.pk, "self-care") % 2:
            chosen.append(SELF_CARE)
        for index, (title, levels) in enumerate(dict(chosen).items()):
            proposer, agreer = (
                (episode.client, episode.therapist)
                if index % 2
                else (episode.therapist, episode.client)
            )
            agreed_at = held[1] + timedelta(minutes=55)
            goal = Goal(
                episode=episode,
                title=title,
                levels={str(level): text for level, text in zip(range(-2, 3), levels, strict=True)},
                weight=1 + _stable(episode.pk, index) % 3,
                state=GoalState.AGREED,
                proposed_by=proposer,
                proposed_at=held[1] - timedelta(days=6),
                agreed_by=agreer,
                agreed_at=agreed_at,
                review_on=(held[-1] + timedelta(weeks=6)).date(),
                created_at=held[1] - timedelta(days=6),
            )
            goals.append(goal)
            plans.append((goal, held[1::4], _stable(episode.pk, title) % 3))
    Goal.objects.bulk_create(goals)
    ratings = []
    for goal, dates, pace in plans:
        for step, at in enumerate(dates):
            # Starts at −2 or −1 and improves by one level every (pace + 1) ratings, up to +1.
            level = min(1, -2 + (pace % 2) + step // (pace + 1))
            rater = goal.episode.client if step % 2 == 0 else goal.episode.therapist
            ratings.append(
                GoalRating(
                    goal=goal,
                    goal_version=1,
                    level=level,
                    rated_by=rater,
                    rated_at=at + timedelta(minutes=52),
                    submission_key=f"demo-goal-{goal.pk}-{step}",
                )
            )
    GoalRating.objects.bulk_create(ratings)
    if showcase is not None:
        _showcase_proposal(showcase, tz)
    return len(goals)


def _showcase_proposal(episode: Episode, tz: ZoneInfo) -> None:
    """A goal the therapist proposed after the last session, waiting for the client."""
    last = episode.sessions.filter(status=SessionStatus.HELD).order_by("-starts_at").first()
    at = (
        last.starts_at + timedelta(hours=2)
        if last
        else datetime.combine(episode.started_on, time(12), tzinfo=tz)
    )
    title, levels = SELF_CARE
    if episode.goals.filter(title=title).exists():
        title, levels = DEFAULT_GOAL
    Goal.objects.create(
        episode=episode,
        title=title,
        levels={str(level): text for level, text in zip(range(-2, 3), levels, strict=True)},
        weight=1,
        state=GoalState.PROPOSED,
        proposed_by=episode.therapist,
        proposed_at=at,
        created_at=at,
    )
