"""The demo's loader: put a generated demo clinic (``demo.generator``) into the database.

Idempotent: people are keyed by e-mail and history by client, so loading the same clinic twice
adds nothing. Every person added is an audited account creation by the system (actor empty);
the session history is one audited bulk load, and the weekly sessions ahead are planned by the
real scheduled action, as the scheduler's account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from alliance.accounts.actions import scheduler_actor
from alliance.accounts.models import ClientProfile, Clinic, Role, User
from alliance.alerts.actions import build_safety_alerts
from alliance.alerts.models import Alert, AlertState
from alliance.audit.trail import record_event
from alliance.care.actions.frames import do_extend_sessions
from alliance.care.models import Episode, EpisodeState
from alliance.core.measures import score_response
from alliance.demo import frames as demo_frames
from alliance.demo import goals as demo_goals
from alliance.demo import monitoring as demo_monitoring
from alliance.demo.generator import (
    DemoClient,
    DemoClinic,
    DemoEpisode,
    DemoSettings,
    DemoTherapist,
    HistorySettings,
)
from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.matching.models import Intake, IntakeStatus
from alliance.measures import registry
from alliance.measures.models import Response, score_columns

DEMO_PASSWORD = "try-alliance-demo"  # noqa: S105 - printed for everyone on purpose
# Big enough that most therapists have 15+ measured outcomes per concern (the minimum for
# measured effectiveness in matching), with 30 clients still on the waiting list.
DEMO_CLIENTS = 480
DEMO_MONTHS = 9
DEMO_WAITING = 30


def demo_settings(seed: int = DemoSettings.seed) -> DemoSettings:
    return DemoSettings(seed=seed, n_clients=DEMO_CLIENTS)


def demo_history_settings(seed: int = HistorySettings.seed) -> HistorySettings:
    # Fewer risk answers than the generator's default, so a demo therapist's safety alerts
    # stay readable; every one of them still opens its alert.
    return HistorySettings(seed=seed, months=DEMO_MONTHS, waiting=DEMO_WAITING, risk_item_rate=0.03)


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


@transaction.atomic
def do_load_demo_history(
    demo: DemoClinic, episodes: Sequence[DemoEpisode], *, tz: ZoneInfo
) -> dict[str, int]:
    """Load generated episodes, responses and safety alerts; clients already in therapy are
    skipped, so loading twice adds nothing. One audit event summarises the load."""
    emails = {t.key: t.email for t in demo.therapists} | {c.key: c.email for c in demo.clients}
    users = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    in_therapy = set(
        Episode.objects.filter(client__in=users.values()).values_list("client_id", flat=True)
    )
    slots = {t.key: t.slots for t in demo.therapists}
    today = timezone.now().astimezone(tz).date()
    showcase = _showcase(episodes)
    episodes = demo_frames.with_returner(episodes, skip_client=showcase.client_key)
    returner = demo_frames.returner_client(episodes)
    times = demo_frames.weekly_times(episodes, slots, today)
    counts = {"episodes": 0, "responses": 0, "alerts": 0, "sessions": 0}
    created: list[Episode] = []
    showcase_episode: Episode | None = None
    for demo_episode, start in zip(episodes, times, strict=True):
        client = users[emails[demo_episode.client_key]]
        if client.pk in in_therapy:
            continue
        therapist = users[emails[demo_episode.therapist_key]]
        episode = _create_episode(demo_episode, client, therapist)
        responses = _create_responses(demo_episode, episode, start or time(18), tz)
        special = demo_episode.client_key in (showcase.client_key, returner)
        counts["sessions"] += demo_frames.load_frames_and_sessions(
            episode, demo_episode, start, tz=tz, today=today, plain=special
        )
        if demo_episode.client_key == returner:
            demo_frames.mark_returner(episode, demo_episode, tz)
        if demo_episode.client_key == showcase.client_key:
            demo_frames.showcase_pending_change(episode, today)
            showcase_episode = episode
        created.append(episode)
        counts["episodes"] += 1
        counts["responses"] += len(responses)
        counts["alerts"] += _create_alerts(responses, demo_episode)
    if created:
        demo_frames.transfer_one(created)
        showcase_therapist = users[emails[showcase.therapist_key]]
        demo_frames.move_one_therapist(created, exclude=showcase_therapist)
        # What the scheduler does on its first run: plan every running series to the horizon.
        running = Episode.objects.filter(
            pk__in=[e.pk for e in created], state__in=[EpisodeState.TRIAL, EpisodeState.ACTIVE]
        )
        planned = do_extend_sessions(scheduler_actor(), episodes=running, today=today)
        counts["sessions"] += planned.n_sessions
        counts["goals"] = demo_goals.load_goals(created, tz, showcase=showcase_episode)
        clinic = Clinic.objects.get(slug=demo.slug)
        counts |= demo_monitoring.load_monitoring(clinic, created, skip=showcase_therapist)
    if counts["episodes"]:
        record_event(
            "demo.history.loaded", actor=None, data={f"n_{k}": v for k, v in counts.items()}
        )
    return counts


def _create_episode(demo_episode: DemoEpisode, client: User, therapist: User) -> Episode:
    held = [s.on for s in demo_episode.sessions]
    ended = demo_episode.state == "ended"
    assert client.clinic_id is not None
    return Episode.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=therapist,
        state=EpisodeState.ENDED if ended else EpisodeState.ACTIVE,
        end_reason=demo_episode.end_reason,
        started_on=demo_episode.started_on,
        ended_on=max(held) if ended and held else None,
    )


def _showcase(episodes: Sequence[DemoEpisode]) -> DemoEpisode:
    """The course whose client and therapist the demo log-ins show (see the demo command)."""
    return next(e for e in episodes if e.state == "active" and len(e.sessions) >= 6)


def _create_responses(
    demo_episode: DemoEpisode, episode: Episode, start: time, tz: ZoneInfo
) -> list[Response]:
    rows = []
    for session in demo_episode.sessions:
        # Answered at the end of the session.
        at = datetime.combine(session.on, start, tzinfo=tz) + timedelta(minutes=50)
        for demo_response in session.responses:
            instrument = registry.get_key(demo_response.instrument)
            answers = dict(demo_response.answers)
            score = score_response(instrument, answers)
            respondent = (
                episode.client if demo_response.respondent == "client" else episode.therapist
            )
            rows.append(
                Response(
                    client=episode.client,
                    episode=episode,
                    respondent=respondent,
                    respondent_role=demo_response.respondent,
                    instrument=instrument.id,
                    instrument_version=instrument.version,
                    session_number=session.number,
                    answers=answers,
                    comment=demo_response.comment,
                    **score_columns(score),
                    administered_at=at,
                    created_at=at,
                    submission_key=f"demo:{episode.pk}:{session.number}:{instrument.id}",
                )
            )
    return Response.objects.bulk_create(rows)


def _create_alerts(responses: Sequence[Response], demo_episode: DemoEpisode) -> int:
    """Safety alerts for the demo's risk answers: the latest open, earlier ones acknowledged."""
    alerts = [
        alert
        for response in responses
        if response.critical
        for alert in build_safety_alerts(response, registry.get_key(response.instrument))
    ]
    for alert in alerts[:-1]:
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = alert.created_at + timedelta(hours=20)
        alert.acknowledged_by = alert.therapist
    Alert.objects.bulk_create(alerts)
    return len(alerts)


@transaction.atomic
def do_load_demo_waitlist(demo: DemoClinic) -> int:
    """Clients not in therapy get a submitted intake from their stated preferences."""
    clinic = Clinic.objects.get(slug=demo.slug)
    emails = [c.email for c in demo.clients]
    waiting = (
        User.objects.filter(email__in=emails, clinic=clinic)
        .exclude(episodes_as_client__isnull=False)
        .exclude(intakes__isnull=False)
        .select_related("client_profile")
    )
    intakes = [_intake_from_profile(client, clinic) for client in waiting]
    Intake.objects.bulk_create(intakes)
    if intakes:
        record_event("demo.waitlist.loaded", actor=None, data={"n_intakes": len(intakes)})
    return len(intakes)


def _intake_from_profile(client: User, clinic: Clinic) -> Intake:
    profile = client.client_profile
    now = timezone.now()
    return Intake(
        client=client,
        clinic=clinic,
        status=IntakeStatus.SUBMITTED,
        concerns=profile.concerns,
        languages=profile.languages,
        format=profile.format_preference,
        city=profile.city,
        max_fee=profile.max_fee or 0,
        times=[
            {"weekday": w["weekday"], "from": w["start"], "to": w["end"]}
            for w in profile.available_times
        ],
        styles=profile.preferred_styles,
        professions=profile.preferred_professions,
        therapist_gender=profile.therapist_gender_preference,
        submitted_at=now,
        updated_at=now,
    )
