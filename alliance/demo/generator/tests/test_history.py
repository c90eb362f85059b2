"""Tests for the session-history generator: determinism, valid answers, schedule, endings, and
the clinical shape of the data (dropout share, alliance-outcome r, therapist effects, item 9).

Targets and tolerances come from the published sources named per test (full references in
docs/reference/sources.md); see docs/demo.md, "Session history".
"""

from __future__ import annotations

import ast
import itertools
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.measures import Instrument, parse_instrument, score_response
from alliance.core.measures.definitions import AnswerKind
from alliance.demo.generator import (
    DemoClient,
    DemoClinic,
    DemoEpisode,
    DemoResponse,
    DemoSettings,
    DemoTherapist,
    HistorySettings,
    generate_clinic,
    generate_history,
)
from alliance.demo.generator.history import REQUIRED_INSTRUMENTS

ROOT = Path(__file__).resolve().parents[4]
TODAY = date(2025, 3, 3)
CHECKINS = ("alliance-checkin-client", "alliance-checkin-therapist")
EVERY_SESSION = (*CHECKINS, "phq-9", "gad-7")


@cache
def load_instruments() -> dict[str, Instrument]:
    """Every instrument file, parsed the way the loader will (tests may read files)."""
    forms = {}
    for path in sorted((ROOT / "alliance" / "instruments").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        forms[document["id"]] = parse_instrument(document, f"instruments/{path.name}")
    return forms


@pytest.fixture(scope="module")
def clinic() -> DemoClinic:
    return generate_clinic()


@pytest.fixture(scope="module")
def episodes(clinic: DemoClinic) -> tuple[DemoEpisode, ...]:
    return generate_history(clinic, load_instruments(), TODAY)


def _total(response: DemoResponse) -> float:
    return score_response(load_instruments()[response.instrument], dict(response.answers)).total


def _totals(episode: DemoEpisode, instrument: str) -> list[float]:
    """Scored totals of ``instrument`` over the episode's held sessions, in order."""
    return [_total(r) for s in episode.sessions for r in s.responses if r.instrument == instrument]


def _held(episode: DemoEpisode) -> int:
    return sum(s.status == "held" for s in episode.sessions)


def _can_attend(client: DemoClient, therapist: DemoTherapist) -> bool:
    """A shared language, not excluded, and a format that works (docs/demo.md, matching)."""
    if not set(client.languages) & set(therapist.languages):
        return False
    if therapist.key in client.excluded_therapists:
        return False
    in_person = therapist.city == client.city and "in_person" in therapist.formats
    online = "online" in therapist.formats
    return {"in_person": in_person, "online": online}.get(
        client.format_preference, in_person or online
    )


# --- invariants, shared by the default clinic and the hypothesis test --------------------------


def check_response(response: DemoResponse) -> None:
    form = load_instruments()[response.instrument]
    assert response.respondent == form.respondent.value
    expected_ids = [i.link_id for i in form.items if i.answer_set.kind is not AnswerKind.TEXT]
    assert [link_id for link_id, _ in response.answers] == expected_ids
    for link_id, value in response.answers:
        assert value is not None
        assert form.item(link_id).answer_set.accepts(value), (form.id, link_id, value)
    score = score_response(form, dict(response.answers))
    assert score.min <= score.total <= score.max
    if response.instrument not in CHECKINS:
        assert response.comment == ""


def check_episode(episode: DemoEpisode, c: DemoClinic, today: date, months: int) -> None:
    sessions = episode.sessions
    assert sessions, episode.client_key
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
    assert [s.on for s in sessions] == [
        episode.started_on + timedelta(weeks=k) for k in range(len(sessions))
    ]
    assert sessions[-1].on <= today
    assert (today - episode.started_on).days < round(months * 30.44)
    therapist = next(t for t in c.therapists if t.key == episode.therapist_key)
    assert episode.started_on.weekday() in {slot.weekday for slot in therapist.slots}
    assert sessions[0].status == "held"
    held = 0
    for session in sessions:
        assert session.status in {"held", "no_show", "cancelled_late", "cancelled"}
        if session.status != "held":
            assert session.responses == ()
            continue
        held += 1
        names = [r.instrument for r in session.responses]
        core = ["core-10"] if (held - 1) % 4 == 0 else []
        assert sorted(names) == sorted([*EVERY_SESSION, *core])
        for response in session.responses:
            check_response(response)
    check_ending(episode, today)


def check_ending(episode: DemoEpisode, today: date) -> None:
    """No sessions after an ending; each ending looks like what its reason says."""
    last = episode.sessions[-1]
    if episode.state == "active":
        assert episode.end_reason == ""
        # An active episode has no unrecorded session due on or before today.
        assert last.on + timedelta(weeks=1) > today or last.status != "held"
        return
    assert episode.state == "ended"
    if episode.end_reason == "planned_ending":
        assert last.status == "held"
    else:
        assert episode.end_reason == "dropout"
        statuses = [s.status for s in episode.sessions]
        last_held = max(i for i, status in enumerate(statuses) if status == "held")
        trailing = statuses[last_held + 1 :]
        assert 1 <= len(trailing) <= 3
        assert set(trailing) <= {"no_show", "cancelled_late"}
        assert last.on + timedelta(days=14) <= today


def check_matching(c: DemoClinic, episodes: tuple[DemoEpisode, ...]) -> None:
    clients = {client.key: client for client in c.clients}
    therapists = {t.key: t for t in c.therapists}
    assert len({e.client_key for e in episodes}) == len(episodes)
    for episode in episodes:
        client, therapist = clients[episode.client_key], therapists[episode.therapist_key]
        assert _can_attend(client, therapist), (client.key, therapist.key)
    waiting = set(clients) - {e.client_key for e in episodes}
    for key in waiting:
        assert not any(_can_attend(clients[key], t) for t in c.therapists), key


# --- the default clinic ----------------------------------------------------------------------


def test_same_inputs_give_identical_history(
    clinic: DemoClinic, episodes: tuple[DemoEpisode, ...]
) -> None:
    assert generate_history(clinic, load_instruments(), TODAY) == episodes
    other = generate_history(clinic, load_instruments(), TODAY, HistorySettings(seed=8))
    assert other != episodes


def test_adding_clients_leaves_earlier_histories_alone(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    small = generate_clinic(DemoSettings(n_clients=40))
    smaller = generate_history(small, load_instruments(), TODAY)
    assert smaller == tuple(e for e in episodes if int(e.client_key[1:]) <= 40)


def test_every_episode_is_well_formed(
    clinic: DemoClinic, episodes: tuple[DemoEpisode, ...]
) -> None:
    for episode in episodes:
        check_episode(episode, clinic, TODAY, HistorySettings().months)


def test_therapists_fit_their_clients_and_share_the_load(
    clinic: DemoClinic, episodes: tuple[DemoEpisode, ...]
) -> None:
    check_matching(clinic, episodes)
    # c030 speaks only Bengali and the one Bengali-speaking therapist works only in person, in
    # another city; c077 wants in-person sessions in Pune and no therapist there speaks their
    # languages. Both stay on the waiting list.
    assert {c.key for c in clinic.clients} - {e.client_key for e in episodes} == {"c030", "c077"}
    load = Counter(e.therapist_key for e in episodes)
    assert set(load) == {t.key for t in clinic.therapists}
    assert max(load.values()) - min(load.values()) <= 3


def test_excluded_therapists_are_never_assigned(
    clinic: DemoClinic, episodes: tuple[DemoEpisode, ...]
) -> None:
    excluded = {c.key: c.excluded_therapists for c in clinic.clients if c.excluded_therapists}
    assert excluded  # the default clinic has some, so the check below is not vacuous
    for episode in episodes:
        assert episode.therapist_key not in excluded.get(episode.client_key, ())


def test_about_one_in_five_drop_out(episodes: tuple[DemoEpisode, ...]) -> None:
    # Swift & Greenberg 2012: 19.7 %. Recent would-be dropouts are still
    # active on ``today``, so the observed share runs a little below the setting.
    dropouts = sum(e.end_reason == "dropout" for e in episodes)
    assert 0.12 <= dropouts / len(episodes) <= 0.28
    for episode in episodes:
        if episode.end_reason == "dropout":
            assert _held(episode) <= 5


def test_dropouts_rate_the_early_alliance_lower(episodes: tuple[DemoEpisode, ...]) -> None:
    # Sharf et al. 2010: weaker alliance predicts dropout, d = .55.
    early: dict[bool, list[float]] = {True: [], False: []}
    for episode in episodes:
        totals = _totals(episode, "alliance-checkin-client")[:3]
        early[episode.end_reason == "dropout"].append(statistics.mean(totals))
    assert statistics.mean(early[True]) < statistics.mean(early[False])


def test_alliance_correlates_with_outcome_like_the_meta_analysis(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    # Flückiger et al. 2018: r = .278. Mean client check-in against PHQ-9
    # change (first minus last; positive = better) over episodes with at least two sessions.
    alliance, change = [], []
    for episode in episodes:
        phq = _totals(episode, "phq-9")
        if len(phq) >= 2:
            alliance.append(statistics.mean(_totals(episode, "alliance-checkin-client")))
            change.append(phq[0] - phq[-1])
    assert 0.15 <= statistics.correlation(alliance, change) <= 0.45


def test_therapists_differ_in_outcome(episodes: tuple[DemoEpisode, ...]) -> None:
    changes: dict[str, list[float]] = defaultdict(list)
    for episode in episodes:
        phq = _totals(episode, "phq-9")
        if len(phq) >= 2:
            changes[episode.therapist_key].append(phq[0] - phq[-1])
    means = [statistics.mean(values) for values in changes.values() if len(values) >= 2]
    assert len(means) >= 10
    assert statistics.variance(means) > 0


def test_planned_endings_follow_improvement(episodes: tuple[DemoEpisode, ...]) -> None:
    def mean_change(reason: str) -> float:
        changes = []
        for e in episodes:
            phq = _totals(e, "phq-9")
            if e.end_reason == reason and len(phq) >= 2:
                changes.append(phq[0] - phq[-1])
        return statistics.mean(changes)

    reasons = Counter(e.end_reason for e in episodes)
    assert reasons["planned_ending"] >= 10
    assert reasons[""] >= 10  # plenty still in therapy
    assert mean_change("planned_ending") >= 6  # a reliable PHQ-9 improvement (NHS TT)
    assert mean_change("planned_ending") > mean_change("dropout")


def test_item_9_is_sometimes_positive_and_more_so_when_severe(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    positive: list[float] = []
    negative: list[float] = []
    for episode in episodes:
        for session in episode.sessions:
            for response in session.responses:
                if response.instrument == "phq-9":
                    answers = dict(response.answers)
                    group = positive if answers["phq9-9"] else negative
                    group.append(_total(response))
    share = len(positive) / (len(positive) + len(negative))
    assert 0.02 <= share <= 0.2
    assert statistics.mean(positive) > statistics.mean(negative)


def test_missed_sessions_are_occasional_and_commoner_in_dropouts(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    def missed_share(dropout: bool) -> float:
        statuses = [
            s.status for e in episodes if (e.end_reason == "dropout") == dropout for s in e.sessions
        ]
        return sum(status != "held" for status in statuses) / len(statuses)

    assert 0.03 <= missed_share(dropout=False) <= 0.2
    assert missed_share(dropout=True) > missed_share(dropout=False)
    statuses = Counter(s.status for e in episodes for s in e.sessions)
    assert statuses["no_show"] and statuses["cancelled_late"] and statuses["cancelled"]


def test_ruptures_dip_the_alliance_in_a_minority_of_sessions(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    drops, steps = 0, 0
    for episode in episodes:
        totals = _totals(episode, "alliance-checkin-client")
        steps += max(0, len(totals) - 1)
        drops += sum(later <= earlier - 4 for earlier, later in itertools.pairwise(totals))
    assert 0 < drops < 0.1 * steps


def test_comments_are_mostly_empty_and_commoner_when_the_rating_is_low(
    episodes: tuple[DemoEpisode, ...],
) -> None:
    low: list[bool] = []
    high: list[bool] = []
    for episode in episodes:
        for session in episode.sessions:
            for response in session.responses:
                if response.instrument == "alliance-checkin-client":
                    (low if _total(response) <= 10 else high).append(bool(response.comment))
    assert sum(low) + sum(high) < 0.25 * (len(low) + len(high))
    assert statistics.mean(low) > statistics.mean(high)


def test_measures_follow_the_latent_course(episodes: tuple[DemoEpisode, ...]) -> None:
    # National means at caseness: PHQ-9 15.4 at intake (NHS Talking Therapies 2022-23).
    intake = [_totals(e, "phq-9")[0] for e in episodes]
    assert 13 <= statistics.mean(intake) <= 18
    long = [e for e in episodes if _held(e) >= 8]
    first = statistics.mean(_totals(e, "phq-9")[0] for e in long)
    eighth = statistics.mean(_totals(e, "phq-9")[7] for e in long)
    assert first - eighth >= 3  # about 39 % better by session 8 on average


# --- settings and inputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"months": 0},
        {"dropout_rate": 1.0},
        {"dropout_rate": -0.1},
        {"risk_item_rate": 0.6},
        {"rupture_rate": -0.01},
        {"therapist_effect_sd": -0.1},
        {"dropout_alliance_d": -1.0},
        {"alliance_outcome_r": 0.9, "therapist_effect_sd": 0.5},
    ],
)
def test_bad_settings_are_refused(changes: Mapping[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        HistorySettings(**changes)  # type: ignore[arg-type]


def test_missing_instruments_are_refused(clinic: DemoClinic) -> None:
    forms = {k: v for k, v in load_instruments().items() if k != "core-10"}
    with pytest.raises(ValueError, match="core-10"):
        generate_history(clinic, forms, TODAY)


def test_no_dropouts_when_the_rate_is_zero(clinic: DemoClinic) -> None:
    quiet = generate_history(clinic, load_instruments(), TODAY, HistorySettings(dropout_rate=0))
    assert not any(e.end_reason == "dropout" for e in quiet)


def test_licensed_instruments_are_never_generated(episodes: tuple[DemoEpisode, ...]) -> None:
    used = {r.instrument for e in episodes for s in e.sessions for r in s.responses}
    assert used == set(REQUIRED_INSTRUMENTS)


def test_module_is_pure() -> None:
    """No Django, no I/O, no clock: only ``date`` arithmetic on the ``today`` passed in."""
    source = ROOT / "alliance" / "demo" / "generator" / "history.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    forbidden = {"django", "os", "io", "pathlib", "time", "json", "numpy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & forbidden
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] not in forbidden
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"today", "now", "utcnow"}, node.lineno
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "print", "input"}


# --- any clinic --------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    n_clients=st.integers(min_value=0, max_value=12),
    months=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=0, max_value=3000),
)
def test_any_clinic_gives_valid_history(seed: int, n_clients: int, months: int, day: int) -> None:
    c = generate_clinic(DemoSettings(seed=seed, n_therapists=6, n_clients=n_clients))
    today = date(2020, 1, 1) + timedelta(days=day)
    history = generate_history(c, load_instruments(), today, HistorySettings(seed, months))
    check_matching(c, history)
    for episode in history:
        check_episode(episode, c, today, months)
