"""The demo clinic comes with months of session history, alerts and all."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from alliance.alerts.models import Alert, AlertState
from alliance.audit.models import AuditEvent
from alliance.audit.trail import verify_chain
from alliance.care.models import Episode, FrameState, FrameVersion, Session, SessionStatus
from alliance.demo.tests.demo_data import LoadedDemo
from alliance.matching import engine
from alliance.matching.models import Intake
from alliance.measures.models import Response
from alliance.reviews.models import FitReview, HistoryConsent

pytestmark = pytest.mark.slow


def test_demo_history_is_loaded_once_and_is_plausible(loaded_demo: LoadedDemo) -> None:
    assert "Session history:" in loaded_demo.output
    episodes = Episode.objects.count()
    responses = Response.objects.count()
    assert episodes >= 400
    assert responses > episodes * 10
    # Every episode with a history has answers (the re-matched client's new one starts today).
    history = Episode.objects.exclude(started_on=timezone.localdate())
    per_episode = history.annotate(n=Count("responses")).values_list("n", flat=True)
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
    open_alerts = Alert.objects.filter(state=AlertState.OPEN, kind="safety")
    assert open_alerts.values("episode").distinct().count() == open_alerts.count()
    # Loading again adds nothing, and the audit chain still verifies.
    call_command("demo", "--no-serve", stdout=StringIO())
    assert (Episode.objects.count(), Response.objects.count()) == (episodes, responses)
    assert AuditEvent.objects.filter(action="demo.history.loaded").count() == 1
    assert verify_chain().ok


def test_sample_client_is_in_active_therapy_with_the_sample_therapist(
    loaded_demo: LoadedDemo,
) -> None:
    logins = dict(line.split() for line in loaded_demo.output.splitlines() if line.startswith("  "))
    episode = Episode.objects.get(client__email=logins["client"], state="active")
    assert episode.therapist.email == logins["therapist"]
    assert Response.objects.filter(episode=episode, respondent=episode.client).count() >= 6
    waiting = Intake.objects.get(client__email=logins["waiting"], status="submitted")
    matcher = engine.matcher_for_clinic(waiting.clinic)
    ranked = matcher.rank(engine.intake_record(waiting), top=5)
    # The demo has enough history that measured effectiveness shows in this client's reasons.
    assert any("in this clinic" in reason for match in ranked for reason in match.reasons)
    # Their therapist has proposed a change to the frame that the client can accept.
    pending = episode.frames.get(state=FrameState.PROPOSED)
    assert pending.therapist_accepted_at is not None and pending.client_accepted_at is None
    assert episode.sessions.filter(status=SessionStatus.SCHEDULED).count() >= 7
    # Agreed goals with ratings, and one goal waiting for the client's agreement.
    assert episode.goals.filter(state="agreed", ratings__isnull=False).exists()
    assert episode.goals.filter(state="proposed", proposed_by=episode.therapist).count() == 1


def test_demo_frames_sessions_and_continuity(loaded_demo: LoadedDemo) -> None:
    states = set(Episode.objects.values_list("state", flat=True))
    assert states == {"trial", "active", "paused", "ended", "transferred"}
    # Every episode has an agreed frame; some have a second accepted version.
    assert not Episode.objects.filter(frames__isnull=True).exists()
    assert FrameVersion.objects.filter(state=FrameState.ACCEPTED, number=2).exists()
    statuses = Counter(Session.objects.values_list("status", flat=True))
    assert statuses["held"] > statuses["cancelled"] > 0 and statuses["no_show"] > 0
    assert Session.objects.filter(notice="late").exists()
    assert Session.objects.filter(notice="early").exists()
    assert any(s.overrun >= 10 for s in Session.objects.filter(status="held")[:3000])
    # No one is double-booked (the database would have refused it; check the data anyway).
    for person in ("therapist_id", "client_id"):
        taken = Session.objects.filter(status__in=["scheduled", "held"]).values_list(
            person, "starts_at"
        )
        assert len(taken) == len(set(taken))
    # One client paused and came back after years, with a fresh baseline.
    returner = Episode.objects.get(baseline_from__isnull=False)
    pause = returner.pauses.get()
    assert pause.resumed_on is not None
    assert (pause.resumed_on - pause.paused_on).days > 700
    assert returner.responses.filter(administered_at__date__lt=pause.paused_on).exists()
    # One therapist moved city: their in-person clients were offered the same slot online.
    offers = FrameVersion.objects.filter(note__startswith="Your therapist is moving")
    assert offers.exists()
    assert set(offers.values_list("format", flat=True)) == {"online"}
    assert offers.filter(state=FrameState.ACCEPTED).exists()
    # Monitoring ran through the real rules: every alert kind, some worked through to resolved.
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert kinds == {"safety", "rupture", "off_track", "dropout", "fit_review"}
    resolved = Alert.objects.filter(state="resolved")
    assert resolved.exists() and all(alert.actions.exists() for alert in resolved)
    # One client's fit review led to a re-match, with consent to share their history.
    review = FitReview.objects.get(client_choice="rematch")
    moved = review.episode
    assert (moved.state, moved.end_reason) == ("transferred", "rematch")
    consent = HistoryConsent.objects.get(from_episode=moved)
    assert consent.revoked_at is None
    assert consent.to_episode.client == moved.client
    assert consent.to_episode.therapist != moved.therapist


def test_demo_is_refused_in_production(settings) -> None:
    import pytest
    from django.core.management import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused when ALLIANCE_PRODUCTION=1"):
        call_command("demo", "--no-serve", stdout=StringIO())
