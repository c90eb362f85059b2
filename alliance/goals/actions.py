"""Every change to shared goals: proposed by one side, agreed by the other, rated, retired.

Agreement is the point (agreement on goals is one of the three parts of the alliance, Bordin
1979), so a goal counts only once the side that did not write this version accepts it, and
any change to an agreed goal asks the other side again. The audit trail holds ids, versions and
codes, never the goal's words or a rating's level (audit/trail.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.models import Episode
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.goals.models import (
    LEVEL_KEYS,
    MAX_TEXT,
    MAX_WEIGHT,
    MIN_WEIGHT,
    Goal,
    GoalRating,
    GoalState,
)


@dataclass(frozen=True)
class GoalDraft:
    """The words and numbers of one version of a goal, as either side writes them."""

    title: str
    levels: Mapping[str, str]
    weight: int = 1
    review_on: dt.date | None = None


def draft_of(goal: Goal) -> GoalDraft:
    return GoalDraft(goal.title, dict(goal.levels), goal.weight, goal.review_on)


def signed(level: int | str) -> str:
    value = int(level)
    return f"−{-value}" if value < 0 else f"+{value}" if value > 0 else "0"


@transaction.atomic
def do_propose_goal(
    actor: User, *, episode: Episode, draft: GoalDraft, now: dt.datetime | None = None
) -> Goal:
    """Either side proposes a goal; it waits for the other side's agreement."""
    now = now or timezone.now()
    _check_side(actor, episode)
    _check_open(episode)
    clean = _clean(draft, timezone.localdate(now), review_changed=True)
    goal = Goal.objects.create(
        episode=episode,
        title=clean.title,
        levels=dict(clean.levels),
        weight=clean.weight,
        review_on=clean.review_on,
        proposed_by=actor,
        proposed_at=now,
        created_at=now,
    )
    record_event(
        "goals.goal.proposed",
        actor=actor,
        obj=goal,
        data={"episode": episode.pk, "version": goal.version},
        now=now,
    )
    return goal


@transaction.atomic
def do_accept_goal(
    actor: User, *, goal: Goal, version: int | None = None, now: dt.datetime | None = None
) -> Goal:
    """The other side agrees the proposed version (``version``, when given, must still be it)."""
    now = now or timezone.now()
    goal = _lock(actor, goal)
    if goal.state == GoalState.AGREED:
        raise Conflict("This goal is already agreed.", code="goal_already_agreed")
    if version is not None and version != goal.version:
        raise Conflict(
            "This goal was changed since you opened it; read the new version before agreeing.",
            code="goal_changed",
        )
    if goal.proposed_by_id == actor.pk:
        raise PermissionDenied(
            "You wrote this version of the goal, so the other side needs to agree it.",
            code="own_proposal",
        )
    goal.state, goal.agreed_by, goal.agreed_at = GoalState.AGREED, actor, now
    goal.save(update_fields=["state", "agreed_by", "agreed_at"])
    record_event(
        "goals.goal.agreed",
        actor=actor,
        obj=goal,
        data={"episode": goal.episode_id, "version": goal.version},
        now=now,
    )
    return goal


@transaction.atomic
def do_edit_goal(
    actor: User, *, goal: Goal, draft: GoalDraft, now: dt.datetime | None = None
) -> Goal:
    """A new version of the goal; it goes back to "proposed" until the other side agrees it.

    A draft identical to the current version changes nothing (and keeps any agreement).
    """
    now = now or timezone.now()
    goal = _lock(actor, goal)
    review_changed = draft.review_on != goal.review_on
    clean = _clean(draft, timezone.localdate(now), review_changed=review_changed)
    if clean == draft_of(goal):
        return goal
    was_agreed = goal.state == GoalState.AGREED
    goal.title, goal.levels, goal.weight = clean.title, dict(clean.levels), clean.weight
    goal.review_on, goal.version = clean.review_on, goal.version + 1
    goal.state, goal.proposed_by, goal.proposed_at = GoalState.PROPOSED, actor, now
    goal.agreed_by, goal.agreed_at = None, None
    goal.save()
    record_event(
        "goals.goal.edited",
        actor=actor,
        obj=goal,
        data={"episode": goal.episode_id, "version": goal.version, "was_agreed": was_agreed},
        now=now,
    )
    return goal


@transaction.atomic
def do_rate_goal(
    actor: User,
    *,
    goal: Goal,
    level: object,
    submission_key: str,
    now: dt.datetime | None = None,
) -> GoalRating:
    """Either side rates an agreed goal at −2…+2; a repeated ``submission_key`` returns the
    first rating."""
    existing = GoalRating.objects.filter(rated_by=actor, submission_key=submission_key).first()
    if existing is not None:
        if existing.goal_id != goal.pk:
            raise InvalidInput("This form was already used for another goal.", code="key_reused")
        return existing
    now = now or timezone.now()
    goal = _lock(actor, goal)
    if goal.state != GoalState.AGREED:
        raise Conflict(
            "Only agreed goals are rated; this one is not agreed at the moment.",
            code="goal_not_agreed",
        )
    checked = _checked_level(level)
    if not 8 <= len(submission_key) <= 64:
        raise InvalidInput("The form is out of date; reload the page.", code="invalid_key")
    rating = GoalRating(
        goal=goal,
        goal_version=goal.version,
        level=checked,
        rated_by=actor,
        rated_at=now,
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # A concurrent double submission won the race: return the one that was stored.
        return GoalRating.objects.get(rated_by=actor, submission_key=submission_key)
    # The trail says that a goal was rated, never at which level.
    record_event(
        "goals.rating.recorded",
        actor=actor,
        obj=rating,
        data={"goal": goal.pk, "version": goal.version},
        now=now,
    )
    return rating


@transaction.atomic
def do_retire_goal(actor: User, *, goal: Goal, now: dt.datetime | None = None) -> Goal:
    """Either side sets a goal aside (agreed or still proposed); its ratings stay on record."""
    now = now or timezone.now()
    goal = _lock(actor, goal)
    was_agreed = goal.state == GoalState.AGREED
    goal.state, goal.retired_by, goal.retired_at = GoalState.RETIRED, actor, now
    goal.save(update_fields=["state", "retired_by", "retired_at"])
    record_event(
        "goals.goal.retired",
        actor=actor,
        obj=goal,
        data={"episode": goal.episode_id, "version": goal.version, "was_agreed": was_agreed},
        now=now,
    )
    return goal


def _check_side(actor: User, episode: Episode) -> None:
    if episode.side_of(actor, None) is None:
        raise PermissionDenied("Only the client and their therapist work on these goals.")


def _check_open(episode: Episode) -> None:
    if not episode.is_open:
        raise Conflict(
            "This episode has ended; its goals can no longer change.", code="episode_closed"
        )


def _lock(actor: User, goal: Goal) -> Goal:
    """The goal re-read under a row lock, after checking who acts and that it can change."""
    _check_side(actor, goal.episode)
    _check_open(goal.episode)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    locked.episode = goal.episode
    if locked.state == GoalState.RETIRED:
        raise Conflict("This goal was retired; it can no longer change.", code="goal_retired")
    return locked


def _checked_level(level: object) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not -2 <= level <= 2:
        raise InvalidInput(
            f"A rating is a level from −2 to +2; {level!r} is not one of them.",
            code="invalid_level",
        )
    return level


def _clean(draft: GoalDraft, today: dt.date, *, review_changed: bool) -> GoalDraft:
    title = _clean_text(draft.title, "Write the goal", "title")
    levels = _clean_levels(draft.levels)
    weight = draft.weight
    if isinstance(weight, bool) or not isinstance(weight, int):
        raise InvalidInput("The weight must be a whole number.", code="invalid_weight")
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise InvalidInput(
            f"The weight must be from {MIN_WEIGHT} to {MAX_WEIGHT}, not {weight}.",
            code="invalid_weight",
        )
    if review_changed and draft.review_on is not None and draft.review_on < today:
        raise InvalidInput("The review date cannot be in the past.", code="review_in_past")
    return dataclasses.replace(draft, title=title, levels=levels)


def _clean_levels(levels: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(levels, Mapping) or set(levels) != set(LEVEL_KEYS):
        raise InvalidInput(
            "Describe all five levels, from −2 to +2, and no others.", code="levels_incomplete"
        )
    return {
        key: _clean_text(levels[key], f"Describe level {signed(key)}", f"level_{_code(key)}")
        for key in LEVEL_KEYS
    }


def _clean_text(value: object, what: str, code: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(f"{what}: it cannot be empty.", code=f"{code}_required")
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"{what} in at most {MAX_TEXT} characters ({len(text)} now).", code=f"{code}_long"
        )
    return text


def _code(key: str) -> str:
    return {"-2": "minus_2", "-1": "minus_1", "0": "0", "1": "plus_1", "2": "plus_2"}[key]
