"""Tests for the demo-clinic generator: determinism, counts, vocabulary and invariants."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from dataclasses import astuple
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
)
from alliance.demo.generator import (
    DemoClient,
    DemoClinic,
    DemoSettings,
    DemoStaff,
    DemoTherapist,
    Slot,
    TimeWindow,
    generate_clinic,
)

ROOT = Path(__file__).resolve().parents[4]
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@pytest.fixture(scope="module")
def clinic() -> DemoClinic:
    return generate_clinic()


def _minutes(hhmm: str) -> int:
    assert HHMM.match(hhmm), hhmm
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _all_emails(c: DemoClinic) -> list[str]:
    people: list[DemoStaff | DemoTherapist | DemoClient] = [*c.staff, *c.therapists, *c.clients]
    return [p.email for p in people]


# --- checks shared by the example tests and the hypothesis test -------------------------------


def check_therapist(t: DemoTherapist, s: DemoSettings) -> None:
    assert t.gender in GENDERS
    assert t.profession in PROFESSIONS
    assert 1 <= len(t.approaches) <= 3
    assert set(t.approaches) <= set(APPROACHES)
    assert ("medication" in t.approaches) == (t.profession == "psychiatrist")
    assert 1 <= len(t.styles) <= 3
    assert set(t.styles) <= set(ALLIANCE_STYLES)
    assert 3 <= len(t.concerns) <= 7
    assert set(t.concerns) <= set(CONCERNS)
    assert t.languages
    assert set(t.languages) <= set(LANGUAGES)
    assert t.formats
    assert set(t.formats) <= set(FORMATS)
    for codes in (t.approaches, t.styles, t.concerns, t.languages, t.formats):
        assert len(set(codes)) == len(codes)
    assert t.city in s.cities
    assert t.time_zone == s.time_zone
    assert t.credentials
    assert t.years_experience >= 1
    assert 1000 <= t.fee <= 4000
    assert t.sliding_scale_min is None or 0 < t.sliding_scale_min < t.fee
    assert 0 <= t.capacity <= 6
    assert not (t.accepting and t.capacity == 0)
    check_slots(t.slots)
    assert t.first_name in t.bio
    assert t.bio.endswith(".")
    assert 1 <= t.bio.count(". ") + 1 <= 2


def check_slots(slots: tuple[Slot, ...]) -> None:
    assert 2 <= len(slots) <= 8
    assert list(slots) == sorted(slots, key=lambda slot: (slot.weekday, _minutes(slot.start)))
    for slot in slots:
        assert 0 <= slot.weekday <= 6
        assert slot.minutes in (45, 50, 60)
        assert _minutes(slot.start) + slot.minutes <= 24 * 60
    for earlier, later in itertools.pairwise(slots):
        if earlier.weekday == later.weekday:
            assert _minutes(earlier.start) + earlier.minutes <= _minutes(later.start)


def check_client(c: DemoClient, s: DemoSettings, therapist_keys: set[str]) -> None:
    assert c.gender in GENDERS
    assert 1955 <= c.birth_year <= 2006
    assert c.city in s.cities
    assert c.time_zone == s.time_zone
    assert c.languages
    assert set(c.languages) <= set(LANGUAGES)
    assert 1 <= len(c.concerns) <= 3
    assert set(c.concerns) <= set(CONCERNS)
    assert c.format_preference in ("online", "in_person", "either")
    assert c.max_fee > 0
    assert len(c.preferred_styles) <= 2
    assert set(c.preferred_styles) <= set(ALLIANCE_STYLES)
    assert len(c.preferred_professions) <= 2
    assert set(c.preferred_professions) <= set(PROFESSIONS)
    assert c.therapist_gender_preference in ("", *GENDERS)
    check_windows(c.available_times)
    assert set(c.excluded_therapists) <= therapist_keys


def check_windows(windows: tuple[TimeWindow, ...]) -> None:
    assert 1 <= len(windows) <= 4
    for window in windows:
        assert 0 <= window.weekday <= 6
        assert _minutes(window.start) < _minutes(window.end)


def check_clinic(c: DemoClinic, s: DemoSettings) -> None:
    assert (len(c.staff), len(c.therapists), len(c.clients)) == (
        s.n_staff,
        s.n_therapists,
        s.n_clients,
    )
    emails = _all_emails(c)
    assert len(set(emails)) == len(emails)
    for email in emails:
        assert email == email.lower()
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+\d*@" + re.escape(s.email_domain), email)
    assert {t.profession for t in c.therapists} == set(PROFESSIONS)
    assert {style for t in c.therapists for style in t.styles} == set(ALLIANCE_STYLES)
    keys = {t.key for t in c.therapists}
    assert len(keys) == len(c.therapists)
    for therapist in c.therapists:
        check_therapist(therapist, s)
    for client in c.clients:
        check_client(client, s, keys)


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_identical_clinic(clinic: DemoClinic) -> None:
    assert generate_clinic(DemoSettings()) == clinic
    assert astuple(generate_clinic()) == astuple(clinic)


def test_different_seed_gives_different_clinic(clinic: DemoClinic) -> None:
    other = generate_clinic(DemoSettings(seed=8))
    assert other.therapists != clinic.therapists
    assert other.clients != clinic.clients


def test_does_not_touch_the_global_random_state() -> None:
    random.seed(1234)
    before = random.getstate()
    generate_clinic(DemoSettings(n_clients=5))
    assert random.getstate() == before


@pytest.mark.subprocess
def test_is_stable_across_processes(clinic: DemoClinic) -> None:
    # Seeds must not depend on hash randomisation: another interpreter gives the same roster.
    code = (
        "from alliance.demo.generator import generate_clinic as g; "
        "print([t.email for t in g().therapists])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert out.stdout.strip() == str([t.email for t in clinic.therapists])


@pytest.mark.subprocess
def test_core_demo_imports_no_django() -> None:
    code = (
        "import sys, alliance.demo.generator; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert out.stdout.strip() == "False"


# --- per-part independence --------------------------------------------------------------------


def test_client_count_does_not_change_therapists(clinic: DemoClinic) -> None:
    few = generate_clinic(DemoSettings(n_clients=10))
    assert few.therapists == clinic.therapists
    assert few.clients == clinic.clients[:10]


def test_staff_count_does_not_change_therapists_or_clients(clinic: DemoClinic) -> None:
    more = generate_clinic(DemoSettings(n_staff=5))
    assert more.therapists == clinic.therapists
    assert more.clients == clinic.clients
    assert more.staff[:2] == clinic.staff


def test_more_therapists_keeps_the_first_ones(clinic: DemoClinic) -> None:
    bigger = generate_clinic(DemoSettings(n_therapists=30, n_clients=0))
    assert bigger.therapists[:24] == clinic.therapists


# --- defaults and counts ----------------------------------------------------------------------


def test_defaults_are_big_enough(clinic: DemoClinic) -> None:
    assert len(clinic.therapists) >= 24
    assert len(clinic.clients) >= 150
    assert clinic.name == "Riverside Therapy Club"
    assert clinic.slug == "riverside"
    assert clinic.settings == DemoSettings()


@pytest.mark.parametrize(
    ("n_therapists", "n_clients", "n_staff"), [(5, 0, 0), (7, 3, 1), (40, 9, 4)]
)
def test_counts_are_honoured(n_therapists: int, n_clients: int, n_staff: int) -> None:
    s = DemoSettings(n_therapists=n_therapists, n_clients=n_clients, n_staff=n_staff)
    check_clinic(generate_clinic(s), s)


def test_keys_are_stable_and_padded(clinic: DemoClinic) -> None:
    assert [t.key for t in clinic.therapists[:3]] == ["t01", "t02", "t03"]
    assert clinic.clients[0].key == "c001"
    assert clinic.clients[-1].key == "c150"
    assert [s.key for s in clinic.staff] == ["s1", "s2"]


# --- the default clinic -----------------------------------------------------------------------


def test_default_clinic_holds_all_invariants(clinic: DemoClinic) -> None:
    check_clinic(clinic, DemoSettings())


def test_default_clinic_is_varied(clinic: DemoClinic) -> None:
    therapists, clients = clinic.therapists, clinic.clients
    assert {t.formats for t in therapists} == {("online",), ("in_person",), ("online", "in_person")}
    assert {t.gender for t in therapists} >= {"female", "male"}
    assert any(t.capacity == 0 for t in therapists)
    assert any(not t.accepting for t in therapists)
    assert sum(t.accepting for t in therapists) > len(therapists) / 2
    assert any(t.sliding_scale_min is not None for t in therapists)
    assert sum("en" in t.languages for t in therapists) > len(therapists) / 2
    assert len({lang for t in therapists for lang in t.languages} - {"en", "hi"}) >= 3
    assert len({t.city for t in therapists}) >= 3
    assert 0 < sum(bool(c.excluded_therapists) for c in clients) < len(clients) / 5
    assert {c.format_preference for c in clients} == {"online", "in_person", "either"}
    assert {c.therapist_gender_preference for c in clients} >= {"", "female"}


def test_fees_are_realistic_by_profession(clinic: DemoClinic) -> None:
    by_profession: dict[str, list[int]] = {}
    for t in clinic.therapists:
        by_profession.setdefault(t.profession, []).append(t.fee)
    for fees in by_profession.values():
        assert all(fee % 100 == 0 for fee in fees)
    assert min(by_profession["psychiatrist"]) >= 2000
    assert max(by_profession["counsellor"]) <= 2200


def test_emails_are_deduplicated_with_a_number_suffix() -> None:
    c = generate_clinic(DemoSettings(n_clients=400))
    emails = _all_emails(c)
    suffixed = [e for e in emails if re.search(r"\d@", e)]
    assert suffixed, "400 clients from a finite name list must share some names"
    for email in suffixed:
        base = re.sub(r"\d+@", "@", email)
        assert base in emails


def test_accented_names_become_plain_ascii_emails() -> None:
    c = generate_clinic(DemoSettings(n_clients=400))
    everyone: list[DemoTherapist | DemoClient] = [*c.therapists, *c.clients]
    people = [p for p in everyone if not p.first_name.isascii()]
    assert people
    for person in people:
        assert person.email.isascii()


# --- hypothesis: invariants over seeds and sizes ----------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=-(2**31), max_value=2**31),
    n_therapists=st.integers(min_value=5, max_value=12),
    n_clients=st.integers(min_value=0, max_value=15),
    n_staff=st.integers(min_value=0, max_value=3),
)
def test_invariants_hold_for_any_seed_and_size(
    seed: int, n_therapists: int, n_clients: int, n_staff: int
) -> None:
    s = DemoSettings(seed=seed, n_therapists=n_therapists, n_clients=n_clients, n_staff=n_staff)
    c = generate_clinic(s)
    check_clinic(c, s)
    assert generate_clinic(s) == c


@settings(max_examples=15, deadline=None)
@given(cities=st.lists(st.sampled_from(["Goa", "Mysuru", "Kochi", "Jaipur"]), min_size=1))
def test_custom_cities_are_used(cities: list[str]) -> None:
    s = DemoSettings(n_therapists=6, n_clients=6, cities=tuple(cities))
    check_clinic(generate_clinic(s), s)


# --- settings validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"n_therapists": 4},
        {"n_therapists": 0},
        {"n_therapists": -1},
        {"n_clients": -1},
        {"n_staff": -1},
        {"cities": ()},
        {"cities": ("",)},
        {"clinic_slug": "Riverside Club"},
        {"clinic_name": " "},
        {"email_domain": "not a domain"},
    ],
)
def test_settings_reject_bad_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"must"):
        DemoSettings(**bad)  # type: ignore[arg-type]


def test_settings_accept_the_minimum() -> None:
    s = DemoSettings(n_therapists=5, n_clients=0, n_staff=0)
    assert generate_clinic(s).clients == ()
