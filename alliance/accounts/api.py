from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.accounts import actions
from alliance.accounts.access import (
    get_managed_person_for_user,
    get_people_for_user,
    get_person_for_user,
    require_role,
)
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User

router = Router(tags=["accounts"])


class PersonOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    clinic_id: int | None
    is_active: bool


class NewPersonIn(Schema):
    role: Role
    email: str = Field(max_length=254)
    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(default="", max_length=80)


class ActiveIn(Schema):
    active: bool


@router.get("/me", response=PersonOut, summary="The account you are logged in with")
def me(request: HttpRequest) -> User:
    return request_user(request)


@router.get("/people/{person_id}", response=PersonOut, summary="One person (yourself, or staff)")
def person(request: HttpRequest, person_id: int) -> User:
    return get_person_for_user(request_user(request), person_id)


@router.get("/clinic/people", response=list[PersonOut], summary="People in your clinic (staff)")
def clinic_people(request: HttpRequest, role: Role | None = None) -> list[User]:
    viewer = request_user(request)
    require_role(viewer, Role.STAFF)
    people = get_people_for_user(viewer).order_by("pk")
    if role is not None:
        people = people.filter(role=role)
    return list(people[:500])


@router.post("/clinic/people", response={201: PersonOut}, summary="Add a person (staff)")
def create_person(request: HttpRequest, payload: NewPersonIn) -> Status:
    viewer = request_user(request)
    require_role(viewer, Role.STAFF)
    assert viewer.clinic is not None
    person = actions.do_create_account(
        viewer,
        clinic=viewer.clinic,
        role=payload.role,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    return Status(201, person)


@router.post(
    "/clinic/people/{person_id}/active",
    response=PersonOut,
    summary="Deactivate or reactivate an account (staff)",
)
def set_active(request: HttpRequest, person_id: int, payload: ActiveIn) -> User:
    viewer = request_user(request)
    person = get_managed_person_for_user(viewer, person_id)
    return actions.do_set_account_active(viewer, person=person, active=payload.active)
