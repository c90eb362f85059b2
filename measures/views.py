from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import require_role
from accounts.models import Role, User
from alerts.access import get_alerts_for_user
from alerts.models import AlertState
from audit.trail import record_event
from care.access import get_current_episode_for_client, get_treating_episode_for_user
from care.models import Episode
from core.errors import DomainError
from measures import progress, registry
from measures.access import get_response_for_user, get_responses_for_user
from measures.actions import do_submit_response
from measures.forms import MeasuresForm
from measures.models import Response


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _submit_all(
    actor: User, form: MeasuresForm, *, client: User, episode: Episode, role: str
) -> list[Response]:
    """All forms on the page are stored together or not at all."""
    key = form.cleaned_data["submission_key"]
    session = progress.next_session_number(episode, role)
    with transaction.atomic():
        return [
            do_submit_response(
                actor,
                instrument_id=instrument.id,
                answers=form.answers_for(instrument),
                client=client,
                episode=episode,
                submission_key=f"{key}:{instrument.id}"[:64],
                session_number=session,
            )
            for instrument in form.instruments
        ]


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
            responses = _submit_all(user, form, client=user, episode=episode, role="client")
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
    if request.method == "POST":
        record_event("measures.crisis_resources.acknowledged", actor=user, obj=response)
        return redirect("client-progress")
    record_event("measures.crisis_resources.shown", actor=user, obj=response)
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
        "comments": responses.exclude(comment="").order_by("-administered_at")[:10],
    }
    return render(request, "measures/therapist_client.html", context)


def therapist_check_in(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = _user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    form = MeasuresForm(request.POST or None, instruments=progress.due_for_therapist(episode))
    if request.method == "POST" and form.is_valid():
        try:
            _submit_all(user, form, client=episode.client, episode=episode, role="therapist")
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
