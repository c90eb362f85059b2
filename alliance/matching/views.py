from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from alliance.accounts.access import get_people_for_user, require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.care.access import get_current_episode_for_client
from alliance.care.models import Episode
from alliance.core.errors import DomainError
from alliance.directory.models import TherapistProfile
from alliance.matching import actions, engine
from alliance.matching.access import (
    get_assignment_run_for_user,
    get_bookable_profile_for_user,
    get_own_booking,
    get_own_intake,
    get_slot_of_profile,
    get_waitlist_for_user,
)
from alliance.matching.forms import IntakeForm, format_times
from alliance.matching.models import BookingKind, Intake, IntakeStatus
from alliance.measures import registry
from alliance.measures.forms import MeasuresForm


def _therapist_choices(client: User) -> list[tuple[str, str]]:
    therapists = User.objects.filter(
        clinic=client.clinic, role=Role.THERAPIST, is_active=True
    ).order_by("first_name", "last_name")
    return [(str(t.pk), t.full_name) for t in therapists]


def _initial(intake: Intake | None, client: User) -> dict[str, object]:
    if intake is not None:
        return {
            "concerns": intake.concerns,
            "languages": intake.languages,
            "format": intake.format,
            "city": intake.city,
            "max_fee": intake.max_fee,
            "times": format_times(intake.times),
            "styles": intake.styles,
            "professions": intake.professions,
            "therapist_gender": intake.therapist_gender,
            "exclude": [str(pk) for pk in intake.exclude.values_list("pk", flat=True)],
        }
    profile = getattr(client, "client_profile", None)
    if profile is None:
        return {"format": "either"}
    return {
        "concerns": profile.concerns,
        "languages": profile.languages,
        "format": profile.format_preference,
        "city": profile.city,
        "max_fee": profile.max_fee,
        "times": format_times(
            [
                {"weekday": w["weekday"], "from": w["start"], "to": w["end"]}
                for w in profile.available_times
            ]
        ),
        "styles": profile.preferred_styles,
        "professions": profile.preferred_professions,
        "therapist_gender": profile.therapist_gender_preference,
    }


def intake(request: HttpRequest) -> HttpResponse:
    client = request_user(request)
    require_role(client, Role.CLIENT)
    current = get_own_intake(client)
    form = IntakeForm(
        request.POST or None,
        initial=_initial(current, client),
        therapists=_therapist_choices(client),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        excluded = list(User.objects.filter(pk__in=data.pop("exclude"), clinic=client.clinic))
        try:
            saved = actions.do_save_intake(
                client, fields=data, exclude=excluded, submit="submit" in request.POST
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            if saved.status == IntakeStatus.SUBMITTED and "submit" in request.POST:
                return redirect("matches")
            messages.success(
                request,
                "Your intake is saved."
                if saved.status == IntakeStatus.SUBMITTED
                else "Your intake is saved as a draft.",
            )
            return redirect("intake")
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/intake.html", {"form": form, "intake": current}, status=status)


def intake_measures(request: HttpRequest) -> HttpResponse:
    client = request_user(request)
    require_role(client, Role.CLIENT)
    current = get_own_intake(client)
    if current is None:
        return redirect("intake")
    instruments = [registry.get_instrument("phq-9"), registry.get_instrument("gad-7")]
    form = MeasuresForm(request.POST or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        answers = {i.id: form.answers_for(i) for i in instruments}
        try:
            actions.do_add_intake_measures(
                client,
                intake=current,
                answers_by_instrument=answers,
                submission_key=form.cleaned_data["submission_key"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            current.refresh_from_db()
            if current.phq9 is not None and current.phq9.critical:
                return redirect("client-support", response_id=current.phq9.pk)
            messages.success(request, "Thank you. Your answers are saved with your intake.")
            return redirect("intake")
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/intake_measures.html", {"form": form}, status=status)


def matches(request: HttpRequest) -> HttpResponse:
    client = request_user(request)
    require_role(client, Role.CLIENT)
    current = get_own_intake(client)
    if current is None or current.status != IntakeStatus.SUBMITTED:
        return render(request, "matching/matches.html", {"intake": current, "results": []})
    assert client.clinic is not None
    matcher = engine.matcher_for_clinic(client.clinic)
    record = engine.intake_record(current)
    ranked = matcher.rank(record, top=10)
    profiles = TherapistProfile.objects.select_related("user").in_bulk(
        [int(m.therapist) for m in ranked]
    )
    results = [(match, profiles[int(match.therapist)]) for match in ranked]
    why = [] if results else engine.why_nobody_fits(matcher, record)[:4]
    context = {"intake": current, "results": results, "why": why, "leaving": _leaving(current)}
    return render(request, "matching/matches.html", context)


def _leaving(intake: Intake) -> Episode | None:
    """The episode a re-match search would move the client from, while it is still open."""
    episode = intake.rematch_from
    return episode if episode is not None and episode.is_open else None


def _after_transfer(client: User) -> HttpResponse:
    """After a re-match, ask whether the new therapist may see the earlier history."""
    episode = get_current_episode_for_client(client)
    if episode is None:
        return redirect("client-home")
    try:
        return redirect(reverse("history-consent", args=[episode.pk]))
    except NoReverseMatch:  # the page belongs to the reviews app
        return redirect("client-home")


@require_POST
def cancel_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    client = request_user(request)
    booking = get_own_booking(client, booking_id)
    actions.do_release_booking(client, booking=booking)
    messages.success(request, "Your introductory call is cancelled; the time is free again.")
    return redirect("client-home")


def book(request: HttpRequest, profile_id: int) -> HttpResponse:
    client = request_user(request)
    require_role(client, Role.CLIENT)
    profile = get_bookable_profile_for_user(client, profile_id)
    current = get_own_intake(client)
    if current is None or current.status != IntakeStatus.SUBMITTED:
        return redirect("intake")
    error = ""
    leaving = _leaving(current)
    if request.method == "POST":
        try:
            slot = get_slot_of_profile(profile, int(request.POST.get("slot", "0") or 0))
            booking = actions.do_book_slot(
                client,
                intake=current,
                profile=profile,
                slot=slot,
                kind=request.POST.get("kind", ""),
            )
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "detail", "Choose a time.")
        else:
            messages.success(
                request,
                f"Booked: {booking.get_kind_display()} with "
                f"{profile.user.full_name}, {booking.slot}.",
            )
            if leaving is not None and booking.kind == BookingKind.FIRST_SESSION:
                return _after_transfer(client)
            return redirect("client-home")
    slots = actions.free_fitting_slots(profile, current)
    context = {
        "profile": profile,
        "slots": slots,
        "kinds": BookingKind.choices,
        "error": error,
        "leaving": leaving,
    }
    return render(request, "matching/book.html", context, status=409 if error else 200)


def waitlist(request: HttpRequest) -> HttpResponse:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    return render(
        request,
        "matching/waitlist.html",
        {
            "waiting": get_waitlist_for_user(staff),
            "therapists": get_people_for_user(staff)
            .filter(role=Role.THERAPIST, is_active=True)
            .count(),
        },
    )


@require_POST
def propose_assignment(request: HttpRequest) -> HttpResponse:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    run = actions.do_propose_assignment(staff)
    return redirect("assignment-run", run_id=run.pk)


def assignment_run(request: HttpRequest, run_id: int) -> HttpResponse:
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    run = get_assignment_run_for_user(staff, run_id)
    if request.method == "POST":
        outcome = actions.do_confirm_assignment(staff, run=run)
        messages.success(
            request,
            f"Confirmed: {outcome['placed']} placed, "
            f"{outcome['skipped']} no longer possible (still waiting).",
        )
        return redirect("waitlist")
    intakes = Intake.objects.in_bulk(
        [int(row["intake"]) for row in (*run.proposal["assignments"], *run.proposal["unassigned"])]
    )
    profiles = TherapistProfile.objects.select_related("user").in_bulk(
        [int(row["therapist"]) for row in run.proposal["assignments"]]
    )
    rows = [
        (intakes.get(int(r["intake"])), profiles.get(int(r["therapist"])), r["score"])
        for r in run.proposal["assignments"]
    ]
    unplaced = [(intakes.get(int(r["intake"])), r["reason"]) for r in run.proposal["unassigned"]]
    return render(
        request, "matching/assignment_run.html", {"run": run, "rows": rows, "unplaced": unplaced}
    )
