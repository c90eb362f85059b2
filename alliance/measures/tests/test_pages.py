"""The check-in, support, progress and therapist pages."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from alliance.care.actions.episodes import do_start_episode
from alliance.measures.actions import do_submit_response
from alliance.measures.models import Response
from tests.factories import make_client, make_clinic, make_therapist

CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}


def _setup():
    clinic = make_clinic(crisis_line="Tele-MANAS 14416 (24x7)")
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    episode = do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 10, 1)
    )
    return episode


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _form_data(page: str, values: dict[str, int], comment: str = "") -> dict[str, object]:
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    data: dict[str, object] = {"submission_key": key}
    for name, value in values.items():
        data[name] = str(value)
    if comment:
        data["alliance-checkin-client__checkin-not-working"] = comment
    return data


def _full_answers(phq9_item9: int = 0) -> dict[str, int]:
    answers = {f"alliance-checkin-client__{k}": v for k, v in CHECK_IN.items()}
    answers |= {f"phq-9__phq9-{n}": 1 for n in range(1, 9)} | {"phq-9__phq9-9": phq9_item9}
    answers |= {f"gad-7__gad7-{n}": 2 for n in range(1, 8)}
    answers |= {f"core-10__core10-{n}": 1 for n in range(1, 11)} | {"core-10__core10-6": 0}
    return answers


def test_check_in_page_offers_check_in_and_due_measures_on_one_screen(db: None) -> None:
    episode = _setup()
    page = _as(episode.client).get(reverse("client-check-in")).content.decode()
    # Alliance's default schedule at session 1: the check-in, PHQ-9, GAD-7 and CORE-10
    # (monthly, not given yet); WAI-SR starts at session 3.
    for title in ["Alliance Check-in (client)", "PHQ-9", "GAD-7", "CORE-10"]:
        assert title in page
    assert page.count('type="radio"') == 4 * 5 + 9 * 4 + 1 * 4 + 7 * 4 + 1 * 4 + 10 * 5
    assert "I felt a real connection with my therapist." in page
    assert "Kroenke" in page or "Pfizer" in page  # the attribution line is kept


def test_submitting_the_check_in_stores_all_and_shows_progress(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    page = http.get(reverse("client-check-in")).content.decode()
    response = http.post(
        reverse("client-check-in"), _form_data(page, _full_answers(), "ran over time")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("client-progress")
    stored = {r.instrument: r for r in Response.objects.all()}
    assert set(stored) == {"alliance-checkin-client", "phq-9", "gad-7", "core-10"}
    assert stored["alliance-checkin-client"].total == 12
    assert stored["alliance-checkin-client"].comment == "ran over time"
    assert stored["phq-9"].total == 8
    assert stored["gad-7"].total == 14
    progress = http.get(reverse("client-progress")).content.decode()
    assert "chart-data-phq-9-client" in progress
    assert "<table" in progress
    # Everything was answered at this session: nothing more is asked today.
    again = http.get(reverse("client-check-in")).content.decode()
    assert "PHQ-9" not in again
    assert "Nothing to fill in right now" in again


def test_double_posting_the_same_form_stores_one_set(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    data = _form_data(http.get(reverse("client-check-in")).content.decode(), _full_answers())
    http.post(reverse("client-check-in"), data)
    http.post(reverse("client-check-in"), data)
    assert Response.objects.count() == 4


def test_incomplete_form_stores_nothing_and_says_what_is_missing(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    answers = _full_answers()
    del answers["phq-9__phq9-4"]
    data = _form_data(http.get(reverse("client-check-in")).content.decode(), answers)
    response = http.post(reverse("client-check-in"), data)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Response.objects.exists()


def test_therapist_check_in_and_client_page(db: None) -> None:
    episode = _setup()
    http = _as(episode.therapist)
    page = http.get(reverse("therapist-check-in", args=[episode.pk])).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    fields = re.findall(r'name="(alliance-checkin-therapist__[a-z-]+)" value="0"', page)
    assert len(fields) == 4
    data = {"submission_key": key, **dict.fromkeys(fields, "3")}
    assert http.post(reverse("therapist-check-in", args=[episode.pk]), data).status_code == 302
    stored = Response.objects.get()
    assert (stored.respondent, stored.respondent_role, stored.total) == (
        episode.therapist,
        "therapist",
        12,
    )
    client_page = http.get(reverse("therapist-client", args=[episode.pk])).content.decode()
    assert "therapist's view" in client_page


def test_client_without_an_episode_is_told_what_comes(db: None) -> None:
    client = make_client()
    page = _as(client).get(reverse("client-check-in")).content.decode()
    assert "Once you have started with a therapist" in page


def test_missing_answers_are_summarised_at_the_top_with_links(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    answers = _full_answers()
    del answers["gad-7__gad7-3"]
    page = http.post(
        reverse("client-check-in"),
        _form_data(http.get(reverse("client-check-in")).content.decode(), answers),
    ).content.decode()
    assert 'id="error-summary"' in page
    assert 'href="#q-gad-7__gad7-3"' in page
    assert 'id="q-gad-7__gad7-3" aria-invalid="true"' in page


def test_times_show_in_the_persons_own_time_zone(db: None) -> None:
    episode = _setup()
    profile = episode.client.client_profile
    profile.time_zone = "Asia/Kolkata"
    profile.save()
    # 20:00 UTC on 1 Nov is 01:30 on 2 Nov in India.
    do_submit_response(
        episode.client,
        instrument_id="alliance-checkin-client",
        answers=CHECK_IN,
        client=episode.client,
        episode=episode,
        submission_key="tz-1",
        administered_at=dt.datetime(2026, 11, 1, 20, 0, tzinfo=dt.UTC),
    )
    page = _as(episode.client).get(reverse("client-progress")).content.decode()
    assert "2 Nov 2026" in page
    assert "1 Nov 2026" not in page


def test_support_page_is_only_for_risk_answers(db: None) -> None:
    episode = _setup()
    response = do_submit_response(
        episode.client,
        instrument_id="alliance-checkin-client",
        answers=CHECK_IN,
        client=episode.client,
        episode=episode,
        submission_key="plain-1",
    )
    assert _as(episode.client).get(reverse("client-support", args=[response.pk])).status_code == 404
