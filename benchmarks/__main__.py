"""Measure what the foundation promises, and print the figures.

- Argon2id log-in cost: time per hash, and the memory a burst of simultaneous log-ins takes;
- audit trail: events written per second, and chain verification speed;
- demo clinic: generation and loading time.

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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_argon2(burst: int = 40) -> None:
    from accounts.hashers import TunedArgon2PasswordHasher

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

    from audit.trail import record_event, verify_chain

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
    from config.demo_loader import do_load_demo_clinic
    from core.demo import DemoSettings, generate_clinic

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


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )
    _setup()
    bench_argon2()
    bench_audit()
    bench_demo()


if __name__ == "__main__":
    main()
