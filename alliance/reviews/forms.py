from __future__ import annotations

from typing import Any

from django import forms

from alliance.reviews.models import (
    ADJUST_MAX_CHARS,
    NOTE_MAX_CHARS,
    QUESTIONS,
    RATING_LABELS,
    Choice,
)

RATING_CHOICES = [(str(value), f"{value} · {label}") for value, label in RATING_LABELS.items()]


def _rating_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer from 0 to 4."},
    )


class _Ratings(forms.Form):
    side = "client"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, client_label, therapist_label in QUESTIONS:
            label = client_label if self.side == "client" else therapist_label
            self.fields[key] = _rating_field(label)
        self.order_fields([key for key, _, _ in QUESTIONS])

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _, _ in QUESTIONS]


class ClientReviewForm(_Ratings):
    side = "client"
    choice = forms.ChoiceField(
        label="What would you like to happen next?",
        choices=Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you would like to happen next."},
    )
    adjust_what = forms.CharField(
        label="What would you like to change? (optional)",
        max_length=ADJUST_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ADJUST_MAX_CHARS}),
        help_text=f"At most {ADJUST_MAX_CHARS} characters. Private unless you tick the box below.",
    )
    share_adjust = forms.BooleanField(label="Share this with my therapist", required=False)


class TherapistReviewForm(_Ratings):
    side = "therapist"
    note = forms.CharField(
        label="A note for yourself (optional)",
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_CHARS}),
        help_text="Only you can read it; it is stored encrypted.",
    )
