"""Every change to accounts goes through here: atomic, and audited.

HTML views, the API, commands and tests call these same functions.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from alliance.accounts.mail import send_set_password_link
from alliance.accounts.models import ClientProfile, Clinic, Role, User
from alliance.audit.trail import record_event
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied

STAFF_CREATABLE_ROLES = (Role.THERAPIST, Role.STAFF, Role.CLIENT)
# The account scheduled work acts as (``alliance jobs``, cron): the audit trail names it.
SCHEDULER_EMAIL = "scheduler@alliance.invalid"


def _check_email_free(email: str) -> str:
    normalised = email.strip().lower()
    try:
        validate_email(normalised)
    except ValidationError:
        raise InvalidInput("Enter a valid e-mail address.", code="email_invalid") from None
    if User.objects.filter(email__iexact=normalised).exists():
        raise Conflict("An account with this e-mail already exists.", code="email_taken")
    return normalised


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="password_weak") from None


@transaction.atomic
def do_create_clinic(actor: User | None, *, name: str, slug: str) -> Clinic:
    """A new clinic (tenant). Only the system creates clinics for now (``alliance setup``)."""
    name, slug = name.strip(), slug.strip().lower()
    if not name or not slug:
        raise InvalidInput("A clinic needs a name and a short name.", code="clinic_invalid")
    if Clinic.objects.filter(slug=slug).exists():
        raise Conflict(
            f"A clinic with the short name {slug!r} already exists.", code="clinic_taken"
        )
    clinic = Clinic.objects.create(name=name, slug=slug)
    record_event("clinics.clinic.created", actor=actor, obj=clinic)
    return clinic


@transaction.atomic
def do_sign_up_client(
    *, clinic: Clinic, email: str, password: str, first_name: str, last_name: str = ""
) -> User:
    """A newcomer creates their own client account in a clinic."""
    user = User(
        email=_check_email_free(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=Role.CLIENT,
        clinic=clinic,
    )
    if not user.first_name:
        raise InvalidInput("Tell us what to call you.", code="name_required")
    _check_password(password, user)
    user.set_password(password)
    user.save()
    ClientProfile.objects.create(user=user)
    record_event("accounts.client.signed_up", actor=user, obj=user, data={"clinic": clinic.pk})
    return user


@transaction.atomic
def do_create_account(
    actor: User | None,
    *,
    clinic: Clinic,
    role: Role,
    email: str,
    first_name: str,
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Staff (or the system, with ``actor=None``) create an account in their clinic.

    Without a password the account gets an unusable one, and once the transaction commits the
    person is e-mailed a link to choose their own.
    """
    if actor is not None and (not actor.is_clinic_staff or actor.clinic_id != clinic.pk):
        raise PermissionDenied("Only staff of this clinic can add people to it.")
    if role not in STAFF_CREATABLE_ROLES:
        raise InvalidInput("Choose client, therapist or staff.", code="role_invalid")
    user = User(
        email=_check_email_free(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        clinic=clinic,
    )
    if not user.first_name:
        raise InvalidInput("A first name is required.", code="name_required")
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if role == Role.CLIENT:
        ClientProfile.objects.create(user=user)
    record_event("accounts.user.created", actor=actor, obj=user, data={"role": role.value})
    if not password:
        transaction.on_commit(lambda: send_set_password_link(user))
    return user


@transaction.atomic
def do_change_password(actor: User, *, user: User, new_password: str) -> User:
    """Set a new password (change or reset). Other sessions of that user stop working."""
    if actor.pk != user.pk:
        raise PermissionDenied("People change their own passwords.")
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event("accounts.password.changed", actor=actor, obj=user)
    return user


@transaction.atomic
def do_set_account_active(actor: User, *, person: User, active: bool) -> User:
    """Staff deactivate or reactivate an account; a deactivated person is logged out at once."""
    if not actor.is_clinic_staff or actor.clinic_id != person.clinic_id or actor.pk == person.pk:
        raise PermissionDenied("Only other staff of this clinic can do that.")
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    action = "accounts.user.reactivated" if active else "accounts.user.deactivated"
    record_event(action, actor=actor, obj=person)
    return person


def scheduler_actor() -> User:
    """The named system actor of scheduled work (escalations, planning, due reviews), made on
    first use. It belongs to no clinic, is inactive and has no usable password: it never logs
    in and may do nothing through a page or the API."""
    found = User.objects.filter(email=SCHEDULER_EMAIL).first()
    return found if found is not None else do_create_scheduler_actor()


@transaction.atomic
def do_create_scheduler_actor() -> User:
    """Create the scheduler's account once; concurrent first runs get the same account."""
    user, created = User.objects.get_or_create(
        email=SCHEDULER_EMAIL,
        defaults={
            "first_name": "Alliance",
            "last_name": "scheduler",
            "role": Role.STAFF,
            "clinic": None,
            "is_active": False,
            "password": make_password(None),  # unusable
        },
    )
    if created:
        record_event("accounts.system_actor.created", actor=None, obj=user)
    return user
