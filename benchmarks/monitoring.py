"""Measure alliance monitoring and the therapist's dashboard on a realistic caseload.

One therapist with 60 open episodes (and one with 5, for the query count), each with an agreed
frame (proposed and accepted through ``care.frames``, so the next 8 weeks are planned) and 12
weeks of history: held sessions, client and therapist Alliance Check-ins and PHQ-9s (scored by
``core.measures``, stored in bulk as ``demo.actions`` does), and two open alerts. Measured:

- the therapist's home page (``therapist-home``): time per GET, and queries for 60 vs 5 clients;
- ``alerts.monitoring.evaluate_episode`` on an episode whose rules fire (rolled back each run),
  with the clinic-history cache warm and cold;
- ``care.frames.extend_sessions`` planning one episode's series from empty to the horizon;
- one client check-in through ``measures.actions.do_submit_response``, monitoring hook included.

Runs against the throw-away SQLite database that ``benchmarks.__main__`` sets up (and sets it up
when run on its own): ``python -m benchmarks.monitoring``. About 20 s on a 2-core VM.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from alliance.accounts.models import Clinic, User
    from alliance.care.models import Episode

WEEKS = 12  # weeks of history per episode
ZONE = "Europe/London"
CHECKIN_ITEMS = ("checkin-bond", "checkin-goals", "checkin-collaboration", "checkin-frame")
PHQ9_ITEMS = tuple(f"phq9-{n}" for n in range(1, 10))


@dataclass
class Caseload:
    therapist: User
    episodes: list[Episode]


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
        f"over {len(ordered)} runs"
    )


def _spread(total: int, items: tuple[str, ...], top: int) -> dict[str, object]:
    """Whole-number answers of at most ``top`` each, adding up to ``total``."""
    answers: dict[str, object] = {}
    left = total
    for item in items:
        answers[item] = min(top, left)
        left -= answers[item]  # type: ignore[operator]
    assert left == 0, total
    return answers


def _checkin(total: int) -> dict[str, object]:
    return _spread(total, CHECKIN_ITEMS, 4)


def _phq9(total: int) -> dict[str, object]:
    """Item 9 (self-harm) stays 0: no safety alert, which ``bench_check_in`` already measures."""
    return {**_spread(total, PHQ9_ITEMS[:8], 3), PHQ9_ITEMS[8]: 0}


def _totals(index: int, week: int) -> tuple[int, int, int]:
    """(client check-in, therapist check-in, PHQ-9) for session ``week + 1`` of episode
    ``index``: steady check-ins and an improving PHQ-9 with a little noise. Episode 0 is the one
    the rules fire on: its last check-in drops below the floor and its PHQ-9 does not improve."""
    noise = (index * 7 + week * 3) % 3 - 1
    if index == 0:
        return (7 if week == WEEKS - 1 else 14 + noise, 13, 17 + noise)
    return (14 + noise, 13 - noise, max(3, 16 - week + noise))


def _slot(index: int) -> tuple[int, int]:
    """A distinct weekly (weekday, hour) per client of one therapist: 7 days x 08:00-16:00."""
    return index % 7, 8 + index // 7


def build_caseload(clinic: Clinic, n: int, tag: str) -> Caseload:
    from django.utils import timezone

    from alliance.accounts.models import ClientProfile, Role, User
    from alliance.alerts.models import Alert, AlertKind, Priority
    from alliance.care.actions.frames import do_accept_frame, do_propose_frame
    from alliance.care.models import Episode, EpisodeState, Session, SessionStatus
    from alliance.core.measures import score_response
    from alliance.measures import registry
    from alliance.measures.models import RespondentRole, Response, score_columns
    from tests.factories import make_therapist

    therapist = make_therapist(clinic=clinic)
    today = timezone.localdate()
    zone = ZoneInfo(ZONE)
    instruments = {
        key: registry.get_key(key)
        for key in ("alliance-checkin-client", "alliance-checkin-therapist", "phq-9")
    }
    episodes: list[Episode] = []
    sessions: list[Session] = []
    responses: list[Response] = []
    for index in range(n):
        client = User.objects.create(
            email=f"bench-{tag}-{index}@example.org",
            first_name=f"Client{index}",
            last_name=tag.title(),
            role=Role.CLIENT,
            clinic=clinic,
        )
        ClientProfile.objects.create(user=client)
        weekday, hour = _slot(index)
        last = today - dt.timedelta(days=(today.weekday() - weekday) % 7 or 7)  # before today
        first = last - dt.timedelta(weeks=WEEKS - 1)
        episode = Episode.objects.create(
            clinic=clinic,
            client=client,
            therapist=therapist,
            state=EpisodeState.ACTIVE,
            started_on=first - dt.timedelta(days=7),
        )
        episodes.append(episode)
        for week in range(WEEKS):
            starts = dt.datetime.combine(
                first + dt.timedelta(weeks=week), dt.time(hour), tzinfo=zone
            )
            ends = starts + dt.timedelta(minutes=50)
            sessions.append(
                Session(
                    episode=episode,
                    client=client,
                    therapist=therapist,
                    starts_at=starts,
                    ends_at=ends,
                    status=SessionStatus.HELD,
                    recorded_by=therapist,
                    recorded_at=ends,
                )
            )
            client_total, therapist_total, phq9_total = _totals(index, week)
            for key, respondent, answers in (
                ("alliance-checkin-client", client, _checkin(client_total)),
                ("alliance-checkin-therapist", therapist, _checkin(therapist_total)),
                ("phq-9", client, _phq9(phq9_total)),
            ):
                instrument = instruments[key]
                scored = {k: v for k, v in answers.items() if isinstance(v, int)}
                responses.append(
                    Response(
                        client=client,
                        episode=episode,
                        respondent=respondent,
                        respondent_role=(
                            RespondentRole.THERAPIST
                            if respondent is therapist
                            else RespondentRole.CLIENT
                        ),
                        instrument=instrument.id,
                        instrument_version=instrument.version,
                        session_number=week + 1,
                        answers=scored,
                        **score_columns(score_response(instrument, scored)),
                        administered_at=ends,
                        created_at=ends,
                        submission_key=f"bench:{episode.pk}:{week + 1}:{key}",
                    )
                )
    Session.objects.bulk_create(sessions)
    Response.objects.bulk_create(responses)
    # Two open alerts for the "Needs your attention" list (never on episode 0, which is evaluated).
    Alert.objects.bulk_create(
        Alert(
            kind=kind,
            priority=Priority.HIGH,
            episode=episode,
            therapist=therapist,
            rule=kind,
            cause=f"bench:{tag}:{episode.pk}:{kind}",
        )
        for kind, episode in zip(
            (AlertKind.RUPTURE, AlertKind.OFF_TRACK), episodes[1:3], strict=False
        )
    )
    # The agreed frame, through the real actions: accepting plans the next 8 weeks.
    for index, episode in enumerate(episodes):
        weekday, hour = _slot(index)
        terms = {
            "weekday": weekday,
            "start_time": f"{hour:02d}:00",
            "time_zone": ZONE,
            "minutes": 50,
            "format": "online",
            "location": "",
            "fee": 1500,
            "cancellation_hours": 24,
            "contact_rule": "logistics",
            "style": "supportive",
            "ending_goal_level": 1,
            "ending_stable_weeks": 4,
            "effective_from": today.isoformat(),
        }
        frame = do_propose_frame(therapist, episode=episode, terms=terms, today=today)
        do_accept_frame(episode.client, frame=frame, today=today)
    return Caseload(therapist, episodes)


def _counts(caseload: Caseload) -> str:
    from alliance.alerts.models import Alert, AlertState
    from alliance.care.models import Session, SessionStatus
    from alliance.measures.models import Response

    ids = [e.pk for e in caseload.episodes]
    sessions = Session.objects.filter(episode_id__in=ids)
    held = sessions.filter(status=SessionStatus.HELD).count()
    planned = sessions.filter(status=SessionStatus.SCHEDULED).count()
    responses = Response.objects.filter(episode_id__in=ids).count()
    alerts = Alert.objects.filter(episode_id__in=ids, state=AlertState.OPEN).count()
    return (
        f"{len(ids)} episodes, {held} held + {planned} planned sessions, {responses} responses, "
        f"{alerts} open alerts"
    )


def _timed(runs: int, call: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def bench_dashboard(big: Caseload, small: Caseload, runs: int = 30) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("therapist-home")
    queries = {}
    for caseload in (big, small):
        http = Client()
        http.force_login(caseload.therapist)
        assert http.get(url).status_code == 200  # warm: session, content types, templates

        def get(http: Client = http) -> None:
            response = http.get(url)
            assert response.status_code == 200

        times = _timed(runs, get)
        with CaptureQueriesContext(connection) as captured:
            get()
        n = len(caseload.episodes)
        queries[n] = len(captured)
        print(
            f"therapist dashboard, {n} clients ({_counts(caseload)}): {_summary(times)}, "
            f"{queries[n]} SQL queries"
        )
    sizes = sorted(queries)
    print(
        "therapist dashboard queries: "
        + " vs ".join(f"{queries[size]} for {size} clients" for size in reversed(sizes))
        + (" (constant)" if len(set(queries.values())) == 1 else " (GROWS with the caseload)")
    )


def bench_evaluate(episode_pk: int, runs: int = 50, cold_runs: int = 20) -> None:
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from alliance.alerts.monitoring import evaluate_episode
    from alliance.care.models import Episode
    from alliance.measures.models import Response

    now = timezone.now()
    n_responses = Response.objects.filter(episode_id=episode_pk).count()
    clinic_id = Episode.objects.values_list("clinic_id", flat=True).get(pk=episode_pk)
    n_clinic = Response.objects.filter(episode__clinic_id=clinic_id, instrument="phq-9").count()

    def once(cold: bool) -> tuple[float, int, int]:
        episode = Episode.objects.get(pk=episode_pk)  # as the hook gets it: clinic not loaded
        if cold:
            cache.clear()  # the clinic history is cached
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = evaluate_episode(episode, now=now)
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)  # the alerts it raised, and their audit events
        return elapsed, len(result.raised), len(captured)

    once(cold=False)  # fills the clinic-history cache
    warm = [once(cold=False) for _ in range(runs)]
    cold = [once(cold=True) for _ in range(cold_runs)]
    raised = warm[-1][1]
    print(
        f"evaluate_episode ({n_responses} responses of the episode, {WEEKS} held sessions; "
        f"raises {raised} alerts each run, rolled back; queries include savepoints and audit "
        f"writes): history cached "
        f"{_summary([t for t, _, _ in warm])}, {warm[-1][2]} queries; "
        f"cache cold ({n_clinic} clinic PHQ-9s) {_summary([t for t, _, _ in cold])}, "
        f"{cold[-1][2]} queries"
    )


def bench_extend(episode_pk: int, runs: int = 30) -> None:
    from django.db import transaction
    from django.utils import timezone

    from alliance.accounts.actions import scheduler_actor
    from alliance.care.actions.frames import do_extend_sessions
    from alliance.care.models import Episode, Session, SessionStatus

    today = timezone.localdate()
    actor = scheduler_actor()
    times, created = [], []
    for _ in range(runs):
        future = Session.objects.filter(
            episode_id=episode_pk, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
        )
        future.delete()
        episode = Episode.objects.get(pk=episode_pk)
        start = time.perf_counter()
        with transaction.atomic():
            planned = do_extend_sessions(actor, episodes=[episode], today=today)
        times.append(time.perf_counter() - start)
        assert not planned.clashes
        created.append(future.count())
    made = f"{min(created)}" if min(created) == max(created) else f"{min(created)}-{max(created)}"
    print(
        f"do_extend_sessions, one episode from empty to the 8-week horizon ({made} sessions "
        f"created in one insert, checked by the database against double booking): {_summary(times)}"
    )


def bench_submit(episode_pk: int, runs: int = 30) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from alliance.alerts.models import Alert
    from alliance.care.models import Episode
    from alliance.measures.actions import do_submit_response
    from alliance.measures.models import Response

    episode = Episode.objects.select_related("client").get(pk=episode_pk)
    before = Response.objects.filter(episode=episode).count()
    alerts_before = Alert.objects.filter(episode=episode).count()
    now = timezone.now()
    times, queries = [], []
    for k in range(runs):
        session = WEEKS + 1 + k
        answers = _checkin(14 - k % 2)  # steady: the rules run, nothing fires
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            do_submit_response(
                episode.client,
                instrument_id="alliance-checkin-client",
                answers=answers,
                client=episode.client,
                episode=episode,
                submission_key=f"bench-monitoring-{episode_pk}-{session}",
                session_number=session,
                administered_at=now - dt.timedelta(minutes=runs - k),
            )
        times.append(time.perf_counter() - start)
        queries.append(len(captured))
    raised = Alert.objects.filter(episode=episode).count() - alerts_before
    print(
        f"check-in submit with monitoring (client Alliance Check-in, episode with {before}-"
        f"{before + runs - 1} responses; response + evaluate_episode + audit, one transaction; "
        f"{raised} alerts raised): {_summary(times)}, {statistics.median(queries):.0f} queries"
    )


def run() -> None:
    from django.apps import apps

    if not apps.ready:  # run on its own: the throw-away database __main__ would have made
        from benchmarks.__main__ import _setup

        _setup()
    from django.core.cache import cache
    from django.db import transaction

    from tests.factories import make_clinic

    start = time.perf_counter()
    clinic = make_clinic(name="Monitoring bench clinic", slug="monitoring-bench")
    with transaction.atomic():
        big = build_caseload(clinic, 60, "sixty")
        small = build_caseload(clinic, 5, "five")
    cache.clear()
    print(f"monitoring: caseloads of 60 and 5 clients built in {time.perf_counter() - start:.1f} s")
    bench_dashboard(big, small)
    bench_evaluate(big.episodes[0].pk)
    bench_extend(big.episodes[3].pk)
    bench_submit(big.episodes[4].pk)


if __name__ == "__main__":
    run()
