"""The schedule forms: one row per instrument (how often, every how many, from which session).

The episode form adds "as the clinic" (no change); the clinic form has no such choice. Each rule
is checked by ``core.monitoring.schedule.ScheduleRule``, whose message becomes the field error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from alliance.core.monitoring.schedule import InvalidSchedule, ScheduleRule
from alliance.measures.schedules import Showable, describe_rule

CLINIC = "clinic"
SESSIONS = "sessions"
DAYS = "days"
OFF = "off"
MAX_EVERY = 365
MAX_FIRST = 100


@dataclass(frozen=True)
class ScheduleRow:
    """One instrument as the page lays it out."""

    showable: Showable
    clinic_text: str
    mode: forms.BoundField
    every: forms.BoundField
    first: forms.BoundField


class ScheduleForm(forms.Form):
    """``current`` is the rule in force per instrument id (absent or ``None``: not used);
    ``clinic`` (episode form only) the clinic's rule, and ``removed`` what the episode drops."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        instruments: Sequence[Showable],
        current: Mapping[str, ScheduleRule],
        clinic: Mapping[str, ScheduleRule] | None = None,
        overridden: frozenset[str] = frozenset(),
        removed: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(data)
        self.instruments = list(instruments)
        self.clinic = clinic
        self.rules: list[ScheduleRule] = []
        self.removed: list[str] = []
        for shown in self.instruments:
            key, title = shown.instrument.id, shown.instrument.title
            rule = current.get(key)
            self.fields[f"{key}-mode"] = forms.ChoiceField(
                label=f"{title}: how often",
                choices=self._modes(key),
                initial=self._initial_mode(key, rule, overridden, removed),
            )
            every = None if rule is None else rule.every_sessions or rule.every_days
            self.fields[f"{key}-every"] = forms.IntegerField(
                label=f"{title}: every (sessions or days)",
                required=False,
                min_value=1,
                max_value=MAX_EVERY,
                initial=every,
            )
            self.fields[f"{key}-first"] = forms.IntegerField(
                label=f"{title}: from session",
                required=False,
                min_value=1,
                max_value=MAX_FIRST,
                initial=rule.first_session if rule is not None else 1,
            )

    def _modes(self, key: str) -> list[tuple[str, str]]:
        modes = [(SESSIONS, "Every N sessions"), (DAYS, "Every N days"), (OFF, "Not used")]
        if self.clinic is None:
            return modes
        return [(CLINIC, "As the clinic"), *modes]

    def _initial_mode(
        self,
        key: str,
        rule: ScheduleRule | None,
        overridden: frozenset[str],
        removed: frozenset[str],
    ) -> str:
        if self.clinic is not None and key not in overridden and key not in removed:
            return CLINIC
        if rule is None:
            return OFF
        return SESSIONS if rule.every_sessions is not None else DAYS

    @property
    def rows(self) -> list[ScheduleRow]:
        return [
            ScheduleRow(
                showable=shown,
                clinic_text=describe_rule(self.clinic.get(shown.instrument.id))
                if self.clinic is not None
                else "",
                mode=self[f"{shown.instrument.id}-mode"],
                every=self[f"{shown.instrument.id}-every"],
                first=self[f"{shown.instrument.id}-first"],
            )
            for shown in self.instruments
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.rules, self.removed = [], []
        for shown in self.instruments:
            key = shown.instrument.id
            mode = cleaned.get(f"{key}-mode")
            if mode == OFF:
                self.removed.append(key)
            elif mode in (SESSIONS, DAYS):
                self._add_rule(key, shown.instrument.title, mode, cleaned)
        return cleaned

    def _add_rule(self, key: str, title: str, mode: str, cleaned: Mapping[str, Any]) -> None:
        every_name, first_name = f"{key}-every", f"{key}-first"
        if every_name in self.errors or first_name in self.errors:
            return
        every = cleaned.get(every_name)
        if every is None:
            unit = "sessions" if mode == SESSIONS else "days"
            self.add_error(every_name, f"{title}: say every how many {unit}.")
            return
        try:
            rule = ScheduleRule(
                key,
                every_sessions=every if mode == SESSIONS else None,
                every_days=every if mode == DAYS else None,
                first_session=cleaned.get(first_name) or 1,
            )
        except InvalidSchedule as exc:
            self.add_error(every_name, exc.detail)
            return
        self.rules.append(rule)
