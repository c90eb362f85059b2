from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from alliance.core.vocabulary import (
    ALLIANCE_STYLE_EXPLANATIONS,
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
    WEEKDAYS,
)
from alliance.directory.access import DirectoryFilters
from alliance.directory.actions import EDITABLE_FIELDS, MAX_CAPACITY, MAX_SLOTS, WeeklySlot
from alliance.directory.models import TherapistProfile


def _any(label: str, vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return [("", label), *vocabulary.items()]


class DirectoryFilterForm(forms.Form):
    """The public directory's filters (GET). A filter that does not validate is left out."""

    q = forms.CharField(
        label="Search", required=False, max_length=80, widget=forms.TextInput({"type": "search"})
    )
    concern = forms.ChoiceField(label="Concern", required=False, choices=_any("Any", CONCERNS))
    language = forms.ChoiceField(label="Language", required=False, choices=_any("Any", LANGUAGES))
    format = forms.ChoiceField(label="Sessions", required=False, choices=_any("Either", FORMATS))
    city = forms.CharField(label="City", required=False, max_length=80)
    style = forms.ChoiceField(
        label="Alliance style", required=False, choices=_any("Any", ALLIANCE_STYLES)
    )
    profession = forms.ChoiceField(
        label="Profession", required=False, choices=_any("Any", PROFESSIONS)
    )
    max_fee = forms.IntegerField(
        label="Most you can pay per session",
        required=False,
        min_value=0,
        help_text="A therapist whose sliding scale starts within this counts.",
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    accepting = forms.BooleanField(label="Accepting new clients only", required=False)

    def to_filters(self) -> DirectoryFilters:
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q", ""),
            concern=data.get("concern", ""),
            language=data.get("language", ""),
            format=data.get("format", ""),
            city=data.get("city", "").strip(),
            style=data.get("style", ""),
            profession=data.get("profession", ""),
            max_fee=data.get("max_fee"),
            accepting_only=data.get("accepting", False),
        )


def _checkboxes(label: str, choices: list[tuple[str, str]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
    )


_STYLE_CHOICES = [
    (code, f"{label}: {ALLIANCE_STYLE_EXPLANATIONS[code]}")
    for code, label in ALLIANCE_STYLES.items()
]


class TherapistProfileForm(forms.Form):
    """The profile fields a therapist (or their clinic's staff) edits; the action validates too."""

    profession = forms.ChoiceField(choices=list(PROFESSIONS.items()))
    credentials = forms.CharField(
        required=False, max_length=200, help_text="Degrees, registrations, licences."
    )
    years_experience = forms.IntegerField(label="Years of experience", min_value=0, max_value=80)
    gender = forms.ChoiceField(
        required=False, choices=[("", "Prefer not to say"), *GENDERS.items()]
    )
    show_gender = forms.BooleanField(label="Show my gender in the directory", required=False)
    styles = _checkboxes("Alliance styles you work in", _STYLE_CHOICES)
    approaches = _checkboxes("Approaches", list(APPROACHES.items()))
    concerns = _checkboxes("Concerns you work with", list(CONCERNS.items()))
    languages = _checkboxes("Languages you work in", list(LANGUAGES.items()))
    formats = _checkboxes("You see clients", list(FORMATS.items()))
    city = forms.CharField(
        required=False, max_length=80, help_text="Needed when you see clients in person."
    )
    time_zone = forms.ChoiceField(
        label="Time zone of your weekly slots",
        choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
    )
    currency = forms.CharField(min_length=3, max_length=3, help_text="Three letters, e.g. INR.")
    fee = forms.IntegerField(label="Fee per session", min_value=0)
    sliding_scale_min = forms.IntegerField(
        label="Sliding scale from",
        required=False,
        min_value=0,
        help_text="The least you charge someone who cannot pay the full fee; empty for none.",
    )
    capacity = forms.IntegerField(
        label="Open places",
        min_value=0,
        max_value=MAX_CAPACITY,
        help_text="New clients you can take.",
    )
    accepting = forms.BooleanField(label="Accepting new clients", required=False)
    listed = forms.BooleanField(label="Show my profile in the public directory", required=False)
    bio = forms.CharField(
        label="About you", required=False, max_length=4000, widget=forms.Textarea({"rows": 6})
    )

    @classmethod
    def initial_for(cls, profile: TherapistProfile) -> dict[str, Any]:
        return {name: getattr(profile, name) for name in cls.base_fields}

    def changes(self) -> dict[str, Any]:
        """The cleaned values, keyed by the action's field names."""
        return {name: value for name, value in self.cleaned_data.items() if name in EDITABLE_FIELDS}


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        coerce=int, choices=list(enumerate(WEEKDAYS)), initial=0, label="Weekday"
    )
    start = forms.TimeField(
        label="Start time", widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(label="Minutes", min_value=15, max_value=180, initial=50)


SlotFormSet = forms.formset_factory(
    SlotForm,
    extra=1,
    can_delete=True,
    max_num=MAX_SLOTS,
    validate_max=True,
    absolute_max=MAX_SLOTS,
)


def slots_from(formset: forms.BaseFormSet[SlotForm]) -> list[WeeklySlot]:
    """The slots a valid formset asks for: filled rows not marked for removal."""
    return [
        WeeklySlot(
            form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["minutes"]
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
