"""Forms built from instrument definitions: one fieldset per instrument, large touch targets."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from alliance.core.measures import Instrument
from alliance.core.measures.definitions import AnswerKind, Item


def field_name(instrument: Instrument, item: Item) -> str:
    return f"{instrument.id}__{item.link_id}"


def _is_optional(instrument: Instrument, item: Item) -> bool:
    return not item.scored


class MeasuresForm(forms.Form):
    """Answers to one or more instruments, submitted together."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = instruments
        self.fields["submission_key"].initial = uuid.uuid4().hex
        for instrument in instruments:
            for item in instrument.items:
                self.fields[field_name(instrument, item)] = self._field(instrument, item)

    def _field(self, instrument: Instrument, item: Item) -> forms.Field:
        label = item.text or f"Item {item.number}"
        if item.answer_set.kind is AnswerKind.TEXT:
            return forms.CharField(
                label=label,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        choices = [(str(o.value), o.label or str(o.value)) for o in item.answer_set.options]
        return forms.TypedChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            widget=forms.RadioSelect,
            required=not _is_optional(instrument, item),
            empty_value=None,
        )

    def fieldsets(self) -> list[tuple[Instrument, list[forms.BoundField]]]:
        return [
            (instrument, [self[field_name(instrument, item)] for item in instrument.items])
            for instrument in self.instruments
        ]

    def answers_for(self, instrument: Instrument) -> dict[str, object]:
        return {
            item.link_id: self.cleaned_data.get(field_name(instrument, item))
            for item in instrument.items
        }
