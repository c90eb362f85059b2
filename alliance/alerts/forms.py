from __future__ import annotations

from django import forms

from alliance.alerts.models import ActionKind


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was done",
        choices=[("", "Choose…"), *ActionKind.choices],
        error_messages={"required": "Choose what was done."},
    )
