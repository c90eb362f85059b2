"""Permission-checked lookups for intakes, bookable therapists and assignment runs."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.accounts.models import Role, User
from alliance.core.errors import NotFound
from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.matching.models import AssignmentRun, Intake, IntakeStatus, SlotBooking

OPEN_INTAKE = (IntakeStatus.DRAFT, IntakeStatus.SUBMITTED)


def get_own_intake(viewer: User) -> Intake | None:
    """The client's open intake (draft or submitted), if any."""
    if viewer.role != Role.CLIENT:
        return None
    return Intake.objects.filter(client=viewer, status__in=OPEN_INTAKE).first()


def get_waitlist_for_user(viewer: User) -> QuerySet[Intake]:
    """Staff see their clinic's submitted intakes; nobody else sees a waitlist."""
    if not viewer.is_clinic_staff or viewer.clinic_id is None:
        return Intake.objects.none()
    return (
        Intake.objects.filter(clinic_id=viewer.clinic_id, status=IntakeStatus.SUBMITTED)
        .select_related("client")
        .order_by("submitted_at", "pk")
    )


def get_bookable_profile_for_user(viewer: User, profile_id: int) -> TherapistProfile:
    """A therapist of the client's own clinic."""
    if viewer.clinic_id is None:
        raise NotFound("No such therapist.")
    profile = (
        TherapistProfile.objects.filter(
            pk=profile_id,
            user__clinic_id=viewer.clinic_id,
            user__is_active=True,
            user__role=Role.THERAPIST,
        )
        .select_related("user")
        .first()
    )
    if profile is None:
        raise NotFound("No such therapist.")
    return profile


def get_slot_of_profile(profile: TherapistProfile, slot_id: int) -> StandingSlot:
    slot = profile.slots.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("No such slot.")
    return slot


def get_assignment_run_for_user(viewer: User, run_id: int) -> AssignmentRun:
    run = None
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        run = AssignmentRun.objects.filter(pk=run_id, clinic_id=viewer.clinic_id).first()
    if run is None:
        raise NotFound("No such assignment run.")
    return run


def get_own_booking(viewer: User, booking_id: int) -> SlotBooking:
    booking = (
        SlotBooking.objects.filter(pk=booking_id, client=viewer).select_related("slot").first()
    )
    if booking is None:
        raise NotFound("No such booking.")
    return booking
