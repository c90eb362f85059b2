"""Episodes, frames and logged-in clients for the contact tests (factories, not fixtures)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client

from alliance.accounts.models import User
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import ContactRule, Episode, FrameState, FrameVersion
from tests.factories import make_client, make_clinic, make_therapist

CRISIS_LINE = "Riverside crisis line 0800 000 111 (24x7)"


def make_episode(started_on: dt.date = dt.date(2026, 9, 1)) -> Episode:
    clinic = make_clinic(crisis_line=CRISIS_LINE)
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    return do_start_episode(None, client=client, therapist=therapist, started_on=started_on)


def make_frame(
    episode: Episode, *, contact_rule: str = ContactRule.LOGISTICS, number: int = 1
) -> FrameVersion:
    """An accepted frame in force since the episode started."""
    return FrameVersion.objects.create(
        episode=episode,
        number=number,
        state=FrameState.ACCEPTED,
        weekday=3,
        start_time=dt.time(18, 0),
        time_zone="UTC",
        minutes=50,
        format="online",
        fee=1500,
        contact_rule=contact_rule,
        style="collaborative",
        effective_from=episode.started_on,
        proposed_by=episode.therapist,
    )


def logged_in(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http


def raw_column(table: str, column: str, pk: int) -> str:
    """The stored value, bypassing the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        (value,) = cursor.fetchone()
    return str(value)
