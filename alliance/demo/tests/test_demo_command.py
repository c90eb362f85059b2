"""`alliance demo --no-serve`: loads the seeded demo clinic once, prints the log-ins, audits it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import QuerySet

from alliance.accounts.actions import SCHEDULER_EMAIL
from alliance.accounts.models import ClientProfile, Clinic, FormatPreference, Role, User
from alliance.audit.models import AuditEvent
from alliance.audit.trail import verify_chain
from alliance.core import vocabulary
from alliance.demo.actions import DEMO_PASSWORD, demo_settings
from alliance.demo.generator import DemoClinic, generate_clinic
from alliance.demo.tests.demo_data import LoadedDemo
from alliance.directory.models import StandingSlot, TherapistProfile

pytestmark = pytest.mark.slow


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "clinics": Clinic.objects.count(),
        "users": people().count(),
        "therapist_profiles": TherapistProfile.objects.count(),
        "client_profiles": ClientProfile.objects.count(),
        "slots": StandingSlot.objects.count(),
        "exclusions": ClientProfile.excluded_therapists.through.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def people() -> QuerySet[User]:
    """Every account but the scheduler's, which the demo's planning run makes for itself."""
    return User.objects.exclude(email=SCHEDULER_EMAIL)


def n_people(demo: DemoClinic) -> int:
    return len(demo.staff) + len(demo.therapists) + len(demo.clients)


def emails(demo: DemoClinic) -> set[str]:
    return (
        {p.email for p in demo.staff}
        | {p.email for p in demo.therapists}
        | {p.email for p in demo.clients}
    )


def assert_logins_printed(output: str, demo: DemoClinic) -> None:
    assert DEMO_PASSWORD in output
    printed = dict(line.split() for line in output.splitlines() if line.startswith("  "))
    assert set(printed) == {"staff", "therapist", "client", "waiting"}
    assert printed["staff"] == demo.staff[0].email
    for role, email in printed.items():
        assert email in emails(demo)
        assert User.objects.get(email=email).role == ("client" if role == "waiting" else role)


def test_demo_loads_once_and_prints_the_log_ins_each_time(loaded_demo: LoadedDemo) -> None:
    demo = generate_clinic(demo_settings())

    first = loaded_demo.output  # the first run, on an empty database
    after_first = counts()
    second = run_demo()

    assert counts() == after_first
    assert after_first["users"] == n_people(demo)
    assert after_first["therapist_profiles"] == len(demo.therapists)
    assert after_first["client_profiles"] == len(demo.clients)
    assert after_first["slots"] == sum(len(t.slots) for t in demo.therapists)
    assert "loaded: added" in first
    assert "already loaded" in second
    assert_logins_printed(first, demo)
    assert_logins_printed(second, demo)


def test_every_person_added_is_audited_and_the_chain_is_intact(loaded_demo: LoadedDemo) -> None:
    demo = generate_clinic(demo_settings())

    run_demo()  # the second run, after the first that loaded the clinic

    report = verify_chain()
    assert report.ok, report.reason
    # The clinic and each person once; one event each for the bulk-loaded session history and
    # waitlist; the rest are real actions (frame offers, alerts, a fit review …), each audited.
    for action, n in [
        ("clinics.clinic.created", 1),
        ("demo.history.loaded", 1),
        ("demo.waitlist.loaded", 1),
    ]:
        assert AuditEvent.objects.filter(action=action).count() == n, action
    assert AuditEvent.objects.filter(action="care.frame.proposed").exists()
    created = AuditEvent.objects.filter(action="accounts.user.created")
    assert created.count() == n_people(demo)
    assert set(created.values_list("actor", flat=True)) == {None}


def test_demo_people_can_log_in_with_the_printed_password(loaded_demo: LoadedDemo) -> None:
    demo = generate_clinic(demo_settings())

    for email, role in [
        (demo.staff[0].email, Role.STAFF),
        (demo.therapists[0].email, Role.THERAPIST),
        (demo.clients[0].email, Role.CLIENT),
    ]:
        person = User.objects.get(email=email)
        assert person.role == role
        assert person.is_active
        assert person.check_password(DEMO_PASSWORD)


def _subset(values: list[str], vocabulary_codes: dict[str, str]) -> bool:
    return set(values) <= set(vocabulary_codes)


def test_demo_profiles_use_vocabulary_codes_and_therapists_have_slots(
    loaded_demo: LoadedDemo,
) -> None:
    demo = generate_clinic(demo_settings())

    therapists = TherapistProfile.objects.prefetch_related("slots")
    assert therapists.count() == len(demo.therapists)
    for profile in therapists:
        assert profile.slots.count() >= 1
        assert profile.profession in vocabulary.PROFESSIONS
        assert profile.gender in vocabulary.GENDERS
        assert profile.approaches and _subset(profile.approaches, vocabulary.APPROACHES)
        assert profile.styles and _subset(profile.styles, vocabulary.ALLIANCE_STYLES)
        assert profile.concerns and _subset(profile.concerns, vocabulary.CONCERNS)
        assert profile.languages and _subset(profile.languages, vocabulary.LANGUAGES)
        assert profile.formats and _subset(profile.formats, vocabulary.FORMATS)
    for client in ClientProfile.objects.prefetch_related("excluded_therapists"):
        assert client.gender in vocabulary.GENDERS
        assert client.concerns and _subset(client.concerns, vocabulary.CONCERNS)
        assert client.languages and _subset(client.languages, vocabulary.LANGUAGES)
        assert _subset(client.preferred_styles, vocabulary.ALLIANCE_STYLES)
        assert _subset(client.preferred_professions, vocabulary.PROFESSIONS)
        assert client.therapist_gender_preference in {"", *vocabulary.GENDERS}
        assert client.format_preference in FormatPreference.values
        assert all(t.role == Role.THERAPIST for t in client.excluded_therapists.all())


@pytest.mark.django_db
def test_another_seed_loads_other_people() -> None:
    default = generate_clinic(demo_settings())
    other = generate_clinic(demo_settings(seed=11))

    output = run_demo("--seed", "11")

    loaded = set(people().values_list("email", flat=True))
    assert loaded == emails(other)
    assert loaded != emails(default)
    assert_logins_printed(output, other)
    assert default.staff[0].email not in output
