from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.core.errors import InvalidInput, NotFound
from alliance.directory.models import TherapistProfile
from alliance.matching import actions, engine
from alliance.matching.access import (
    get_assignment_run_for_user,
    get_bookable_profile_for_user,
    get_own_intake,
    get_slot_of_profile,
    get_waitlist_for_user,
)
from alliance.matching.models import Intake, IntakeStatus

router = Router(tags=["matching"])


class TimeIn(Schema):
    weekday: int = Field(ge=0, le=6)
    from_: str = Field(alias="from", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    to: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class IntakeIn(Schema):
    concerns: list[str]
    languages: list[str] = Field(min_length=1)
    format: str = Field(pattern="^(online|in_person|either)$")
    city: str = Field(default="", max_length=80)
    max_fee: int = Field(ge=0, le=1_000_000)
    times: list[TimeIn] = Field(min_length=1)
    styles: list[str] = []
    professions: list[str] = []
    therapist_gender: str = ""
    exclude: list[int] = Field(default=[], description="User ids of therapists to exclude.")
    submit: bool = False


class IntakeOut(Schema):
    id: int
    status: str
    concerns: list[str]
    languages: list[str]
    format: str
    city: str
    max_fee: int
    times: list[dict[str, Any]]
    styles: list[str]
    professions: list[str]
    therapist_gender: str


class MatchOut(Schema):
    therapist_profile_id: int
    name: str
    score: float
    reasons: list[str]
    unmet: list[str]


class BookingIn(Schema):
    therapist_profile_id: int
    slot_id: int
    kind: str = Field(pattern="^(intro|first_session)$")


class BookingOut(Schema):
    id: int
    slot_id: int
    kind: str


@router.get("/me/intake", response=IntakeOut, summary="Your open intake")
def get_intake(request: HttpRequest) -> Intake:
    intake = get_own_intake(request_user(request))
    if intake is None:
        raise NotFound("You have no open intake.")
    return intake


@router.put("/me/intake", response=IntakeOut, summary="Save (and optionally submit) your intake")
def put_intake(request: HttpRequest, payload: IntakeIn) -> Intake:
    client = request_user(request)
    fields = payload.dict(exclude={"exclude", "submit", "times"})
    fields["times"] = [{"weekday": t.weekday, "from": t.from_, "to": t.to} for t in payload.times]
    excluded = list(User.objects.filter(pk__in=payload.exclude, clinic=client.clinic))
    return actions.do_save_intake(client, fields=fields, exclude=excluded, submit=payload.submit)


@router.get("/me/matches", response=list[MatchOut], summary="Your best matches, with reasons")
def get_matches(request: HttpRequest, top: int = 10) -> list[dict[str, Any]]:
    client = request_user(request)
    intake = get_own_intake(client)
    if intake is None or intake.status != IntakeStatus.SUBMITTED or client.clinic is None:
        raise InvalidInput("Submit your intake first.", code="intake_not_submitted")
    matcher = engine.matcher_for_clinic(client.clinic)
    ranked = matcher.rank(engine.intake_record(intake), top=max(1, min(top, 50)))
    profiles = TherapistProfile.objects.select_related("user").in_bulk(
        [int(m.therapist) for m in ranked]
    )
    return [
        {
            "therapist_profile_id": int(m.therapist),
            "name": profiles[int(m.therapist)].user.full_name,
            "score": m.score,
            "reasons": list(m.reasons),
            "unmet": list(m.unmet),
        }
        for m in ranked
    ]


@router.post("/bookings", response={201: BookingOut}, summary="Book a free slot that fits you")
def book(request: HttpRequest, payload: BookingIn) -> Status:
    client = request_user(request)
    require_role(client, Role.CLIENT)
    intake = get_own_intake(client)
    if intake is None or intake.status != IntakeStatus.SUBMITTED:
        raise InvalidInput("Submit your intake first.", code="intake_not_submitted")
    profile = get_bookable_profile_for_user(client, payload.therapist_profile_id)
    slot = get_slot_of_profile(profile, payload.slot_id)
    booking = actions.do_book_slot(
        client, intake=intake, profile=profile, slot=slot, kind=payload.kind
    )
    return Status(201, booking)


@router.get("/clinic/waitlist", response=list[IntakeOut], summary="Clients waiting (staff)")
def waitlist(request: HttpRequest) -> list[Intake]:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    return list(get_waitlist_for_user(staff)[:1000])


@router.post("/clinic/assignments", summary="Propose the optimal waitlist assignment (staff)")
def propose(request: HttpRequest) -> dict[str, Any]:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    run = actions.do_propose_assignment(staff)
    return {"id": run.pk, **run.proposal}


@router.post("/clinic/assignments/{run_id}/confirm", summary="Confirm a proposed assignment")
def confirm(request: HttpRequest, run_id: int) -> dict[str, int]:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    run = get_assignment_run_for_user(staff, run_id)
    return actions.do_confirm_assignment(staff, run=run)
