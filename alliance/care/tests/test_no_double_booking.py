"""Nobody is in two sessions at once: the database itself refuses overlapping sessions of one
therapist or one client (migration 0004: an exclusion constraint on PostgreSQL, triggers on
SQLite), so a race between two requests cannot double-book anyone.

The concurrency tests need real concurrent transactions, so they run on PostgreSQL only
(``DATABASE_URL=postgres://…``); on SQLite they are reported as skipped with that reason.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction

from alliance.accounts.models import User
from alliance.care.actions.sessions import do_add_session, do_move_session
from alliance.care.models import OCCUPYING, Episode, Session
from alliance.care.tests.frame_helpers import NOW, start_episode, utc
from alliance.core.errors import Conflict
from tests.factories import make_therapist

pytestmark = pytest.mark.time_machine(NOW, tick=False)

TEN = utc(2026, 3, 10, 10)


def _session(
    episode: Episode,
    starts_at: dt.datetime,
    *,
    minutes: int = 50,
    status: str = "scheduled",
    client: User | None = None,
    therapist: User | None = None,
) -> Session:
    return Session.objects.create(
        episode=episode,
        client=client or episode.client,
        therapist=therapist or episode.therapist,
        kind="extra",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        status=status,
    )


def _refused(name: str) -> pytest.RaisesExc[IntegrityError]:
    # The SQLite trigger raises with this name; PostgreSQL names the violated constraint.
    return pytest.raises(IntegrityError, match=name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        (TEN, 50),  # the same time
        (TEN + dt.timedelta(minutes=49), 50),  # starts one minute before the other ends
        (TEN - dt.timedelta(minutes=49), 50),  # ends one minute after the other starts
        (TEN + dt.timedelta(minutes=10), 10),  # inside the other
        (TEN - dt.timedelta(minutes=10), 120),  # around the other
    ],
)
def test_two_overlapping_sessions_of_one_therapist_are_refused(
    start: dt.datetime, minutes: int
) -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    _session(first, TEN)
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        _session(second, start, minutes=minutes)
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_two_overlapping_sessions_of_one_client_are_refused() -> None:
    episode = start_episode()
    other_therapist = make_therapist(clinic=episode.clinic)
    _session(episode, TEN)
    with _refused("care_session_client_no_overlap"), transaction.atomic():
        _session(episode, TEN + dt.timedelta(minutes=30), therapist=other_therapist)
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_held_sessions_occupy_time_too() -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    _session(first, TEN, status="held")
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        _session(second, TEN)
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        _session(second, TEN, status="held")
    assert Session.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_cancelled_and_missed_sessions_do_not_block(status: str) -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    _session(first, TEN, status=status)
    _session(second, TEN)  # an occupying one where a non-occupying one is
    _session(first, TEN + dt.timedelta(minutes=10), status=status)  # and the other way round
    assert Session.objects.filter(status__in=OCCUPYING).count() == 1
    assert Session.objects.count() == 3


@pytest.mark.django_db
def test_back_to_back_sessions_are_allowed() -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    _session(first, TEN)
    _session(second, TEN + dt.timedelta(minutes=50))  # starts as the first ends
    _session(second, TEN - dt.timedelta(minutes=50))  # ends as the first starts
    assert Session.objects.filter(therapist=first.therapist).count() == 3


@pytest.mark.django_db
def test_updating_a_session_into_an_overlap_is_refused() -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    _session(first, TEN)
    later = _session(second, TEN + dt.timedelta(hours=2))
    later.starts_at = TEN + dt.timedelta(minutes=20)
    later.ends_at = later.starts_at + dt.timedelta(minutes=50)
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        later.save()
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        Session.objects.filter(pk=later.pk).update(starts_at=TEN + dt.timedelta(minutes=40))
    assert Session.objects.get(pk=later.pk).starts_at == TEN + dt.timedelta(hours=2)


@pytest.mark.django_db
def test_bringing_back_a_cancelled_session_onto_a_taken_time_is_refused() -> None:
    first = start_episode()
    second = start_episode(therapist=first.therapist)
    cancelled = _session(first, TEN, status="cancelled")
    _session(second, TEN)
    with _refused("care_session_therapist_no_overlap"), transaction.atomic():
        Session.objects.filter(pk=cancelled.pk).update(status="scheduled")
    assert Session.objects.get(pk=cancelled.pk).status == "cancelled"


@pytest.mark.django_db
def test_a_session_may_be_saved_again_without_clashing_with_itself() -> None:
    episode = start_episode()
    session = _session(episode, TEN)
    session.ends_at = TEN + dt.timedelta(minutes=60)
    session.save()
    session.status = "held"
    session.save()
    assert Session.objects.get().ends_at == TEN + dt.timedelta(minutes=60)


# Concurrency (PostgreSQL)

N_CLIENTS = 8


def _race(attempts: list[Callable[[], object]]) -> list[str]:
    """Run every attempt in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            attempt()
            outcome = "ok"
        except Conflict as exc:
            outcome = exc.code
        except Exception as exc:  # anything else is a finding: reported in the outcomes
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_extra_sessions_racing_for_one_therapist_time_exactly_one_wins() -> None:
    first = start_episode()
    episodes = [first] + [start_episode(therapist=first.therapist) for _ in range(N_CLIENTS - 1)]
    therapist_id = first.therapist_id

    def add(episode_id: int) -> Callable[[], object]:
        def attempt() -> object:
            therapist = User.objects.get(pk=therapist_id)
            episode = Episode.objects.get(pk=episode_id)
            return do_add_session(therapist, episode=episode, starts_at=TEN)

        return attempt

    outcomes = _race([add(e.pk) for e in episodes])
    assert outcomes == ["ok"] + ["slot_taken"] * (N_CLIENTS - 1)
    occupying = Session.objects.filter(therapist_id=therapist_id, status__in=OCCUPYING)
    assert list(occupying.values_list("starts_at", flat=True)) == [TEN]
    assert Session.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_moves_racing_for_one_therapist_time_exactly_one_wins() -> None:
    first = start_episode()
    episodes = [first] + [start_episode(therapist=first.therapist) for _ in range(N_CLIENTS - 1)]
    # Each client has a session of their own on 9 March, at 08:00, 09:00, … UTC.
    sessions = [
        _session(e, utc(2026, 3, 9, 8) + dt.timedelta(hours=i)) for i, e in enumerate(episodes)
    ]

    def move(session: Session) -> Callable[[], object]:
        def attempt() -> object:
            client = User.objects.get(pk=session.client_id)
            return do_move_session(client, session=session, starts_at=TEN)

        return attempt

    outcomes = _race([move(s) for s in sessions])
    assert outcomes == ["ok"] + ["slot_taken"] * (N_CLIENTS - 1)
    at_ten = Session.objects.filter(starts_at=TEN, status__in=OCCUPYING)
    assert at_ten.count() == 1
    winner = at_ten.get()
    assert winner.moved_from == utc(2026, 3, 9, 8) + dt.timedelta(hours=sessions.index(winner))
    stayed = Session.objects.exclude(pk=winner.pk).order_by("starts_at")
    assert [(s.starts_at, s.moved_from) for s in stayed] == [
        (s.starts_at, None) for s in sessions if s.pk != winner.pk
    ]
