"""The demo clinic comes with months of session history, alerts and all."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from alerts.models import Alert, AlertState
from audit.models import AuditEvent
from audit.trail import verify_chain
from care.models import Episode
from matching import engine
from matching.models import Intake
from measures.models import Response


def test_demo_history_is_loaded_once_and_is_plausible(db: None) -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "Session history:" in out.getvalue()
    episodes = Episode.objects.count()
    responses = Response.objects.count()
    assert episodes >= 400
    assert responses > episodes * 10
    per_episode = Episode.objects.annotate(n=Count("responses")).values_list("n", flat=True)
    assert min(per_episode) > 0
    assert set(Response.objects.values_list("instrument", flat=True)) == {
        "alliance-checkin-client",
        "alliance-checkin-therapist",
        "phq-9",
        "gad-7",
        "core-10",
    }
    ended = Episode.objects.filter(state="ended")
    assert ended.filter(end_reason="dropout").exists()
    assert ended.filter(end_reason="planned_ending").exists()
    # Each risk answer has its safety alert; only the latest per episode is still open.
    critical = Response.objects.filter(critical=True)
    assert critical.exists()
    assert Alert.objects.filter(response__in=critical).count() == critical.count()
    open_alerts = Alert.objects.filter(state=AlertState.OPEN)
    assert open_alerts.values("episode").distinct().count() == open_alerts.count()
    # Loading again adds nothing, and the audit chain still verifies.
    call_command("demo", "--no-serve", stdout=StringIO())
    assert (Episode.objects.count(), Response.objects.count()) == (episodes, responses)
    assert AuditEvent.objects.filter(action="demo.history.loaded").count() == 1
    assert verify_chain().ok


def test_sample_client_is_in_active_therapy_with_the_sample_therapist(db: None) -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    logins = dict(line.split() for line in out.getvalue().splitlines() if line.startswith("  "))
    episode = Episode.objects.get(client__email=logins["client"], state="active")
    assert episode.therapist.email == logins["therapist"]
    assert Response.objects.filter(episode=episode, respondent=episode.client).count() >= 6
    waiting = Intake.objects.get(client__email=logins["waiting"], status="submitted")
    matcher = engine.matcher_for_clinic(waiting.clinic)
    ranked = matcher.rank(engine.intake_record(waiting), top=5)
    # The demo has enough history that measured effectiveness shows in this client's reasons.
    assert any("in this clinic" in reason for match in ranked for reason in match.reasons)


def test_demo_is_refused_in_production(settings) -> None:
    import pytest
    from django.core.management import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused when ALLIANCE_PRODUCTION=1"):
        call_command("demo", "--no-serve", stdout=StringIO())
