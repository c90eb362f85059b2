"""Factories for the people and clinics every test needs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.test import Client

from alliance.accounts.models import ClientProfile, Clinic, Role, User
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import Episode
from alliance.directory.models import StandingSlot, TherapistProfile

PASSWORD = "correct horse battery staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CLIENT
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.django.Password(PASSWORD)


def make_client(**kwargs: Any) -> User:
    user = cast(User, UserFactory(role=Role.CLIENT, **kwargs))
    ClientProfile.objects.create(user=user)
    return user


def make_therapist(**kwargs: Any) -> User:
    user = cast(User, UserFactory(role=Role.THERAPIST, **kwargs))
    profile = TherapistProfile.objects.create(
        user=user,
        profession="counsellor",
        fee=1500,
        capacity=2,
        languages=["en"],
        formats=["online"],
        concerns=["anxiety"],
    )
    StandingSlot.objects.create(therapist=profile, weekday=3, start="18:00", minutes=50)
    return user


def make_staff(**kwargs: Any) -> User:
    return cast(User, UserFactory(role=Role.STAFF, **kwargs))


def make_clinic(**kwargs: Any) -> Clinic:
    return cast(Clinic, ClinicFactory(**kwargs))


def make_episode(
    *,
    clinic: Clinic | None = None,
    therapist: User | None = None,
    started_on: dt.date = dt.date(2026, 9, 1),
    **client_fields: str,
) -> Episode:
    clinic = clinic or (therapist.clinic if therapist is not None else None) or make_clinic()
    therapist = therapist or make_therapist(clinic=clinic)
    client = make_client(clinic=clinic, **client_fields)
    return do_start_episode(None, client=client, therapist=therapist, started_on=started_on)


def logged_in(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http
