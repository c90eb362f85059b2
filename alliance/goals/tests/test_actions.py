"""Proposing, agreeing, changing, rating and retiring goals: who may, when, and what is kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError

from alliance.audit.models import AuditEvent
from alliance.audit.trail import verify_chain
from alliance.care.models import EpisodeState
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.goals.access import get_goal_episode_for_user, get_goal_for_user
from alliance.goals.actions import (
    GoalDraft,
    do_accept_goal,
    do_edit_goal,
    do_propose_goal,
    do_rate_goal,
    do_retire_goal,
)
from alliance.goals.models import Goal, GoalRating, GoalRatingImmutableError, GoalState
from alliance.goals.tests.factories import (
    LEVELS,
    draft,
    make_agreed_goal,
    make_episode,
    make_goal,
    rate,
)
from tests.factories import make_therapist


def _actions(goal: Goal) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(goal.pk), object_type="goals.goal")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_either_side_proposes_and_only_the_other_side_accepts(db: None, side: str) -> None:
    episode = make_episode()
    proposer = getattr(episode, side)
    other = episode.therapist if side == "client" else episode.client
    goal = make_goal(episode, by=proposer)
    assert (goal.state, goal.version, goal.proposed_by) == (GoalState.PROPOSED, 1, proposer)

    with pytest.raises(PermissionDenied) as refused:
        do_accept_goal(proposer, goal=goal)
    assert refused.value.code == "own_proposal"
    assert "other side" in refused.value.detail
    assert Goal.objects.get(pk=goal.pk).state == GoalState.PROPOSED

    agreed = do_accept_goal(other, goal=goal)
    agreed.refresh_from_db()
    assert (agreed.state, agreed.agreed_by, agreed.agreed_at is not None) == (
        GoalState.AGREED,
        other,
        True,
    )
    assert _actions(goal) == ["goals.goal.proposed", "goals.goal.agreed"]


def test_accepting_twice_or_a_stale_version_is_a_conflict(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    with pytest.raises(Conflict) as stale:
        do_accept_goal(episode.client, goal=goal, version=2)
    assert stale.value.code == "goal_changed"
    do_accept_goal(episode.client, goal=goal, version=1)
    with pytest.raises(Conflict) as twice:
        do_accept_goal(episode.client, goal=goal)
    assert twice.value.code == "goal_already_agreed"


def test_editing_an_agreed_goal_sends_it_back_to_proposed_for_the_other_side(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    new_levels = {**LEVELS, "0": "Asleep within an hour on five nights a week"}
    edited = do_edit_goal(
        episode.client,
        goal=goal,
        draft=GoalDraft("Sleep better", new_levels, weight=4),
    )
    edited.refresh_from_db()
    assert (edited.state, edited.version, edited.proposed_by) == (
        GoalState.PROPOSED,
        2,
        episode.client,
    )
    assert (edited.agreed_by, edited.agreed_at) == (None, None)
    assert (edited.title, edited.levels["0"], edited.weight) == ("Sleep better", new_levels["0"], 4)
    # The editor is now the proposer: the therapist (who proposed version 1) must accept.
    with pytest.raises(PermissionDenied):
        do_accept_goal(episode.client, goal=edited)
    assert do_accept_goal(episode.therapist, goal=edited).state == GoalState.AGREED
    assert _actions(goal) == [
        "goals.goal.proposed",
        "goals.goal.agreed",
        "goals.goal.edited",
        "goals.goal.agreed",
    ]
    edited_event = AuditEvent.objects.get(action="goals.goal.edited")
    assert edited_event.data == {"episode": episode.pk, "version": 2, "was_agreed": True}


def test_an_edit_that_changes_nothing_keeps_the_agreement(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    same = dataclasses.replace(draft(), title="  Sleep through the night ")
    kept = do_edit_goal(episode.client, goal=goal, draft=same)
    kept.refresh_from_db()
    assert (kept.state, kept.version) == (GoalState.AGREED, 1)
    assert "goals.goal.edited" not in _actions(goal)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "   "}, "title_required"),
        ({"title": "x" * 201}, "title_long"),
        ({"levels": {k: v for k, v in LEVELS.items() if k != "2"}}, "levels_incomplete"),
        ({"levels": {**LEVELS, "3": "More"}}, "levels_incomplete"),
        ({"levels": {**LEVELS, "-1": ""}}, "level_minus_1_required"),
        ({"levels": {**LEVELS, "1": "y" * 201}}, "level_plus_1_long"),
        ({"weight": 0}, "invalid_weight"),
        ({"weight": 10}, "invalid_weight"),
        ({"review_on": dt.date(2020, 1, 1)}, "review_in_past"),
    ],
)
def test_a_bad_goal_is_refused_with_a_clear_message_and_nothing_stored(
    db: None, change: dict[str, Any], code: str
) -> None:
    episode = make_episode()
    with pytest.raises(InvalidInput) as refused:
        do_propose_goal(
            episode.client, episode=episode, draft=dataclasses.replace(draft(), **change)
        )
    assert refused.value.code == code
    assert Goal.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="goals.").exists()


def test_ratings_only_on_agreed_goals_and_by_either_side(db: None) -> None:
    episode = make_episode()
    proposed = make_goal(episode)
    with pytest.raises(Conflict) as not_agreed:
        rate(proposed, 1)
    assert not_agreed.value.code == "goal_not_agreed"
    goal = make_agreed_goal(episode, title="Go back to the gym")
    by_client = rate(goal, 1)
    by_therapist = rate(goal, 0, by=episode.therapist)
    assert [(r.level, r.rated_by, r.goal_version) for r in GoalRating.objects.all()] == [
        (1, episode.client, 1),
        (0, episode.therapist, 1),
    ]
    assert by_client.pk != by_therapist.pk
    event = AuditEvent.objects.get(action="goals.rating.recorded", object_id=str(by_client.pk))
    assert event.data == {"goal": goal.pk, "version": 1}  # never the level


@pytest.mark.parametrize("level", [3, -3, 100, True, "1", 1.0, None])
def test_a_rating_outside_minus_two_to_plus_two_is_refused_and_nothing_stored(
    db: None, level: object
) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    with pytest.raises(InvalidInput) as refused:
        do_rate_goal(episode.client, goal=goal, level=level, submission_key="key-12345678")
    assert refused.value.code == "invalid_level"
    assert "−2 to +2" in refused.value.detail
    assert GoalRating.objects.count() == 0
    assert not AuditEvent.objects.filter(action="goals.rating.recorded").exists()


def test_a_repeated_submission_key_returns_the_first_rating(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    first = do_rate_goal(episode.client, goal=goal, level=1, submission_key="same-key-1")
    again = do_rate_goal(episode.client, goal=goal, level=2, submission_key="same-key-1")
    assert again.pk == first.pk
    assert GoalRating.objects.get().level == 1


def test_ratings_are_immutable_and_the_database_refuses_bad_levels(db: None) -> None:
    episode = make_episode()
    rating = rate(make_agreed_goal(episode), 1)
    rating.level = 2
    with pytest.raises(GoalRatingImmutableError):
        rating.save()
    assert GoalRating.objects.get().level == 1
    with pytest.raises(IntegrityError):
        GoalRating.objects.create(
            goal=rating.goal, goal_version=1, level=3, rated_by=episode.client, submission_key="k"
        )


def test_either_side_retires_and_a_retired_goal_no_longer_changes(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    rate(goal, 0)
    retired = do_retire_goal(episode.client, goal=goal)
    retired.refresh_from_db()
    assert (retired.state, retired.retired_by) == (GoalState.RETIRED, episode.client)
    assert GoalRating.objects.filter(goal=goal).count() == 1  # ratings stay on record
    for attempt in (
        lambda: do_retire_goal(episode.therapist, goal=goal),
        lambda: do_accept_goal(episode.therapist, goal=goal),
        lambda: do_edit_goal(episode.therapist, goal=goal, draft=draft("New words")),
        lambda: rate(goal, 1, by=episode.therapist),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "goal_retired"
    assert AuditEvent.objects.get(action="goals.goal.retired").data == {
        "episode": episode.pk,
        "version": 1,
        "was_agreed": True,
    }
    proposal = make_goal(episode, title="Call my sister")
    assert do_retire_goal(episode.therapist, goal=proposal).state == GoalState.RETIRED


@pytest.mark.parametrize("state", [EpisodeState.ENDED, EpisodeState.TRANSFERRED])
def test_a_closed_episode_takes_no_changes(db: None, state: EpisodeState) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    proposal = make_goal(episode, title="Call my sister")
    episode.state = state
    episode.save()
    goal.episode.refresh_from_db()
    proposal.episode.refresh_from_db()
    attempts = [
        lambda: do_propose_goal(episode.client, episode=episode, draft=draft("New")),
        lambda: do_accept_goal(episode.client, goal=proposal),
        lambda: do_edit_goal(episode.client, goal=goal, draft=draft("New words")),
        lambda: rate(goal, 1),
        lambda: do_retire_goal(episode.client, goal=goal),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "episode_closed"
    assert Goal.objects.count() == 2
    assert GoalRating.objects.count() == 0


def test_goals_of_someone_elses_episode_are_not_found(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    colleague = make_therapist(clinic=episode.clinic)
    other_episode = make_episode()
    for outsider in (colleague, other_episode.client, other_episode.therapist):
        with pytest.raises(NotFound):
            get_goal_for_user(outsider, goal.pk)
        with pytest.raises(NotFound):
            get_goal_episode_for_user(outsider, episode.pk)
    with pytest.raises(NotFound):
        get_goal_for_user(episode.client, goal.pk + 1000)
    assert get_goal_for_user(episode.client, goal.pk) == goal
    # Even a goal handed to the action directly is refused to an outsider.
    with pytest.raises(PermissionDenied):
        do_accept_goal(colleague, goal=goal)
    assert Goal.objects.get(pk=goal.pk).state == GoalState.PROPOSED


def test_audit_payloads_hold_no_goal_text_and_the_chain_holds(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    rate(goal, 2)
    do_edit_goal(episode.client, goal=goal, draft=draft("Sleep six hours"))
    do_retire_goal(episode.therapist, goal=goal)
    events = AuditEvent.objects.filter(action__startswith="goals.")
    assert events.count() == 5
    for event in events:
        flat = repr(event.data)
        assert "Sleep" not in flat and "Asleep" not in flat
    assert verify_chain().ok
