"""A risk answer, from the client's check-in to the therapist acknowledging the alert."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import strip_tags

from alliance.alerts.models import Alert, AlertState
from alliance.audit.models import AuditEvent
from alliance.measures.models import Response
from alliance.measures.tests.test_pages import _as, _form_data, _full_answers, _setup


def test_risk_answer_shows_crisis_resources_and_alerts_the_therapist(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    data = _form_data(
        http.get(reverse("client-check-in")).content.decode(), _full_answers(phq9_item9=1)
    )
    response = http.post(reverse("client-check-in"), data)
    phq9 = Response.objects.get(instrument="phq-9")
    assert response["Location"] == reverse("client-support", args=[phq9.pk])
    support = http.get(response["Location"]).content.decode()
    assert "Tele-MANAS 14416" in strip_tags(support)
    assert '<a class="tel" href="tel:14416">14416</a>' in support  # one tap to call
    assert "Nobody is watching these answers in real time" in support
    alert = Alert.objects.get()
    assert (alert.therapist, alert.state) == (episode.therapist, AlertState.OPEN)
    http.post(reverse("client-support", args=[phq9.pk]))
    assert AuditEvent.objects.filter(action="measures.crisis_resources.acknowledged").exists()
    # The therapist sees it at the top of their home page and acknowledges it.
    therapist = _as(episode.therapist)
    home = therapist.get(reverse("therapist-home")).content.decode()
    assert "Needs your attention (1)" in home
    therapist.post(reverse("alert-acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == (AlertState.ACKNOWLEDGED, episode.therapist)
