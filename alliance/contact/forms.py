from __future__ import annotations

from django import forms

from alliance.contact.models import LATE_MINUTES, MESSAGE_MAX_CHARS, NOTEBOOK_MAX_CHARS, Topic


class MessageForm(forms.Form):
    """One message: the one-tap buttons post a topic (and minutes); the box posts text."""

    topic = forms.ChoiceField(choices=Topic.choices, widget=forms.HiddenInput)
    minutes_late = forms.TypedChoiceField(
        choices=[("", "—")] + [(str(m), str(m)) for m in LATE_MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.HiddenInput,
    )
    body = forms.CharField(
        label="Other logistics",
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        strip=True,
        help_text=f"Times, places, payments — at most {MESSAGE_MAX_CHARS} characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotebookForm(forms.Form):
    body = forms.CharField(
        label="New entry",
        max_length=NOTEBOOK_MAX_CHARS,
        strip=True,
        help_text="Only you can read it, unless you choose to share it.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
