from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from functools import cache
from typing import Any

from django import forms
from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.care.models import (
    FRAME_TERMS,
    WEEKDAYS,
    ContactRule,
    EndReason,
    Format,
    SessionStatus,
)
from alliance.core.vocabulary import ALLIANCE_STYLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
GOAL_LEVELS = [
    (-2, "−2 · much less than expected"),
    (-1, "−1 · somewhat less than expected"),
    (0, "0 · the expected level"),
    (1, "+1 · somewhat more than expected"),
    (2, "+2 · much more than expected"),
]


class StartEpisodeForm(forms.Form):
    therapist = forms.ModelChoiceField(queryset=User.objects.none(), label="Therapist")
    started_on = forms.DateField(
        label="First session", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, therapists: QuerySet[User], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["therapist"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = therapists
        self.fields["started_on"].initial = today


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class FrameForm(forms.Form):
    """Every term of the frame; the domain (care.frames.clean_terms) has the last word."""

    weekday = forms.TypedChoiceField(
        label=FRAME_TERMS["weekday"], coerce=int, choices=list(enumerate(WEEKDAYS))
    )
    start_time = forms.TimeField(
        label=FRAME_TERMS["start_time"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(
        label=FRAME_TERMS["time_zone"],
        help_text="The day and time hold in this zone; each of you sees sessions in your own.",
    )
    minutes = forms.IntegerField(label=FRAME_TERMS["minutes"], min_value=10, max_value=240)
    format = forms.ChoiceField(
        label=FRAME_TERMS["format"], choices=Format.choices, widget=forms.RadioSelect
    )
    location = forms.CharField(
        label=FRAME_TERMS["location"],
        required=False,
        max_length=120,
        help_text="For sessions in person: the address or room.",
    )
    fee = forms.IntegerField(label=FRAME_TERMS["fee"], min_value=0)
    cancellation_hours = forms.IntegerField(
        label=FRAME_TERMS["cancellation_hours"],
        min_value=0,
        max_value=168,
        help_text="Cancelling with less notice than this counts as late.",
    )
    contact_rule = forms.ChoiceField(
        label=FRAME_TERMS["contact_rule"], choices=ContactRule.choices, widget=forms.RadioSelect
    )
    style = forms.ChoiceField(
        label=FRAME_TERMS["style"],
        choices=list(ALLIANCE_STYLES.items()),
        help_text="How you work together; the styles are explained below the form.",
    )
    ending_goal_level = forms.TypedChoiceField(
        label=FRAME_TERMS["ending_goal_level"], coerce=int, choices=GOAL_LEVELS
    )
    ending_stable_weeks = forms.IntegerField(
        label=FRAME_TERMS["ending_stable_weeks"], min_value=1, max_value=26
    )
    effective_from = forms.DateField(
        label=FRAME_TERMS["effective_from"],
        widget=DATE,
        help_text="The first day the new terms apply. Sessions before it stay as they are.",
    )
    note = forms.CharField(
        label="Why this change (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = time_zone_choices()


class MoveSessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="New day and time",
        widget=DATETIME,
        help_text="In your time zone. The session keeps its length; the weekly slot stays.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[
            (SessionStatus.HELD.value, "It took place"),
            (SessionStatus.NO_SHOW.value, "The client did not come (no-show)"),
        ],
        widget=forms.RadioSelect,
    )
    actual_start = forms.DateTimeField(label="Started at", required=False, widget=DATETIME)
    actual_end = forms.DateTimeField(label="Ended at", required=False, widget=DATETIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == SessionStatus.HELD:
            for name in ("actual_start", "actual_end"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give the time, in your time zone.")
        return data


class AddSessionForm(forms.Form):
    starts_at = forms.DateTimeField(label="Day and time", widget=DATETIME)
    minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        min_value=10,
        max_value=240,
        help_text="Leave empty for the agreed session length.",
    )


class ResumeForm(forms.Form):
    starts_on = forms.DateField(
        label="Start again from (optional)",
        required=False,
        widget=DATE,
        help_text="Leave empty to start again from today.",
    )


class EndEpisodeForm(forms.Form):
    reason = forms.ChoiceField(label="Why the work ends", widget=forms.RadioSelect)

    def __init__(self, *args: Any, reasons: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(reasons)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r.value, r.label) for r in EndReason if r.value and r.value in allowed]
