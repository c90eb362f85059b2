from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from alliance.core.vocabulary import CONCERNS


class Clinic(models.Model):
    """A clinic or therapist network: the tenant every person and record belongs to."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    crisis_line = models.CharField(
        max_length=200,
        default="Tele-MANAS 14416 or 1-800-891-4416 (24x7, India) · emergency 112",
        help_text="Shown wherever a client might need urgent help. Check it for your locale.",
    )
    safety_escalation_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5)],
        help_text=(
            "A safety alert its therapist has not acknowledged after this many minutes is "
            "escalated to the clinic's staff."
        ),
    )
    measurement_schedule = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "The clinic's measurement schedule: rules as read by "
            "core.monitoring.schedule.parse_schedule. Empty: Alliance's default schedule."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    STAFF = "staff", "Clinic staff"


if TYPE_CHECKING:
    _UserManagerBase = BaseUserManager["User"]
else:
    _UserManagerBase = BaseUserManager


class UserManager(_UserManagerBase):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are stored lower-case; log-ins match whatever case was typed.
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.STAFF)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one account (unique user identification, HIPAA 45 CFR 164.312(a)(2)(i)).

    The e-mail is the log-in name.
    """

    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, blank=True)
    role = models.CharField(max_length=12, choices=Role.choices)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May open the Django admin (technical administrators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["client", "therapist", "staff"]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_clinic_staff(self) -> bool:
        return self.role == Role.STAFF


class FormatPreference(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    EITHER = "either", "Either"


class ClientProfile(models.Model):
    """What a client told us about themselves and what they are looking for.

    The intake (a later feature) refines this; the demo clinic fills it in.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="client_profile")
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=12, blank=True)
    city = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    languages = models.JSONField(default=list, blank=True)
    concerns = models.JSONField(default=list, blank=True)
    format_preference = models.CharField(
        max_length=12, choices=FormatPreference.choices, default=FormatPreference.EITHER
    )
    max_fee = models.PositiveIntegerField(null=True, blank=True)
    preferred_styles = models.JSONField(default=list, blank=True)
    preferred_professions = models.JSONField(default=list, blank=True)
    therapist_gender_preference = models.CharField(max_length=12, blank=True)
    available_times = models.JSONField(
        default=list, blank=True, help_text='[{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}]'
    )
    excluded_therapists = models.ManyToManyField(
        User,
        blank=True,
        related_name="excluded_by_clients",
        help_text="People the client already knows: never matched (no dual relationships).",
    )

    def __str__(self) -> str:
        return f"Client profile of user {self.user_id}"

    @property
    def concern_labels(self) -> list[str]:
        return [CONCERNS.get(code, code) for code in self.concerns]
