from __future__ import annotations

import re
from typing import Any

from django import forms

from alliance.core.vocabulary import (
    ALLIANCE_STYLE_EXPLANATIONS,
    ALLIANCE_STYLES,
    CONCERNS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
    WEEKDAYS,
)
from alliance.matching.models import FormatChoice

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    return list(codes.items())


class IntakeForm(forms.Form):
    concerns = forms.MultipleChoiceField(
        choices=_choices(CONCERNS),
        widget=forms.CheckboxSelectMultiple,
        label="What would you like help with?",
    )
    languages = forms.MultipleChoiceField(
        choices=_choices(LANGUAGES),
        widget=forms.CheckboxSelectMultiple,
        label="Languages you could have therapy in",
    )
    format = forms.ChoiceField(
        choices=FormatChoice.choices, widget=forms.RadioSelect, label="Online or in person?"
    )
    city = forms.CharField(
        max_length=80, required=False, label="Your city (for in-person sessions)"
    )
    max_fee = forms.IntegerField(
        min_value=0, max_value=1_000_000, label="The most you can pay per session"
    )
    times = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Weekly times you can make",
        help_text="One per line, like “Thursday 18:00-21:00”.",
    )
    styles = forms.MultipleChoiceField(
        choices=[
            (code, f"{label}: {ALLIANCE_STYLE_EXPLANATIONS[code]}")
            for code, label in ALLIANCE_STYLES.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="How would you like your therapist to work with you? (optional)",
    )
    professions = forms.MultipleChoiceField(
        choices=_choices(PROFESSIONS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Preferred professions (optional)",
    )
    therapist_gender = forms.ChoiceField(
        choices=[("", "No preference"), *_choices(GENDERS)],
        required=False,
        label="Therapist gender (optional)",
    )
    exclude = forms.MultipleChoiceField(
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Therapists you already know (they will never be suggested)",
    )

    def __init__(self, *args: Any, therapists: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exclude = self.fields["exclude"]
        assert isinstance(exclude, forms.MultipleChoiceField)
        exclude.choices = therapists

    def clean_times(self) -> list[dict[str, object]]:
        return parse_times(self.cleaned_data["times"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") == FormatChoice.IN_PERSON and not data.get("city"):
            self.add_error("city", "Tell us your city for in-person sessions.")
        return data


def parse_times(text: str) -> list[dict[str, object]]:
    """“Thursday 18:00-21:00” lines → [{"weekday": 3, "from": "18:00", "to": "21:00"}]."""
    names = {name.lower(): index for index, name in enumerate(WEEKDAYS)}
    names |= {name[:3].lower(): index for index, name in enumerate(WEEKDAYS)}
    windows: list[dict[str, object]] = []
    for number, line in enumerate(filter(None, (raw.strip() for raw in text.splitlines())), 1):
        parts = re.split(r"[\s,]+", line.replace("–", "-"), maxsplit=1)
        day = names.get(parts[0].lower())
        span = parts[1].replace(" ", "").split("-") if len(parts) == 2 else []
        if day is None or len(span) != 2 or not all(_TIME.match(t) for t in span):
            raise forms.ValidationError(
                f"Line {number} (“{line}”) should look like “Thursday 18:00-21:00”."
            )
        if span[0] >= span[1]:
            raise forms.ValidationError(f"Line {number}: the end must be after the start.")
        windows.append({"weekday": day, "from": span[0], "to": span[1]})
    if not windows:
        raise forms.ValidationError("Give at least one weekly time you can make.")
    return windows


def format_times(windows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{WEEKDAYS[w['weekday']]} {w['from']}-{w['to']}" for w in windows)
