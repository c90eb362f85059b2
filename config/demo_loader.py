"""Load a generated demo clinic (core.demo) into the database.

Idempotent: people are keyed by e-mail, so loading the same clinic twice adds nothing. Every
person added is an audited account creation by the system (actor empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import ClientProfile, Clinic, Role, User
from audit.trail import record_event
from core.demo import DemoClient, DemoClinic, DemoTherapist
from directory.models import StandingSlot, TherapistProfile

DEMO_PASSWORD = "try-alliance-demo"  # noqa: S105 - printed for everyone on purpose


@dataclass
class LoadSummary:
    clinic: str
    n_added: dict[str, int] = field(default_factory=dict)
    n_present: int = 0
    sample_logins: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        added = sum(self.n_added.values())
        if not added:
            return f"Demo clinic “{self.clinic}” is already loaded ({self.n_present} people)."
        parts = ", ".join(f"{n} {role}" for role, n in self.n_added.items() if n)
        return f"Demo clinic “{self.clinic}” loaded: added {parts}."


@transaction.atomic
def do_load_demo_clinic(demo: DemoClinic) -> LoadSummary:
    clinic, created = Clinic.objects.get_or_create(slug=demo.slug, defaults={"name": demo.name})
    if created:
        record_event("clinics.clinic.created", actor=None, obj=clinic, data={"source": "demo"})
    existing = set(User.objects.filter(clinic=clinic).values_list("email", flat=True))
    password_hash = make_password(DEMO_PASSWORD)  # one hash: 170 Argon2 runs would take seconds
    summary = LoadSummary(clinic=clinic.name, n_present=len(existing))
    summary.n_added = {"staff": 0, "therapists": 0, "clients": 0}

    def add(email: str, first: str, last: str, role: Role) -> User | None:
        if email in existing:
            return None
        user = User.objects.create(
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            clinic=clinic,
            password=password_hash,
        )
        record_event(
            "accounts.user.created",
            actor=None,
            obj=user,
            data={"role": role.value, "source": "demo"},
        )
        return user

    for staff in demo.staff:
        if add(staff.email, staff.first_name, staff.last_name, Role.STAFF):
            summary.n_added["staff"] += 1
    by_key: dict[str, User] = {}
    for therapist in demo.therapists:
        user = add(therapist.email, therapist.first_name, therapist.last_name, Role.THERAPIST)
        if user:
            _add_therapist_profile(user, therapist)
            summary.n_added["therapists"] += 1
        by_key[therapist.key] = user or User.objects.get(email=therapist.email)
    for client in demo.clients:
        user = add(client.email, client.first_name, client.last_name, Role.CLIENT)
        if user:
            _add_client_profile(user, client, by_key)
            summary.n_added["clients"] += 1
    summary.sample_logins = [
        ("staff", demo.staff[0].email),
        ("therapist", demo.therapists[0].email),
        ("client", demo.clients[0].email),
    ]
    return summary


def _add_therapist_profile(user: User, therapist: DemoTherapist) -> None:
    profile = TherapistProfile.objects.create(
        user=user,
        profession=therapist.profession,
        credentials=therapist.credentials,
        years_experience=therapist.years_experience,
        gender=therapist.gender,
        approaches=list(therapist.approaches),
        styles=list(therapist.styles),
        concerns=list(therapist.concerns),
        languages=list(therapist.languages),
        formats=list(therapist.formats),
        city=therapist.city,
        time_zone=therapist.time_zone,
        fee=therapist.fee,
        sliding_scale_min=therapist.sliding_scale_min,
        capacity=therapist.capacity,
        accepting=therapist.accepting,
        bio=therapist.bio,
    )
    StandingSlot.objects.bulk_create(
        StandingSlot(
            therapist=profile,
            weekday=slot.weekday,
            start=time.fromisoformat(slot.start),
            minutes=slot.minutes,
        )
        for slot in therapist.slots
    )


def _add_client_profile(user: User, client: DemoClient, therapists: dict[str, User]) -> None:
    profile = ClientProfile.objects.create(
        user=user,
        birth_year=client.birth_year,
        gender=client.gender,
        city=client.city,
        time_zone=client.time_zone,
        languages=list(client.languages),
        concerns=list(client.concerns),
        format_preference=client.format_preference,
        max_fee=client.max_fee,
        preferred_styles=list(client.preferred_styles),
        preferred_professions=list(client.preferred_professions),
        therapist_gender_preference=client.therapist_gender_preference,
        available_times=[
            {"weekday": w.weekday, "start": w.start, "end": w.end} for w in client.available_times
        ],
    )
    profile.excluded_therapists.set([therapists[key] for key in client.excluded_therapists])
