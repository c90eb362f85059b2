from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.models import User
from alerts.access import get_alert_for_user
from alerts.actions import do_acknowledge_alert


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    alert = get_alert_for_user(user, alert_id)
    do_acknowledge_alert(user, alert=alert)
    messages.success(request, "Alert acknowledged. Follow it up with the client.")
    return redirect("therapist-client", episode_id=alert.episode_id)
