"""Permission-checked lookups for therapist profiles: the only way views, the API and commands
obtain them.

The public directory shows listed profiles of active therapists to anyone. Editing is for the
therapist themselves and staff of their clinic; anyone else gets :class:`core.errors.NotFound`
(404), so an id reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from alliance.accounts.access import require_role
from alliance.accounts.models import Role, User
from alliance.core.errors import NotFound
from alliance.directory.hooks import slot_bookings
from alliance.directory.models import StandingSlot, TherapistProfile


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor filters the public directory by; empty values filter nothing."""

    q: str = ""
    concern: str = ""
    language: str = ""
    format: str = ""
    city: str = ""
    style: str = ""
    profession: str = ""
    max_fee: int | None = None
    accepting_only: bool = False


def get_listed_therapists() -> QuerySet[TherapistProfile]:
    """Profiles anyone may see: listed, of an active account that is a therapist."""
    return TherapistProfile.objects.filter(
        listed=True, user__is_active=True, user__role=Role.THERAPIST
    ).select_related("user", "user__clinic")


def _contains_code(field: str, code: str) -> Q:
    # JSON ``contains`` is not supported on SQLite; matching the quoted code in the stored JSON
    # text works on SQLite and PostgreSQL alike, and the quotes stop "en" matching "en_gb".
    return Q(**{f"{field}__icontains": f'"{code}"'})


def search_listed_therapists(filters: DirectoryFilters) -> QuerySet[TherapistProfile]:
    """The public directory, filtered, in a stable order: open to new clients first, then name."""
    found = get_listed_therapists()
    if filters.q:
        found = found.filter(
            Q(user__first_name__icontains=filters.q)
            | Q(user__last_name__icontains=filters.q)
            | Q(credentials__icontains=filters.q)
            | Q(city__icontains=filters.q)
            | Q(bio__icontains=filters.q)
        )
    for field, code in [
        ("concerns", filters.concern),
        ("languages", filters.language),
        ("formats", filters.format),
        ("styles", filters.style),
    ]:
        if code:
            found = found.filter(_contains_code(field, code))
    if filters.city:
        found = found.filter(city__iexact=filters.city)
    if filters.profession:
        found = found.filter(profession=filters.profession)
    if filters.max_fee is not None:
        # A sliding-scale minimum within the budget counts: the client can ask for it.
        found = found.filter(
            Q(fee__lte=filters.max_fee) | Q(sliding_scale_min__lte=filters.max_fee)
        )
    if filters.accepting_only:
        found = found.filter(accepting=True, capacity__gt=0)
    open_first = Case(
        When(accepting=True, capacity__gt=0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return found.order_by(open_first, "user__first_name", "user__last_name", "pk")


def get_listed_therapist(profile_id: int) -> TherapistProfile:
    """One public profile; unlisted, inactive or missing all give 404."""
    profile = get_listed_therapists().filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("No such therapist.")
    return profile


def get_editable_profile_for_user(viewer: User, profile_id: int) -> TherapistProfile:
    """A profile the viewer may change: their own, or (staff) any in their clinic."""
    if not viewer.is_authenticated:
        raise NotFound("No such therapist.")
    visible = Q(user_id=viewer.pk)
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        visible |= Q(user__clinic_id=viewer.clinic_id)
    profile = (
        TherapistProfile.objects.filter(visible, pk=profile_id, user__role=Role.THERAPIST)
        .select_related("user", "user__clinic")
        .first()
    )
    if profile is None:
        raise NotFound("No such therapist.")
    return profile


def get_own_profile(viewer: User) -> TherapistProfile:
    """The logged-in therapist's own profile (403 for other roles, 404 if none exists yet)."""
    require_role(viewer, Role.THERAPIST)
    profile = TherapistProfile.objects.filter(user=viewer).select_related("user").first()
    if profile is None:
        raise NotFound("You do not have a professional profile yet. Ask your clinic to add it.")
    return profile


def get_booked_slot_ids(profile: TherapistProfile) -> set[int]:
    """Ids of the profile's slots a client holds (an active booking, answered by matching)."""
    rows = [row for rows in slot_bookings.send(profile.slots.all()) for row in rows]
    return {slot_id for slot_id, active in rows if active}


def get_free_slots(profile: TherapistProfile) -> QuerySet[StandingSlot]:
    """The standing weekly slots nobody holds: what the public profile offers."""
    return profile.slots.exclude(pk__in=get_booked_slot_ids(profile)).order_by("weekday", "start")
