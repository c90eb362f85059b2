from __future__ import annotations

import uuid
from typing import Any

from django import forms

from alliance.goals.actions import GoalDraft
from alliance.goals.models import LEVEL_KEYS, MAX_TEXT, MAX_WEIGHT, MIN_WEIGHT, Goal

# Kiresuk & Sherman (1968): the meaning of each Goal Attainment Scaling level.
LEVEL_MEANINGS = {
    "-2": "much less than expected",
    "-1": "somewhat less than expected",
    "0": "the expected outcome",
    "1": "somewhat more than expected",
    "2": "much more than expected",
}
LEVEL_FIELDS = {
    "-2": "level_minus_2",
    "-1": "level_minus_1",
    "0": "level_0",
    "1": "level_plus_1",
    "2": "level_plus_2",
}
_SIGNED = {"-2": "−2", "-1": "−1", "0": "0", "1": "+1", "2": "+2"}


def _level_field(key: str) -> forms.CharField:
    return forms.CharField(
        label=f"{_SIGNED[key]}: {LEVEL_MEANINGS[key]}",
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class GoalForm(forms.Form):
    """One version of a goal: its words, its five levels, its weight and review date."""

    title = forms.CharField(
        label="The goal, in the client's own words",
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    level_minus_2 = _level_field("-2")
    level_minus_1 = _level_field("-1")
    level_0 = _level_field("0")
    level_plus_1 = _level_field("1")
    level_plus_2 = _level_field("2")
    weight = forms.IntegerField(
        label="Weight",
        min_value=MIN_WEIGHT,
        max_value=MAX_WEIGHT,
        initial=1,
        help_text=(
            "How much this goal counts in the overall score: how important it is × how hard it "
            "is, each 1 to 3 (so 1 to 9). Leave 1 if unsure."
        ),
    )
    review_on = forms.DateField(
        label="Review on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, goal: Goal | None = None, **kwargs: Any) -> None:
        if goal is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(goal)
        super().__init__(*args, **kwargs)

    def level_fields(self) -> list[forms.BoundField]:
        return [self[LEVEL_FIELDS[key]] for key in LEVEL_KEYS]

    def draft(self) -> GoalDraft:
        data = self.cleaned_data
        return GoalDraft(
            title=data["title"],
            levels={key: data[LEVEL_FIELDS[key]] for key in LEVEL_KEYS},
            weight=data["weight"],
            review_on=data["review_on"],
        )


def initial_for(goal: Goal) -> dict[str, object]:
    initial: dict[str, object] = {
        "title": goal.title,
        "weight": goal.weight,
        "review_on": goal.review_on,
    }
    initial.update({LEVEL_FIELDS[key]: goal.levels.get(key, "") for key in LEVEL_KEYS})
    return initial


class RatingForm(forms.Form):
    # A whole number only: whether it is within −2…+2 is the action's call, with its message.
    level = forms.IntegerField(error_messages={"required": "Choose a level to rate the goal."})
    submission_key = forms.CharField(max_length=64, min_length=8)


class AcceptForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1)


def new_submission_key() -> str:
    return uuid.uuid4().hex
