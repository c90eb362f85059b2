"""Alliance monitoring in the demo clinic, through the real rules and actions: the clinic's
dropout model is fitted on its history, every running episode is evaluated (so ruptures,
off-track outcomes, dropout risk and due fit reviews raise their alerts as they would have), some
alerts are worked through to resolved, and one client completes a fit review that leads to a
re-match, with consent to share their history.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.alerts.actions import do_fit_dropout_model, do_record_alert_action, do_resolve_alert
from alliance.alerts.models import Alert, AlertKind, AlertState
from alliance.alerts.monitoring import evaluate_episode
from alliance.care.models import Episode, EpisodeState
from alliance.core.errors import DomainError

ACTION_FOR = {
    AlertKind.RUPTURE: "discussed_alliance",
    AlertKind.OFF_TRACK: "adjusted_approach",
    AlertKind.DROPOUT: "contacted_client",
    AlertKind.FIT_REVIEW: "discussed_alliance",
}


def load_monitoring(clinic: Clinic, episodes: Sequence[Episode], *, skip: User) -> dict[str, int]:
    now = timezone.now()
    counts = {"alerts_raised": 0, "alerts_resolved": 0}
    with contextlib.suppress(DomainError):  # too little history (other seeds): no dropout alerts
        do_fit_dropout_model(None, clinic=clinic, now=now)
    running = [e for e in episodes if e.state in (EpisodeState.TRIAL, EpisodeState.ACTIVE)]
    for episode in running:
        counts["alerts_raised"] += len(evaluate_episode(episode, now=now).raised)
    # Every third raised alert (by age) was already worked through by its therapist.
    worked = Alert.objects.filter(
        episode__clinic=clinic, kind__in=list(ACTION_FOR), state=AlertState.OPEN
    ).exclude(therapist=skip)
    for alert in list(worked.order_by("pk"))[::3]:
        do_record_alert_action(alert.therapist, alert=alert, kind=ACTION_FOR[AlertKind(alert.kind)])
        do_resolve_alert(alert.therapist, alert=alert)
        counts["alerts_resolved"] += 1
    counts["rematched"] = int(_one_rematch(running, skip=skip))
    return counts


def _one_rematch(running: Sequence[Episode], *, skip: User) -> bool:
    """A client three sessions in chooses a different fit at their review, books a first session
    with another therapist, and lets the new therapist see their history."""
    from alliance.directory.models import TherapistProfile
    from alliance.matching import engine
    from alliance.matching.actions import do_book_slot, free_fitting_slots
    from alliance.matching.models import Intake, IntakeStatus
    from alliance.reviews.actions import (
        do_grant_history_consent,
        do_request_fit_review,
        do_submit_fit_review,
    )

    for episode in running:
        if episode.therapist_id == skip.pk or episode.sessions.filter(status="held").count() < 3:
            continue
        client = episode.client
        do_request_fit_review(client, episode=episode)
        do_submit_fit_review(
            episode.therapist, episode=episode, answers={"going": 2, "style": 2, "goals": 3}
        )
        do_submit_fit_review(
            client,
            episode=episode,
            answers={"going": 1, "style": 1, "goals": 2, "choice": "rematch"},
        )
        intake = Intake.objects.get(client=client, status=IntakeStatus.SUBMITTED)
        matcher = engine.matcher_for_clinic(episode.clinic)
        ranked = matcher.rank(engine.intake_record(intake), top=5)
        for match in ranked:
            profile = TherapistProfile.objects.get(pk=int(match.therapist))
            slots = free_fitting_slots(profile, intake)
            if not slots:
                continue
            do_book_slot(
                client, intake=intake, profile=profile, slot=slots[0], kind="first_session"
            )
            new = Episode.objects.get(client=client, state__in=["trial", "active", "paused"])
            do_grant_history_consent(client, episode=new)
            return True
        return False  # no other therapist free for this client: they stay, as in real life
    return False
