"""A seeded, deterministic demo clinic: staff, a therapist roster and clients looking for help.

Pure Python: no Django, no I/O, no clock. The same :class:`DemoSettings` always give the same
:class:`DemoClinic`, on any machine and Python 3 version.

Every person is drawn from their own ``random.Random`` derived from ``(seed, part, index)`` (see
:func:`_rng`), so adding a new part, or changing one part's count, never shifts what the other
parts generate. See docs/demo.md.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from alliance.core.vocabulary import (
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    LANGUAGES,
    PROFESSIONS,
)
from alliance.demo.generator import names

_K = TypeVar("_K", bound=Hashable)
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


@dataclass(frozen=True)
class DemoSettings:
    """What to generate. ``n_therapists`` is at least the number of professions (5)."""

    seed: int = 7
    n_therapists: int = 24
    n_clients: int = 150
    n_staff: int = 2
    clinic_name: str = "Riverside Therapy Club"
    clinic_slug: str = "riverside"
    email_domain: str = "demo.alliance.test"
    cities: tuple[str, ...] = ("Bengaluru", "Mumbai", "Delhi", "Pune", "Chennai", "Kolkata")
    time_zone: str = "Asia/Kolkata"
    currency: str = "INR"

    def __post_init__(self) -> None:
        if self.n_therapists < len(PROFESSIONS):
            raise ValueError(f"n_therapists must be at least {len(PROFESSIONS)}")
        if self.n_clients < 0 or self.n_staff < 0:
            raise ValueError("n_clients and n_staff must not be negative")
        if not self.cities or not all(city.strip() for city in self.cities):
            raise ValueError("cities must name at least one city")
        if not self.clinic_name.strip() or not _SLUG_RE.match(self.clinic_slug):
            raise ValueError("clinic_name must be set and clinic_slug must be a lower-case slug")
        if not _DOMAIN_RE.match(self.email_domain):
            raise ValueError("email_domain must be a lower-case domain such as example.test")


@dataclass(frozen=True)
class Slot:
    """A standing weekly slot: ``weekday`` 0 = Monday … 6 = Sunday, ``start`` "HH:MM"."""

    weekday: int
    start: str
    minutes: int


@dataclass(frozen=True)
class TimeWindow:
    """When a client can make it each week; ``end`` is later than ``start`` on the same day."""

    weekday: int
    start: str
    end: str


@dataclass(frozen=True)
class DemoStaff:
    key: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class DemoTherapist:
    key: str
    first_name: str
    last_name: str
    email: str
    gender: str
    profession: str
    credentials: str
    years_experience: int
    approaches: tuple[str, ...]
    styles: tuple[str, ...]
    concerns: tuple[str, ...]
    languages: tuple[str, ...]
    formats: tuple[str, ...]
    city: str
    time_zone: str
    fee: int
    sliding_scale_min: int | None
    capacity: int
    accepting: bool
    slots: tuple[Slot, ...]
    bio: str


@dataclass(frozen=True)
class DemoClient:
    key: str
    first_name: str
    last_name: str
    email: str
    gender: str
    birth_year: int
    city: str
    time_zone: str
    languages: tuple[str, ...]
    concerns: tuple[str, ...]
    format_preference: str
    max_fee: int
    preferred_styles: tuple[str, ...]
    preferred_professions: tuple[str, ...]
    therapist_gender_preference: str
    available_times: tuple[TimeWindow, ...]
    excluded_therapists: tuple[str, ...]


@dataclass(frozen=True)
class DemoClinic:
    name: str
    slug: str
    settings: DemoSettings
    staff: tuple[DemoStaff, ...]
    therapists: tuple[DemoTherapist, ...]
    clients: tuple[DemoClient, ...]


_Person = TypeVar("_Person", DemoStaff, DemoTherapist, DemoClient)

# Distributions. Loosely modelled on an urban Indian practice; they only need to look plausible.
_THERAPIST_GENDERS: dict[str, float] = {"female": 60, "male": 33, "non_binary": 7}
_CLIENT_GENDERS: dict[str, float] = {"female": 55, "male": 38, "non_binary": 7}
_PROFESSION_WEIGHTS: dict[str, float] = {
    "clinical_psychologist": 30,
    "counselling_psychologist": 25,
    "psychiatrist": 10,
    "psychotherapist": 15,
    "counsellor": 20,
}
_FEE_RANGES: dict[str, tuple[int, int]] = {  # whole currency units per session (INR)
    "clinical_psychologist": (1500, 3500),
    "counselling_psychologist": (1200, 2800),
    "psychiatrist": (2000, 4000),
    "psychotherapist": (1500, 3200),
    "counsellor": (1000, 2200),
}
_FORMAT_CHOICES: dict[tuple[str, ...], float] = {
    ("online", "in_person"): 40,
    ("online",): 35,
    ("in_person",): 25,
}
_CLIENT_FORMATS: dict[str, float] = {"either": 45, "online": 35, "in_person": 20}
_CONCERN_WEIGHTS: dict[str, float] = dict.fromkeys(CONCERNS, 1.0) | {
    "anxiety": 5,
    "depression": 4,
    "stress": 4,
    "relationships": 3,
    "work": 2,
    "family": 2,
    "self_esteem": 2,
}
_SLOT_WEEKDAYS: dict[int, float] = {0: 10, 1: 10, 2: 10, 3: 10, 4: 9, 5: 6, 6: 1}
_SLOT_MINUTES = (45, 50, 60)
_DAY_OPENS, _DAY_CLOSES = 8 * 60, 21 * 60  # therapists see clients 08:00-21:00
_CLIENT_WINDOWS: dict[tuple[str, str], float] = {
    ("07:00", "10:00"): 2,
    ("09:00", "13:00"): 2,
    ("12:00", "15:00"): 2,
    ("14:00", "18:00"): 2,
    ("17:00", "21:00"): 5,
    ("18:00", "21:30"): 4,
    ("10:00", "18:00"): 1,
}
_CLIENT_GENDER_PREFERENCE: dict[str, float] = {"": 60, "female": 30, "male": 8, "non_binary": 2}


def generate_clinic(settings: DemoSettings | None = None) -> DemoClinic:
    """Generate the demo clinic for ``settings`` (defaults: seed 7, 24 therapists, 150 clients).

    Deterministic: equal settings give equal clinics. Emails are unique across everyone; when two
    people share a name the later one gets a number suffix, claimed in the order therapists,
    clients, staff.
    """
    settings = settings or DemoSettings()
    taken: set[str] = set()
    therapists = _unique_emails(_make_therapists(settings), taken)
    keys = tuple(t.key for t in therapists)
    clients = _unique_emails(_make_clients(settings, keys), taken)
    staff = _unique_emails(_make_staff_members(settings), taken)
    return DemoClinic(
        name=settings.clinic_name,
        slug=settings.clinic_slug,
        settings=settings,
        staff=staff,
        therapists=therapists,
        clients=clients,
    )


# --- randomness helpers -------------------------------------------------------------------


def _rng(seed: int, part: str, index: int | None = None) -> random.Random:
    # A str seed is hashed with SHA-512 (random.seed version 2), so it is stable across runs,
    # platforms and PYTHONHASHSEED.
    label = f"{seed}:{part}" if index is None else f"{seed}:{part}:{index}"
    return random.Random(label)


def _pick(rng: random.Random, weights: Mapping[_K, float]) -> _K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pick_some(rng: random.Random, weights: Mapping[_K, float], k: int) -> list[_K]:
    """Up to ``k`` distinct keys, drawn by weight without replacement."""
    left = dict(weights)
    chosen: list[_K] = []
    while left and len(chosen) < k:
        key = _pick(rng, left)
        chosen.append(key)
        del left[key]
    return chosen


def _uniform(codes: Sequence[str]) -> dict[str, float]:
    return dict.fromkeys(codes, 1.0)


def _ordered(codes: Sequence[str], vocabulary: Mapping[str, str]) -> tuple[str, ...]:
    """The distinct ``codes`` in the order the vocabulary lists them."""
    return tuple(code for code in vocabulary if code in set(codes))


def _covering(seed: int, part: str, pool: Sequence[str], index: int) -> str | None:
    """The pool member that person ``index`` must have so the first ``len(pool)`` cover it."""
    order = _rng(seed, f"{part}:coverage").sample(list(pool), len(pool))
    return order[index] if index < len(order) else None


# --- people --------------------------------------------------------------------------------


def _make_name(rng: random.Random, gender: str) -> tuple[str, str, str]:
    """``(first_name, last_name, group)`` from one name group, fitting ``gender``."""
    group = _pick(rng, names.GROUP_WEIGHTS)
    given = names.FIRST_NAMES[group]
    if gender == "non_binary" and rng.random() < 0.3:
        first = rng.choice(given["female"] + given["male"])
    else:
        first = rng.choice(given[gender])
    return first, rng.choice(names.LAST_NAMES[group]), group


def _email(first: str, last: str, domain: str) -> str:
    """``first.last@domain`` in plain lower-case ASCII (accents dropped)."""
    parts = []
    for name in (first, last):
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        parts.append(re.sub(r"[^a-z0-9]", "", ascii_name.lower()))
    return f"{'.'.join(parts)}@{domain}"


def _claim_email(email: str, taken: set[str]) -> str:
    local, domain = email.split("@")
    candidate, n = email, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate)
    return candidate


def _unique_emails(people: Sequence[_Person], taken: set[str]) -> tuple[_Person, ...]:
    return tuple(replace(p, email=_claim_email(p.email, taken)) for p in people)


def _make_languages(rng: random.Random, group: str, city: str, english: float) -> tuple[str, ...]:
    """English with probability ``english``, plus the group's and sometimes the city's language."""
    codes = ["en"] if rng.random() < english else []
    own = names.GROUP_LANGUAGES[group]
    if own:
        codes.append(own[0])
        if len(own) > 1 and rng.random() < 0.5:
            codes.append(own[1])
    local = names.CITY_LANGUAGES.get(city, ())
    if local and (rng.random() < 0.25 or not codes):
        codes.append(rng.choice(local))
    return _ordered(codes or ["en"], LANGUAGES)


def _make_staff_members(settings: DemoSettings) -> tuple[DemoStaff, ...]:
    return tuple(
        _make_staff(_rng(settings.seed, "staff", i), i, settings) for i in range(settings.n_staff)
    )


def _make_staff(rng: random.Random, index: int, settings: DemoSettings) -> DemoStaff:
    """One clinic staff member (reception, clinic manager); ``index`` from 0."""
    first, last, _ = _make_name(rng, _pick(rng, _CLIENT_GENDERS))
    return DemoStaff(
        key=f"s{index + 1}",
        first_name=first,
        last_name=last,
        email=_email(first, last, settings.email_domain),
    )


# --- therapists ----------------------------------------------------------------------------


def _make_therapists(settings: DemoSettings) -> tuple[DemoTherapist, ...]:
    return tuple(
        _make_therapist(_rng(settings.seed, "therapists", i), i, settings)
        for i in range(settings.n_therapists)
    )


def _make_therapist(rng: random.Random, index: int, settings: DemoSettings) -> DemoTherapist:
    """Therapist ``index`` (from 0). The first five cover every profession and every style."""
    gender = _pick(rng, _THERAPIST_GENDERS)
    first, last, group = _make_name(rng, gender)
    profession = _covering(settings.seed, "professions", list(PROFESSIONS), index)
    profession = profession or _pick(rng, _PROFESSION_WEIGHTS)
    years = rng.randint(3 if profession == "psychiatrist" else 1, 30)
    city = rng.choice(settings.cities)
    fee = _make_fee(rng, profession, years)
    capacity = 0 if rng.random() < 0.15 else rng.randint(1, 6)
    therapist = DemoTherapist(
        key=f"t{index + 1:02d}",
        first_name=first,
        last_name=last,
        email=_email(first, last, settings.email_domain),
        gender=gender,
        profession=profession,
        credentials=rng.choice(names.CREDENTIALS[profession]),
        years_experience=years,
        approaches=_make_approaches(rng, profession),
        styles=_make_styles(rng, index, settings),
        concerns=_ordered(_pick_some(rng, _CONCERN_WEIGHTS, rng.randint(3, 7)), CONCERNS),
        languages=_make_languages(rng, group, city, english=0.9),
        formats=_pick(rng, _FORMAT_CHOICES),
        city=city,
        time_zone=settings.time_zone,
        fee=fee,
        sliding_scale_min=_make_sliding_scale(rng, fee),
        capacity=capacity,
        accepting=capacity > 0 and rng.random() < 0.9,
        slots=_make_slots(rng),
        bio="",
    )
    return replace(therapist, bio=_therapist_bio(therapist))


def _make_approaches(rng: random.Random, profession: str) -> tuple[str, ...]:
    """1-3 APPROACHES codes; psychiatrists always, and only they, offer "medication"."""
    pool = _uniform(names.PROFESSION_APPROACHES[profession])
    if profession == "psychiatrist":
        return _ordered(["medication", *_pick_some(rng, pool, rng.randint(0, 2))], APPROACHES)
    return _ordered(_pick_some(rng, pool, rng.randint(1, 3)), APPROACHES)


def _make_styles(rng: random.Random, index: int, settings: DemoSettings) -> tuple[str, ...]:
    """1-3 ALLIANCE_STYLES codes; the first five therapists between them cover all five."""
    covered = _covering(settings.seed, "styles", list(ALLIANCE_STYLES), index)
    picked = _pick_some(rng, _uniform(list(ALLIANCE_STYLES)), rng.randint(1, 3))
    if covered is not None and covered not in picked:
        picked[0] = covered
    return _ordered(picked, ALLIANCE_STYLES)


def _make_fee(rng: random.Random, profession: str, years: int) -> int:
    """Fee per session, rounded to 100: the profession's range, nudged up by experience."""
    low, high = _FEE_RANGES[profession]
    share = min(1.0, 0.6 * rng.random() + years / 60)
    return round((low + share * (high - low)) / 100) * 100


def _make_sliding_scale(rng: random.Random, fee: int) -> int | None:
    """About a third offer a reduced fee of 40-70 % of the full fee, rounded down to 100."""
    if rng.random() >= 0.35:
        return None
    return max(100, int(fee * rng.uniform(0.4, 0.7)) // 100 * 100)


def _make_slots(rng: random.Random) -> tuple[Slot, ...]:
    """2-8 standing weekly slots in back-to-back blocks on 1-4 days, 08:00-21:00, no overlaps."""
    minutes = rng.choice(_SLOT_MINUTES)
    step = -(-(minutes + 10) // 30) * 30  # a break after each session, starts on the half hour
    n_slots = rng.randint(2, 8)
    days = sorted(_pick_some(rng, _SLOT_WEEKDAYS, rng.randint(-(-n_slots // 3), min(4, n_slots))))
    per_day = [1] * len(days)
    for _ in range(n_slots - len(days)):
        per_day[rng.randrange(len(days))] += 1
    slots: list[Slot] = []
    for weekday, count in zip(days, per_day, strict=True):
        latest = _DAY_CLOSES - (count - 1) * step - minutes
        first = rng.randrange(_DAY_OPENS, latest + 1, 30)
        slots += [Slot(weekday, _hhmm(first + i * step), minutes) for i in range(count)]
    return tuple(slots)


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _therapist_bio(t: DemoTherapist) -> str:
    """Two plain sentences built from the therapist's own fields."""
    role = PROFESSIONS[t.profession].lower()
    years = "1 year" if t.years_experience == 1 else f"{t.years_experience} years"
    focus = " as well as ".join(CONCERNS[c].lower() for c in t.concerns[:2])
    places: dict[tuple[str, ...], str] = {
        ("online",): "online",
        ("in_person",): f"in person in {t.city}",
    }
    where = places.get(t.formats, f"online or in person in {t.city}")
    style = ALLIANCE_STYLES[t.styles[0]].lower()
    return (
        f"{t.first_name} is a {role} with {years} of practice, working mostly with {focus}. "
        f"Sessions are in {_join([LANGUAGES[c] for c in t.languages])}, {where}, "
        f"with a {style} way of working."
    )


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# --- clients -------------------------------------------------------------------------------


def _make_clients(settings: DemoSettings, therapist_keys: Sequence[str]) -> tuple[DemoClient, ...]:
    return tuple(
        _make_client(_rng(settings.seed, "clients", i), i, settings, therapist_keys)
        for i in range(settings.n_clients)
    )


def _make_client(
    rng: random.Random, index: int, settings: DemoSettings, therapist_keys: Sequence[str]
) -> DemoClient:
    """Client ``index`` (from 0): an adult looking for a therapist, with their preferences."""
    gender = _pick(rng, _CLIENT_GENDERS)
    first, last, group = _make_name(rng, gender)
    city = rng.choice(settings.cities)
    return DemoClient(
        key=f"c{index + 1:03d}",
        first_name=first,
        last_name=last,
        email=_email(first, last, settings.email_domain),
        gender=gender,
        birth_year=int(rng.triangular(1955, 2006, 1995)),
        city=city,
        time_zone=settings.time_zone,
        languages=_make_languages(rng, group, city, english=0.85),
        concerns=_ordered(_pick_some(rng, _CONCERN_WEIGHTS, rng.randint(1, 3)), CONCERNS),
        format_preference=_pick(rng, _CLIENT_FORMATS),
        max_fee=round(rng.triangular(800, 4000, 2000) / 100) * 100,
        preferred_styles=_ordered(
            _pick_some(rng, _uniform(list(ALLIANCE_STYLES)), rng.randint(0, 2)), ALLIANCE_STYLES
        ),
        preferred_professions=_ordered(
            _pick_some(rng, _uniform(list(PROFESSIONS)), rng.choice((0, 0, 1, 2))), PROFESSIONS
        ),
        therapist_gender_preference=_pick(rng, _CLIENT_GENDER_PREFERENCE),
        available_times=_make_windows(rng),
        excluded_therapists=_make_exclusions(rng, therapist_keys),
    )


def _make_windows(rng: random.Random) -> tuple[TimeWindow, ...]:
    """1-4 weekly windows on different days; evenings are the most common."""
    days = sorted(rng.sample(range(7), rng.randint(1, 4)))
    return tuple(TimeWindow(day, *_pick(rng, _CLIENT_WINDOWS)) for day in days)


def _make_exclusions(rng: random.Random, therapist_keys: Sequence[str]) -> tuple[str, ...]:
    """About one client in twenty knows a therapist personally and must not be matched with them."""
    if therapist_keys and rng.random() < 0.05:
        return (rng.choice(therapist_keys),)
    return ()


__all__ = [
    "DemoClient",
    "DemoClinic",
    "DemoSettings",
    "DemoStaff",
    "DemoTherapist",
    "Slot",
    "TimeWindow",
    "generate_clinic",
]
