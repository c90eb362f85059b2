"""Permission-checked lookups: the only way views, the API and commands obtain accounts.

"Not yours" and "not found" both raise :class:`core.errors.NotFound` (404), so an outsider
cannot even learn that an id exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.accounts.models import Clinic, Role, User
from alliance.core.errors import NotFound, PermissionDenied


def require_role(user: User, *roles: Role) -> None:
    """Role gate for whole pages (403): the page exists, but it is not for this role."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied("This page is for another kind of account.")


def get_people_for_user(viewer: User) -> QuerySet[User]:
    """Everyone the viewer may list: clinic staff see their own clinic; others see nobody."""
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        return User.objects.filter(clinic_id=viewer.clinic_id)
    return User.objects.none()


def get_person_for_user(viewer: User, person_id: int) -> User:
    """One person's account page: the person themselves, or staff of the same clinic."""
    visible = Q(pk=viewer.pk)
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        visible |= Q(clinic_id=viewer.clinic_id)
    person = (
        User.objects.filter(visible, pk=person_id)
        .select_related("clinic", "client_profile", "therapist_profile")
        .first()
    )
    if person is None:
        raise NotFound("No such person.")
    return person


def get_managed_person_for_user(viewer: User, person_id: int) -> User:
    """A person whose account the viewer may change: staff of the same clinic, not themselves."""
    require_role(viewer, Role.STAFF)
    person = get_people_for_user(viewer).exclude(pk=viewer.pk).filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def get_signup_clinics() -> QuerySet[Clinic]:
    """Clinics a newcomer may join (public)."""
    return Clinic.objects.order_by("name")
