from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import get_managed_person_for_user, get_people_for_user
from accounts.models import Role, User
from care.actions import do_start_episode
from care.forms import StartEpisodeForm
from core.errors import DomainError, NotFound


def start_episode(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff pair a client with a therapist of their clinic."""
    viewer = request.user
    assert isinstance(viewer, User)
    client = get_managed_person_for_user(viewer, person_id)
    if client.role != Role.CLIENT:
        raise NotFound("Episodes start for clients.")
    therapists = get_people_for_user(viewer).filter(role=Role.THERAPIST, is_active=True)
    form = StartEpisodeForm(
        request.POST or None,
        therapists=therapists.order_by("first_name"),
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_start_episode(
                viewer,
                client=client,
                therapist=form.cleaned_data["therapist"],
                started_on=form.cleaned_data["started_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Episode started. The client can check in after sessions.")
            return redirect("person-detail", person_id=client.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "care/start_episode.html", {"client": client, "form": form}, status=status
    )
