from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import require_role
from accounts.models import Role, User
from alerts.access import get_alerts_for_user
from alerts.models import AlertState
from care.access import get_current_episode_for_client, get_treating_episode_for_user
from care.models import Episode
from core.errors import DomainError, NotFound
from measures import progress, registry
from measures.access import get_response_for_user, get_responses_for_user
from measures.actions import do_record_crisis_screen, do_submit_check_in
from measures.forms import MeasuresForm
from measures.models import RespondentRole, Response


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _submit(actor: User, form: MeasuresForm, episode: Episode) -> list[Response]:
    answers = {instrument.id: form.answers_for(instrument) for instrument in form.instruments}
    return do_submit_check_in(
        actor,
        episode=episode,
        answers_by_instrument=answers,
        submission_key=form.cleaned_data["submission_key"],
    )


def client_check_in(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_role(user, Role.CLIENT)
    episode = get_current_episode_for_client(user)
    if episode is None:
        return render(request, "measures/check_in.html", {"episode": None})
    form = MeasuresForm(
        request.POST or None, instruments=progress.due_for_client(episode, timezone.now())
    )
    if request.method == "POST" and form.is_valid():
        try:
            responses = _submit(user, form, episode)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            critical = next((r for r in responses if r.critical), None)
            if critical is not None:
                return redirect("client-support", response_id=critical.pk)
            messages.success(
                request, "Thank you — your answers are saved and your therapist will see them."
            )
            return redirect("client-progress")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "measures/check_in.html", {"episode": episode, "form": form}, status=status
    )


def client_support(request: HttpRequest, response_id: int) -> HttpResponse:
    """Shown at once after a risk answer: crisis resources and an honest word on who sees it."""
    user = _user(request)
    require_role(user, Role.CLIENT)
    response = get_response_for_user(user, response_id)
    if not response.critical:
        raise NotFound("No such page.")
    do_record_crisis_screen(user, response=response, acknowledged=request.method == "POST")
    if request.method == "POST":
        return redirect("client-progress")
    clinic = user.clinic
    return render(request, "measures/support.html", {"response": response, "clinic": clinic})


def client_progress(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_role(user, Role.CLIENT)
    series = progress.build_series(get_responses_for_user(user))
    return render(request, "measures/progress.html", {"series": series, "person": user})


def therapist_client(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = _user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    responses = get_responses_for_user(user).filter(episode=episode)
    alerts = get_alerts_for_user(user).filter(episode=episode).exclude(state=AlertState.RESOLVED)
    context = {
        "episode": episode,
        "series": progress.build_series(responses),
        "alerts": alerts,
        "comments": responses.filter(respondent_role=RespondentRole.CLIENT)
        .exclude(comment="")
        .order_by("-administered_at")[:10],
    }
    return render(request, "measures/therapist_client.html", context)


def therapist_check_in(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = _user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    if not episode.is_open:
        messages.info(request, "This episode has ended; it takes no new check-ins.")
        return redirect("therapist-client", episode_id=episode.pk)
    form = MeasuresForm(request.POST or None, instruments=progress.due_for_therapist(episode))
    if request.method == "POST" and form.is_valid():
        try:
            _submit(user, form, episode)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Your check-in is saved.")
            return redirect("therapist-client", episode_id=episode.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "measures/therapist_check_in.html",
        {"episode": episode, "form": form},
        status=status,
    )


def instruments_page(request: HttpRequest) -> HttpResponse:
    """Every instrument with its licence, and why any cannot be shown to clients yet."""
    user = _user(request)
    require_role(user, Role.THERAPIST, Role.STAFF)
    rows = []
    for instrument in registry.all_instruments():
        allowed, reason = registry.can_show_to_respondents(instrument)
        rows.append({"instrument": instrument, "allowed": allowed, "reason": reason})
    return render(request, "measures/instruments.html", {"rows": rows})
