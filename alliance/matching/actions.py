"""Intake, booking and batch assignment: every change atomic and audited."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.audit.trail import record_event
from alliance.care.actions.episodes import do_end_episode, do_start_episode
from alliance.care.actions.frames import do_draft_first_frame
from alliance.care.models import OPEN_STATES, EndReason, Episode
from alliance.core import vocabulary
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.core.matching.assignment import assign_waitlist
from alliance.core.matching.constraints import check_hard_constraints, fitting_slots
from alliance.core.matching.records import Slot
from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.matching import engine
from alliance.matching.models import AssignmentRun, BookingKind, Intake, IntakeStatus, SlotBooking

# What a client searches by: saved by do_save_intake, copied into a re-match search.
INTAKE_FIELDS = (
    "concerns",
    "languages",
    "format",
    "city",
    "max_fee",
    "times",
    "styles",
    "professions",
    "therapist_gender",
)


@transaction.atomic
def do_save_intake(
    actor: User, *, fields: Mapping[str, Any], exclude: list[User], submit: bool = False
) -> Intake:
    """Create or update the client's open intake (a draft until submitted)."""
    if actor.role != Role.CLIENT or actor.clinic is None:
        raise PermissionDenied("Only clients fill in an intake.")
    check_intake_fields(fields)
    intake = (
        Intake.objects.select_for_update()
        .filter(client=actor, status__in=[IntakeStatus.DRAFT, IntakeStatus.SUBMITTED])
        .first()
    ) or Intake(client=actor, clinic=actor.clinic)
    open_episode = Episode.objects.filter(client=actor, state__in=OPEN_STATES).first()
    if open_episode is not None and intake.rematch_from_id != open_episode.pk:
        # A re-match search (opened by a fit review) may be edited; any other new search waits.
        raise Conflict(
            "You are working with a therapist; a new search starts from a fit review.",
            code="episode_open",
        )
    changed = sorted(k for k in INTAKE_FIELDS if k in fields and getattr(intake, k) != fields[k])
    for key in INTAKE_FIELDS:
        if key in fields:
            setattr(intake, key, fields[key])
    if submit and intake.status == IntakeStatus.DRAFT:
        intake.status, intake.submitted_at = IntakeStatus.SUBMITTED, timezone.now()
    intake.updated_at = timezone.now()
    try:
        with transaction.atomic():
            intake.save()
    except IntegrityError:
        raise Conflict(
            "Your intake was just saved from elsewhere; reload the page.", code="intake_conflict"
        ) from None
    intake.exclude.set([u for u in exclude if u.role == Role.THERAPIST])
    # Field names only: what someone is looking for in therapy is not for the audit trail.
    record_event(
        "matching.intake.saved",
        actor=actor,
        obj=intake,
        data={"status": intake.status, "n_fields_changed": len(changed)},
    )
    return intake


_CODE_LISTS = {
    "concerns": vocabulary.CONCERNS,
    "languages": vocabulary.LANGUAGES,
    "styles": vocabulary.ALLIANCE_STYLES,
    "professions": vocabulary.PROFESSIONS,
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_intake_fields(fields: Mapping[str, Any]) -> None:
    """Refuse unknown codes, malformed weekly times and in-person without a city."""
    for key, codes in _CODE_LISTS.items():
        unknown = sorted(set(fields.get(key, [])) - set(codes))
        if unknown:
            raise InvalidInput(f"{key}: unknown codes {unknown}.", code="unknown_code")
    gender = fields.get("therapist_gender", "")
    if gender and gender not in vocabulary.GENDERS:
        raise InvalidInput(f"therapist_gender: unknown code {gender!r}.", code="unknown_code")
    for window in fields.get("times", []):
        ok = (
            isinstance(window, Mapping)
            and window.get("weekday") in range(7)
            and all(_CLOCK.match(str(window.get(k, ""))) for k in ("from", "to"))
            and str(window["from"]) < str(window["to"])
        )
        if not ok:
            raise InvalidInput(
                f"times: {window!r} is not a weekday with from < to (HH:MM).", code="times_invalid"
            )
    if fields.get("format") == "in_person" and not str(fields.get("city", "")).strip():
        raise InvalidInput("In-person sessions need your city.", code="city_required")


@transaction.atomic
def do_attach_intake_measure(actor: User, *, intake: Intake, response: Any) -> Intake:
    """Link an intake PHQ-9 or GAD-7 (answered through the measures engine) to the intake."""
    if intake.client_id != actor.pk or response.client_id != actor.pk:
        raise PermissionDenied("Only the client's own answers go with their intake.")
    field = {"phq-9": "phq9", "gad-7": "gad7"}.get(response.instrument)
    if field is None:
        raise InvalidInput("Only PHQ-9 and GAD-7 go with an intake.", code="intake_measure")
    setattr(intake, field, response)
    intake.save(update_fields=[field])
    record_event(
        "matching.intake.measure_added",
        actor=actor,
        obj=intake,
        data={"instrument": response.instrument},
    )
    return intake


def free_fitting_slots(profile: TherapistProfile, intake: Intake) -> list[StandingSlot]:
    """The therapist's free standing slots inside the client's weekly times."""
    therapist = engine.roster_for_clinic_member(profile)
    record = engine.intake_record(intake)
    wanted = {(s.weekday, s.start) for s in fitting_slots(therapist, record)}
    return [
        s
        for s in profile.slots.all()
        if (s.weekday, s.start.strftime("%H:%M")) in wanted
        and not s.bookings.filter(active=True).exists()
    ]


@transaction.atomic
def do_book_slot(
    actor: User, *, intake: Intake, profile: TherapistProfile, slot: StandingSlot, kind: str
) -> SlotBooking:
    """Book a free standing slot that fits the client's times, for an intro call or a first
    session. One active booking per slot is enforced by the database: of two clients racing
    for it, exactly one gets it, and the other is told which slots are still free."""
    if intake.client_id != actor.pk or intake.status != IntakeStatus.SUBMITTED:
        raise PermissionDenied("Book from your own submitted intake.")
    if slot.therapist_id != profile.pk:
        raise NotFound("No such slot.")
    if kind not in BookingKind.values:
        raise InvalidInput("Choose an introductory call or a first session.", code="booking_kind")
    _check_pair(profile, intake)
    if not _slot_fits(profile, slot, intake):
        raise InvalidInput(
            f"{slot} is outside the weekly times you gave.", code="slot_not_in_times"
        )
    if (
        kind == BookingKind.INTRO
        and SlotBooking.objects.filter(client=actor, kind=BookingKind.INTRO, active=True).exists()
    ):
        raise Conflict(
            "You already have an introductory call booked; cancel it first.", code="intro_booked"
        )
    booking = _take_slot(actor, intake, profile, slot, kind)
    data: dict[str, object] = {"kind": kind}
    if kind == BookingKind.FIRST_SESSION:
        data |= _start_with_therapist(actor, intake, profile, slot, transfer=True)
    record_event("matching.slot.booked", actor=actor, obj=booking, data=data)
    return booking


def _slot_fits(profile: TherapistProfile, slot: StandingSlot, intake: Intake) -> bool:
    """Whether this standing slot lies inside the client's weekly times (booked or not)."""
    only = Slot(weekday=slot.weekday, start=slot.start.strftime("%H:%M"), minutes=slot.minutes)
    record = dataclasses.replace(engine.roster_for_clinic_member(profile), slots=(only,))
    return bool(fitting_slots(record, engine.intake_record(intake)))


def _check_pair(profile: TherapistProfile, intake: Intake) -> None:
    failures = check_hard_constraints(
        engine.roster_for_clinic_member(profile), engine.intake_record(intake)
    )
    if failures:
        raise InvalidInput(
            "This therapist does not fit your intake: " + "; ".join(failures) + ".",
            code="not_a_match",
        )


@transaction.atomic
def do_release_booking(actor: User, *, booking: SlotBooking) -> SlotBooking:
    """The client cancels an introductory call: the slot is free again."""
    if booking.client_id != actor.pk or booking.kind != BookingKind.INTRO:
        raise PermissionDenied("Only the client cancels their own introductory call.")
    if booking.active:
        booking.active = False
        booking.save(update_fields=["active"])
        record_event("matching.slot.released", actor=actor, obj=booking)
    return booking


def _take_slot(
    actor: User, intake: Intake, profile: TherapistProfile, slot: StandingSlot, kind: str
) -> SlotBooking:
    try:
        with transaction.atomic():
            return SlotBooking.objects.create(slot=slot, client=actor, intake=intake, kind=kind)
    except IntegrityError:
        free = ", ".join(str(s) for s in free_fitting_slots(profile, intake)[:3])
        more = (
            f" Still free: {free}."
            if free
            else " None of this therapist's slots that fit you is free now."
        )
        raise Conflict(f"Someone has just booked {slot}.{more}", code="slot_taken") from None


def _start_with_therapist(
    actor: User,
    intake: Intake,
    profile: TherapistProfile,
    slot: StandingSlot,
    *,
    transfer: bool = False,
) -> dict[str, int]:
    """Take one of the therapist's open places and start the episode; the client's intro
    bookings are released (their standing slot is now the first session's). The first frame
    is drafted from the booked slot, for both to accept. Returns the ids the booking's one
    audit event names (intake, episode, frame): placing, starting and drafting are one intent.

    With ``transfer`` (the client's own booking) and a re-match intake, the episode the client
    is leaving ends as transferred in this same transaction: they are never with two
    therapists at once, nor left with none if the booking fails."""
    _end_rematched_episode(actor, intake, transfer=transfer)
    updated = TherapistProfile.objects.filter(pk=profile.pk, capacity__gt=0).update(
        capacity=F("capacity") - 1
    )
    if not updated:
        raise Conflict("This therapist has just filled their last place.", code="therapist_full")
    try:
        with transaction.atomic():
            episode = do_start_episode(
                None,
                client=intake.client,
                therapist=profile.user,
                started_on=timezone.localdate(),
                audit=False,
            )
    except IntegrityError:
        # A simultaneous booking with another therapist won (one open episode per client).
        raise Conflict("You are already working with a therapist.", code="episode_open") from None
    Episode.objects.filter(pk=episode.pk).update(holds_place=True)
    episode.holds_place = True
    SlotBooking.objects.filter(client=intake.client, kind=BookingKind.INTRO, active=True).update(
        active=False
    )
    Intake.objects.filter(pk=intake.pk).update(status=IntakeStatus.PLACED)
    frame = do_draft_first_frame(
        actor,
        episode=episode,
        weekday=slot.weekday,
        start=slot.start,
        minutes=slot.minutes,
        preferred_format=intake.format,
        audit=False,
    )
    return {"intake": intake.pk, "episode": episode.pk, "frame": frame.pk}


def _end_rematched_episode(actor: User, intake: Intake, *, transfer: bool) -> None:
    leaving = (
        Episode.objects.select_for_update()
        .filter(client=intake.client, state__in=OPEN_STATES)
        .first()
    )
    if leaving is None:
        return
    if not transfer or intake.rematch_from_id != leaving.pk:
        raise Conflict("You are already working with a therapist.", code="episode_open")
    do_end_episode(None, episode=leaving, reason=EndReason.REMATCH)
    # The standing slot the client held with the therapist they leave is free again.
    released = SlotBooking.objects.filter(
        client=intake.client,
        kind=BookingKind.FIRST_SESSION,
        active=True,
        slot__therapist__user_id=leaving.therapist_id,
    ).update(active=False)
    record_event(
        "matching.intake.transferred",
        actor=actor,
        obj=intake,
        data={"from_episode": leaving.pk, "n_slots_released": released},
    )


@transaction.atomic
def do_propose_assignment(actor: User) -> AssignmentRun:
    """Run the optimal batch assignment over the clinic's waitlist, for staff to review."""
    if not actor.is_clinic_staff or actor.clinic is None:
        raise PermissionDenied("Only clinic staff run the waitlist assignment.")
    waiting = list(Intake.objects.filter(clinic=actor.clinic, status=IntakeStatus.SUBMITTED))
    matcher = engine.matcher_for_clinic(actor.clinic)
    result = assign_waitlist(matcher, [engine.intake_record(i) for i in waiting])
    proposal = {
        "assignments": [
            {"intake": p.client, "therapist": p.therapist, "score": p.score}
            for p in result.assignments
        ],
        "unassigned": [{"intake": u.client, "reason": u.reason} for u in result.unassigned],
        "total_score": result.total_score,
    }
    run = AssignmentRun.objects.create(clinic=actor.clinic, created_by=actor, proposal=proposal)
    record_event(
        "matching.assignment.proposed",
        actor=actor,
        obj=run,
        data={"n_placed": len(result.assignments), "n_waiting": len(waiting)},
    )
    return run


@transaction.atomic
def do_confirm_assignment(actor: User, *, run: AssignmentRun) -> dict[str, int]:
    """Book each proposed pair's first fitting free slot as a first session.

    Each pair is checked again against the hard constraints as they are now; a pair whose slot,
    place or fit went in the meantime is skipped and its client stays on the waiting list.
    Clients with the fewest fitting slots choose first, so one client does not take the only
    slot another could use.
    """
    if not actor.is_clinic_staff or actor.clinic_id != run.clinic_id:
        raise PermissionDenied("Only staff of this clinic confirm its assignment.")
    run = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    if run.confirmed_at is not None:
        raise Conflict("This assignment was already confirmed.", code="already_confirmed")
    pairs = [_load_pair(run, row) for row in run.proposal["assignments"]]
    pairs.sort(key=_n_choices)
    placed = skipped = 0
    for intake, profile in pairs:
        try:
            with transaction.atomic():
                if intake is None or profile is None:
                    raise Conflict("no longer possible", code="gone")
                _check_pair(profile, intake)
                slots = free_fitting_slots(profile, intake)
                if not slots:
                    raise Conflict("no free slot", code="gone")
                booking = SlotBooking.objects.create(
                    slot=slots[0],
                    client=intake.client,
                    intake=intake,
                    kind=BookingKind.FIRST_SESSION,
                )
                placed_ids = _start_with_therapist(actor, intake, profile, slots[0])
                record_event(
                    "matching.slot.booked",
                    actor=actor,
                    obj=booking,
                    data={"kind": BookingKind.FIRST_SESSION.value, **placed_ids},
                )
        except (Conflict, InvalidInput, IntegrityError):
            skipped += 1
        else:
            placed += 1
    run.confirmed_at, run.confirmed_by = timezone.now(), actor
    run.save(update_fields=["confirmed_at", "confirmed_by"])
    record_event(
        "matching.assignment.confirmed",
        actor=actor,
        obj=run,
        data={"n_placed": placed, "n_skipped": skipped},
    )
    return {"placed": placed, "skipped": skipped}


def _n_choices(pair: tuple[Intake | None, TherapistProfile | None]) -> int:
    intake, profile = pair
    return len(free_fitting_slots(profile, intake)) if intake and profile else 0


def _load_pair(
    run: AssignmentRun, row: Mapping[str, Any]
) -> tuple[Intake | None, TherapistProfile | None]:
    intake = Intake.objects.filter(
        pk=int(row["intake"]), clinic=run.clinic, status=IntakeStatus.SUBMITTED
    ).first()
    profile = TherapistProfile.objects.filter(
        pk=int(row["therapist"]), user__clinic=run.clinic, user__is_active=True
    ).first()
    return intake, profile


@transaction.atomic
def do_add_intake_measures(
    actor: User,
    *,
    intake: Intake,
    answers_by_instrument: Mapping[str, Mapping[str, object]],
    submission_key: str,
) -> Intake:
    """Optional PHQ-9 / GAD-7 at intake, scored by the measures engine and linked to the intake.

    A risk answer raises no episode alert (there is no therapist yet); the page shows the crisis
    resources at once and staff see the flag on the waitlist.
    """
    from alliance.measures.actions import do_submit_response

    for instrument_id, answers in answers_by_instrument.items():
        response = do_submit_response(
            actor,
            instrument_id=instrument_id,
            answers=answers,
            client=actor,
            episode=None,
            submission_key=f"{submission_key}:{instrument_id}"[:64],
        )
        do_attach_intake_measure(actor, intake=intake, response=response)
    return intake
