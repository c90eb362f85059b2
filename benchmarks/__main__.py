"""Measure what the foundation promises, and print the figures.

- Argon2id log-in cost: time per hash, and the memory a burst of simultaneous log-ins takes;
- audit trail: events written per second, and chain verification speed;
- demo clinic: generation and loading time;
- measures: scoring throughput and check-in submission;
- matching: ranking one intake against 20,000 therapists; assigning 10,000 waiting clients to
  2,000 therapists, checked against an independent LP solver;
- monitoring: the therapist's dashboard for 60 clients (time, queries vs 5 clients), evaluating
  one episode's alerts, planning a frame's sessions, a check-in with its monitoring hook.

Runs against a throw-away SQLite database in a temporary directory.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def _setup() -> None:
    os.environ.setdefault("ALLIANCE_DATA_DIR", tempfile.mkdtemp(prefix="alliance-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_argon2(burst: int = 40) -> None:
    from alliance.accounts.hashers import TunedArgon2PasswordHasher

    hasher = TunedArgon2PasswordHasher()
    hasher.encode("warm up the library", hasher.salt())
    times = []
    for _ in range(20):
        start = time.perf_counter()
        hasher.encode("a long enough passphrase", hasher.salt())
        times.append(time.perf_counter() - start)
    print(f"argon2id m=19 MiB t=2 p=1: median {statistics.median(times) * 1000:.1f} ms per hash")
    before = _rss_mib()
    with ThreadPoolExecutor(max_workers=burst) as pool:
        list(pool.map(lambda _: hasher.encode("burst", hasher.salt()), range(burst)))
    grown = _rss_mib() - before
    print(
        f"argon2id burst of {burst} simultaneous log-ins: peak RSS grew {grown:.0f} MiB "
        f"(bound: {burst} x 19 = {burst * 19} MiB)"
    )


def bench_audit(n_events: int = 2000) -> None:
    from django.db import transaction

    from alliance.audit.trail import record_event, verify_chain

    start = time.perf_counter()
    for index in range(n_events):
        with transaction.atomic():
            record_event("bench.event.written", actor=None, data={"n": index})
    elapsed = time.perf_counter() - start
    print(f"audit: {n_events / elapsed:.0f} events/s written, each in its own transaction")
    start = time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - start
    print(
        f"audit verify: {report.n_checked} events in {elapsed * 1000:.0f} ms "
        f"({report.n_checked / elapsed:.0f} events/s), intact={report.ok}"
    )


def bench_demo() -> None:
    from alliance.demo.actions import do_load_demo_clinic
    from alliance.demo.generator import DemoSettings, generate_clinic

    start = time.perf_counter()
    clinic = generate_clinic(DemoSettings())
    generated = time.perf_counter() - start
    start = time.perf_counter()
    do_load_demo_clinic(clinic)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    do_load_demo_clinic(clinic)
    again = time.perf_counter() - start
    people = len(clinic.staff) + len(clinic.therapists) + len(clinic.clients)
    print(
        f"demo clinic ({people} people): generated in {generated * 1000:.0f} ms, "
        f"loaded in {loaded * 1000:.0f} ms, re-load (no-op) in {again * 1000:.0f} ms"
    )


def bench_scoring(n: int = 20_000) -> None:
    import itertools

    from alliance.core.measures import score_response
    from alliance.measures import registry

    instrument = registry.get_key("phq-9")
    ids = [item.link_id for item in instrument.scored_items]
    vectors = [
        dict(zip(ids, v, strict=True))
        for v in itertools.islice(itertools.product(range(4), repeat=9), n)
    ]
    start = time.perf_counter()
    for answers in vectors:
        score_response(instrument, answers)
    elapsed = time.perf_counter() - start
    print(
        f"scoring: PHQ-9 {n / elapsed:,.0f} responses/s ({elapsed / n * 1e6:.0f} µs each, exact "
        f"fractions)"
    )


def bench_check_in(n: int = 200) -> None:
    import datetime as dt

    from alliance.care.actions.episodes import do_start_episode
    from alliance.measures.actions import do_submit_response
    from tests.factories import make_client, make_clinic, make_therapist

    clinic = make_clinic()
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    episode = do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 1, 1)
    )
    answers = {f"phq9-{k}": 1 for k in range(1, 10)}
    times = []
    for index in range(n):
        start = time.perf_counter()
        do_submit_response(
            client,
            instrument_id="phq-9",
            answers=answers,
            client=client,
            episode=episode,
            submission_key=f"bench-{index}",
        )
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"check-in submit (PHQ-9 with item 9 > 0: response + safety alert + 2 audit events): "
        f"median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(n * 0.95)] * 1000:.1f} ms"
    )


def bench_demo_history() -> None:
    from zoneinfo import ZoneInfo

    from alliance.demo.actions import do_load_demo_history
    from alliance.demo.generator import DemoSettings, generate_clinic, generate_history
    from alliance.measures import registry

    clinic = generate_clinic(DemoSettings())
    instruments = {i: registry.get_key(i) for i in registry.loaded_ids()}
    import datetime as dt

    start = time.perf_counter()
    history = generate_history(clinic, instruments, dt.date(2026, 11, 27))
    generated = time.perf_counter() - start
    start = time.perf_counter()
    counts = do_load_demo_history(clinic, history, tz=ZoneInfo("Asia/Kolkata"))
    loaded = time.perf_counter() - start
    print(
        f"demo history: generated in {generated * 1000:.0f} ms, loaded {counts['responses']:,} "
        f"responses and {counts['alerts']} alerts in {loaded * 1000:.0f} ms"
    )


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )
    _setup()
    bench_argon2()
    bench_audit()
    bench_demo()
    bench_demo_history()
    bench_scoring()
    bench_check_in()
    from benchmarks.matching import bench_rank

    bench_rank()
    from benchmarks.assignment import bench_assign

    bench_assign()
    from benchmarks.monitoring import run as bench_monitoring

    bench_monitoring()


if __name__ == "__main__":
    main()
