from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User


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
