from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.care.access import (
    get_current_episode_for_client,
    get_treating_episode_for_user,
)
from alliance.care.models import Episode
from alliance.core.errors import DomainError, NotFound
from alliance.core.monitoring.schedule import ScheduleRule
from alliance.measures import registry, schedules
from alliance.measures.access import get_response_for_user
from alliance.measures.actions import (
    do_record_crisis_screen,
    do_set_clinic_schedule,
    do_set_episode_schedule,
    do_submit_check_in,
)
from alliance.measures.forms import MeasuresForm
from alliance.measures.models import EpisodeSchedule, Response
from alliance.measures.schedule_forms import ScheduleForm
from alliance.measures.schedules import DueNow


def _submit(actor: User, form: MeasuresForm, episode: Episode, due: DueNow) -> list[Response]:
    answers = {instrument.id: form.answers_for(instrument) for instrument in form.instruments}
    return do_submit_check_in(
        actor,
        episode=episode,
        answers_by_instrument=answers,
        submission_key=form.cleaned_data["submission_key"],
        session_number=due.session_number,
    )


def client_check_in(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.CLIENT)
    episode = get_current_episode_for_client(user)
    if episode is None:
        return render(request, "measures/check_in.html", {"episode": None})
    due = schedules.load_due_one(episode, timezone.now())
    if not due.client:
        return render(request, "measures/check_in.html", {"episode": episode, "due": due})
    instruments = [measure.instrument for measure in due.client]
    form = MeasuresForm(request.POST or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            responses = _submit(user, form, episode, due)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            critical = next((r for r in responses if r.critical), None)
            if critical is not None:
                # Audited here, with the answer that calls for it: the page's GET writes nothing.
                do_record_crisis_screen(user, response=critical, acknowledged=False)
                return redirect("client-support", response_id=critical.pk)
            messages.success(
                request, "Thank you — your answers are saved and your therapist will see them."
            )
            return redirect("client-progress")
    status = 400 if request.method == "POST" else 200
    context = {"episode": episode, "form": form, "due": due}
    return render(request, "measures/check_in.html", context, status=status)


def client_support(request: HttpRequest, response_id: int) -> HttpResponse:
    """Shown at once after a risk answer: crisis resources and an honest word on who sees it."""
    user = request_user(request)
    require_role(user, Role.CLIENT)
    response = get_response_for_user(user, response_id)
    if not response.critical:
        raise NotFound("No such page.")
    if request.method == "POST":
        do_record_crisis_screen(user, response=response, acknowledged=True)
        return redirect("client-progress")
    clinic = user.clinic
    return render(request, "measures/support.html", {"response": response, "clinic": clinic})


def therapist_check_in(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = request_user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    if not episode.is_open:
        messages.info(request, "This episode has ended; it takes no new check-ins.")
        return redirect("therapist-client", episode_id=episode.pk)
    due = schedules.load_due_one(episode, timezone.now())
    if not due.therapist:
        context = {"episode": episode, "due": due}
        return render(request, "measures/therapist_check_in.html", context)
    instruments = [measure.instrument for measure in due.therapist]
    form = MeasuresForm(request.POST or None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            _submit(user, form, episode, due)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Your check-in is saved.")
            return redirect("therapist-client", episode_id=episode.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "measures/therapist_check_in.html",
        {"episode": episode, "form": form, "due": due},
        status=status,
    )


def instruments_page(request: HttpRequest) -> HttpResponse:
    """Every instrument with its licence, and why any cannot be shown to clients yet."""
    user = request_user(request)
    require_role(user, Role.THERAPIST, Role.STAFF)
    rows = []
    for instrument in registry.all_instruments():
        allowed, reason = registry.can_show_to_respondents(instrument)
        rows.append({"instrument": instrument, "allowed": allowed, "reason": reason})
    return render(request, "measures/instruments.html", {"rows": rows})


def episode_schedule(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The treating therapist changes when measures are due in this episode."""
    user = request_user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    clinic_rules = schedules.clinic_rules(episode.clinic)
    override = EpisodeSchedule.objects.filter(episode=episode).first()
    rules = schedules.episode_rules(clinic_rules, override)
    # An instrument the episode dropped shows the clinic's numbers, ready to be switched back.
    in_force = {r.instrument: r for r in clinic_rules} | {r.instrument: r for r in rules}
    form = ScheduleForm(
        request.POST or None,
        instruments=_in_schedule_order(rules),
        current=in_force,
        clinic={rule.instrument: rule for rule in clinic_rules},
        overridden=frozenset(str(o.get("instrument")) for o in override.overrides)
        if override
        else frozenset(),
        removed=frozenset(override.removed) if override else frozenset(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_set_episode_schedule(
                user, episode=episode, overrides=form.rules, removed=form.removed
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "The schedule for this client is saved.")
            return redirect("episode-schedule", episode_id=episode.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "episode": episode,
        "form": form,
        "due": schedules.load_due_one(episode, timezone.now()),
        "is_default": not episode.clinic.measurement_schedule,
    }
    return render(request, "measures/episode_schedule.html", context, status=status)


def clinic_schedule(request: HttpRequest) -> HttpResponse:
    """Clinic staff set the schedule every episode starts from."""
    user = request_user(request)
    require_role(user, Role.STAFF)
    clinic = schedules.get_clinic_for_staff(user)
    rules = schedules.clinic_rules(clinic)
    form = ScheduleForm(
        request.POST or None,
        instruments=_in_schedule_order(rules),
        current={rule.instrument: rule for rule in rules},
    )
    if request.method == "POST" and "reset" in request.POST:
        do_set_clinic_schedule(user, clinic=clinic, rules=None)
        messages.success(request, "The clinic uses Alliance's default schedule again.")
        return redirect("clinic-schedule")
    if request.method == "POST" and form.is_valid():
        try:
            do_set_clinic_schedule(user, clinic=clinic, rules=form.rules)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "The clinic's schedule is saved.")
            return redirect("clinic-schedule")
    status = 400 if request.method == "POST" else 200
    context = {"clinic": clinic, "form": form, "is_default": not clinic.measurement_schedule}
    return render(request, "measures/clinic_schedule.html", context, status=status)


def _in_schedule_order(rules: Sequence[ScheduleRule]) -> list[schedules.Showable]:
    """Instruments in the schedule first, in its order, then the others by id."""
    found = schedules.load_instruments()
    order = [rule.instrument for rule in rules if rule.instrument in found]
    order += sorted(key for key in found if key not in order)
    return [found[key] for key in order]
