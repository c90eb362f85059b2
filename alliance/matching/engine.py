"""The matching engine on the database: build core records from a clinic's data, then rank and
assign with ``core.matching`` — the same engine `alliance match` runs on files."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from alliance.accounts.models import Clinic, Role
from alliance.core.matching.ranker import Matcher
from alliance.core.matching.records import Intake as IntakeRecord
from alliance.core.matching.records import Outcome, Slot, Therapist, TimeWindow
from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.matching.models import Intake, SlotBooking
from alliance.measures.models import Response

# Which concern each outcome measure speaks to, for measured effectiveness per concern
# (PHQ-9: depression, Kroenke, Spitzer & Williams 2001; GAD-7: anxiety, Spitzer et al. 2006).
OUTCOME_CONCERNS = {"phq-9": "depression", "gad-7": "anxiety"}


def _free_slots(profile: TherapistProfile) -> tuple[Slot, ...]:
    return tuple(
        Slot(weekday=s.weekday, start=s.start.strftime("%H:%M"), minutes=s.minutes)
        for s in profile.slots.all()
        if not any(b.active for b in s.bookings.all())
    )


def roster_for_clinic(clinic: Clinic) -> tuple[Therapist, ...]:
    """Every active therapist of the clinic with a profile; slots are the free standing slots."""
    slots = StandingSlot.objects.prefetch_related(
        Prefetch("bookings", queryset=SlotBooking.objects.filter(active=True))
    )
    profiles = (
        TherapistProfile.objects.filter(
            user__clinic=clinic, user__is_active=True, user__role=Role.THERAPIST
        )
        .select_related("user")
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("pk")
    )
    return tuple(_therapist(profile) for profile in profiles)


def _therapist(profile: TherapistProfile) -> Therapist:
    free = _free_slots(profile)
    return Therapist(
        id=str(profile.pk),
        profession=profile.profession,
        styles=tuple(profile.styles),
        approaches=tuple(profile.approaches),
        concerns=tuple(profile.concerns),
        languages=tuple(profile.languages),
        formats=tuple(profile.formats),
        city=profile.city,
        fee=float(profile.fee),
        sliding_scale_min=None
        if profile.sliding_scale_min is None
        else float(profile.sliding_scale_min),
        # A gender the therapist chose not to publish is not matched on or mentioned.
        gender=profile.gender if profile.show_gender else "",
        slots=free,
        # Each new client takes a standing slot, so no more places than free slots.
        capacity=min(profile.capacity, len(free)),
        accepting=profile.accepting,
    )


def roster_for_clinic_member(profile: TherapistProfile) -> Therapist:
    """One therapist as a roster record (free slots only)."""
    slots = StandingSlot.objects.prefetch_related(
        Prefetch("bookings", queryset=SlotBooking.objects.filter(active=True))
    )
    fresh = TherapistProfile.objects.prefetch_related(Prefetch("slots", queryset=slots)).get(
        pk=profile.pk
    )
    return _therapist(fresh)


def outcomes_for_clinic(clinic: Clinic) -> tuple[Outcome, ...]:
    """First and latest PHQ-9 / GAD-7 of each episode with at least two: one outcome each."""
    rows = (
        Response.objects.filter(
            episode__clinic=clinic,
            instrument__in=OUTCOME_CONCERNS,
            respondent_role="client",
            superseded_by__isnull=True,
        )
        .order_by("administered_at", "pk")
        .values_list("episode_id", "episode__therapist__therapist_profile", "instrument", "total")
    )
    series: dict[tuple[int, int, str], list[float]] = defaultdict(list)
    for episode_id, profile_id, instrument, total in rows:
        if profile_id is not None:
            series[(episode_id, profile_id, instrument)].append(total)
    return tuple(
        Outcome(
            therapist=str(profile_id),
            concern=OUTCOME_CONCERNS[instrument],
            instrument=instrument,
            before=totals[0],
            after=totals[-1],
        )
        for (_episode, profile_id, instrument), totals in sorted(series.items())
        if len(totals) >= 2
    )


def intake_record(intake: Intake) -> IntakeRecord:
    excluded_users = set(intake.exclude.values_list("pk", flat=True))
    profile = getattr(intake.client, "client_profile", None)
    if profile is not None:
        excluded_users |= set(profile.excluded_therapists.values_list("pk", flat=True))
    if intake.rematch_from is not None:
        # A re-match looks for a different fit: never the therapist the client is leaving.
        excluded_users.add(intake.rematch_from.therapist_id)
    excluded = TherapistProfile.objects.filter(user__in=excluded_users).values_list("pk", flat=True)
    return IntakeRecord(
        id=str(intake.pk),
        concerns=tuple(intake.concerns),
        languages=tuple(intake.languages),
        format=intake.format,
        city=intake.city,
        max_fee=float(intake.max_fee),
        times=tuple(
            TimeWindow(weekday=w["weekday"], start=w["from"], end=w["to"]) for w in intake.times
        ),
        styles=tuple(intake.styles),
        professions=tuple(intake.professions),
        therapist_gender=intake.therapist_gender or None,
        exclude=tuple(str(pk) for pk in sorted(excluded)),
        phq9=int(intake.phq9.total) if intake.phq9 else None,
        gad7=int(intake.gad7.total) if intake.gad7 else None,
    )


def matcher_for_clinic(clinic: Clinic) -> Matcher:
    return Matcher().fit(roster_for_clinic(clinic), outcomes_for_clinic(clinic))


def why_nobody_fits(matcher: Matcher, intake: IntakeRecord) -> list[tuple[str, int]]:
    """The hard constraints that ruled therapists out, most common first (for an empty result)."""
    tally: dict[str, int] = defaultdict(int)
    for therapist in matcher.roster_:
        for reason in matcher.why_not(intake, therapist.id):
            tally[_reason_kind(reason)] += 1
    return sorted(tally.items(), key=lambda item: (-item[1], item[0]))


def _reason_kind(reason: str) -> str:
    # "fee 2500 is above your maximum 2000" and "fee 3100 is above …" are the same kind.
    if reason.startswith("fee "):
        return "fee above your maximum"
    return reason
