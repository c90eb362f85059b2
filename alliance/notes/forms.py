from __future__ import annotations

from typing import Any

from django import forms

from alliance.notes.models import NOTE_MAX_CHARS


class NoteForm(forms.Form):
    body = forms.CharField(
        label="New private note",
        max_length=NOTE_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class NoteEditForm(NoteForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Private note"
