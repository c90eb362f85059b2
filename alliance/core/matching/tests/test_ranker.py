"""The ranker: hand-computed scores for a tiny roster, reasons and unmet preferences, ties,
measured effectiveness, and the settings' documented defaults."""

from __future__ import annotations

import pytest

from alliance.core.matching.effectiveness import TherapistEffectiveness
from alliance.core.matching.ranker import Match, Matcher, Weights
from alliance.core.matching.records import Outcome, RecordError, Slot, TimeWindow
from alliance.core.matching.tests import THURSDAY, make_intake, make_therapist

# The client: anxiety and sleep, English, online or in person in Pune, up to 2000, Thursday
# 17:00-21:00, prefers a supportive style, a counselling psychologist, a woman.
CLIENT = make_intake(
    styles=("supportive",),
    professions=("counselling_psychologist",),
    therapist_gender="female",
)

ROSTER = (
    # Everything asked for; Thursday 18:00-18:50 sits min(60, 130) = 60 minutes inside.
    make_therapist(id="ta"),
    # Treats anxiety only, directive, clinical psychologist, a man; in person in "PUNE";
    # fee 2500 with a sliding scale from 1800; Thursday 17:00-18:00, 0 minutes inside.
    make_therapist(
        id="tb",
        profession="clinical_psychologist",
        styles=("directive",),
        concerns=("anxiety",),
        formats=("in_person",),
        city="PUNE",
        fee=2500.0,
        sliding_scale_min=1800.0,
        gender="male",
        slots=(Slot(THURSDAY, "17:00", 60),),
    ),
    # Treats sleep and stress, supportive, a counsellor, a woman, online; Thursday 20:00-20:50,
    # min(180, 10) = 10 minutes inside.
    make_therapist(
        id="tc",
        profession="counsellor",
        styles=("supportive", "facilitative"),
        concerns=("sleep", "stress"),
        formats=("online",),
        city="",
        slots=(Slot(THURSDAY, "20:00", 50),),
    ),
    # Fails a hard constraint: no shared language.
    make_therapist(id="td", languages=("ta",)),
)

# Default weights: concerns 3, styles 2, professions 1, gender 1, slot 1, effectiveness 2 (sum
# 10). Without outcomes, effectiveness is 0.5 for everyone. score = 100 * sum(w * c) / 10.
#   ta: 3*1   + 2*1 + 1*1 + 1*1 + 1*1                + 2*0.5 = 9.0      -> 90.00
#   tb: 3*0.5 + 2*0 + 1*0 + 1*0 + 1*0.5              + 2*0.5 = 3.0      -> 30.00
#   tc: 3*0.5 + 2*1 + 1*0 + 1*1 + 1*(0.5+0.5*10/60)  + 2*0.5 = 6.08333  -> 60.83
EXPECTED = [("ta", 90.0), ("tc", 60.83), ("tb", 30.0)]


def test_hand_computed_scores() -> None:
    ranked = Matcher().fit(ROSTER).rank(CLIENT)
    assert [(m.therapist, m.score) for m in ranked] == EXPECTED


def test_reasons_and_unmet_in_plain_language() -> None:
    ranked = {m.therapist: m for m in Matcher().fit(ROSTER).rank(CLIENT)}
    assert ranked["ta"] == Match(
        "ta",
        90.0,
        reasons=(
            "treats anxiety and worry",
            "treats sleep",
            "works in a supportive style",
            "a counselling psychologist, as you asked",
            "a woman, as you preferred",
            "Thursday 18:00 is free",
            "speaks English",
            "offers online sessions, or in person in Pune",
            "fee 1500 is within your maximum 2000",
        ),
        unmet=(),
    )
    assert ranked["tb"].reasons == (
        "treats anxiety and worry",
        "Thursday 17:00 is free",
        "speaks English",
        "sees clients in person in PUNE",
        "sliding-scale fee from 1800 fits your maximum 2000 (full fee 2500)",
    )
    assert ranked["tb"].unmet == (
        "does not list sleep among their concerns",
        "does not work in a supportive style, as you preferred",
        "not a counselling psychologist, as you preferred",
        "not a woman, as you preferred",
    )
    assert ranked["tc"].unmet == (
        "does not list anxiety and worry among their concerns",
        "not a counselling psychologist, as you preferred",
    )


def test_more_free_times_and_languages_are_summarised() -> None:
    therapist = make_therapist(
        languages=("hi", "en", "ta"),
        slots=(Slot(THURSDAY, "17:00", 50), Slot(THURSDAY, "18:30", 50), Slot(0, "10:00", 50)),
    )
    intake = make_intake(languages=("en", "hi"), times=(TimeWindow(THURSDAY, "17:00", "21:00"),))
    match = Matcher().fit([therapist]).explain(intake, "t1")
    assert match is not None
    # 18:30-19:20 is min(90, 100) = 90 minutes inside; 17:00 is 0 minutes inside.
    assert "Thursday 18:30 is free" in match.reasons
    assert "1 other free time suits you" in match.reasons
    assert "speaks Hindi and English" in match.reasons


def test_no_preferences_means_full_marks_on_them() -> None:
    # concerns 1, styles 1, professions 1, gender 1, slot 1, effectiveness 0.5: 9/10 -> 90.
    ranked = Matcher().fit([make_therapist()]).rank(make_intake(concerns=()))
    assert [(m.score, m.unmet) for m in ranked] == [(90.0, ())]


def test_custom_weights() -> None:
    only_concerns = Weights(concerns=1, styles=0, professions=0, gender=0, slot=0, effectiveness=0)
    ranked = Matcher(weights=only_concerns).fit(ROSTER).rank(CLIENT)
    # Concern coverage alone: ta 2/2, tb 1/2, tc 1/2; the tie is broken by id.
    assert [(m.therapist, m.score) for m in ranked] == [("ta", 100.0), ("tb", 50.0), ("tc", 50.0)]


def test_weight_defaults_are_documented_values() -> None:
    assert Weights() == Weights(3.0, 2.0, 1.0, 1.0, 1.0, 2.0)
    assert Weights().total == 10.0


@pytest.mark.parametrize(
    "weights",
    [{"concerns": -1.0}, {"slot": float("nan")}, {"styles": float("inf")}, {"gender": True}],
)
def test_bad_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Weights(**weights)


def test_all_zero_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        Weights(0, 0, 0, 0, 0, 0)


def test_ties_are_broken_by_id_whatever_the_roster_order() -> None:
    twins = [make_therapist(id=name) for name in ("t3", "t10", "t1", "t2")]
    for roster in (twins, twins[::-1]):
        ranked = Matcher().fit(roster).rank(make_intake())
        assert [m.therapist for m in ranked] == ["t1", "t10", "t2", "t3"]
        assert len({m.score for m in ranked}) == 1


def test_top_limits_the_list() -> None:
    matcher = Matcher().fit(ROSTER)
    assert [m.therapist for m in matcher.rank(CLIENT, top=2)] == ["ta", "tc"]
    assert matcher.rank(CLIENT, top=0) == []
    assert len(matcher.rank(CLIENT, top=10)) == 3
    with pytest.raises(ValueError, match="top"):
        matcher.rank(CLIENT, top=-1)


def test_explain_and_why_not() -> None:
    matcher = Matcher().fit(ROSTER)
    ranked = {m.therapist: m for m in matcher.rank(CLIENT)}
    assert matcher.explain(CLIENT, "tc") == ranked["tc"]
    assert matcher.explain(CLIENT, "td") is None
    assert matcher.explain(CLIENT, "nobody") is None
    assert matcher.why_not(CLIENT, "td") == ("no shared language",)
    assert matcher.why_not(CLIENT, "ta") == ()
    assert matcher.why_not(CLIENT, "nobody") == ("no therapist 'nobody' on the roster",)


def test_impossible_intake_gets_an_empty_result_with_reasons() -> None:
    intake = make_intake(languages=("sv",))
    matcher = Matcher().fit(ROSTER)
    assert matcher.rank(intake) == []
    assert {matcher.why_not(intake, t.id) for t in ROSTER} == {("no shared language",)}


def test_exclusion_removes_the_best_match() -> None:
    intake = make_intake(
        styles=("supportive",),
        professions=("counselling_psychologist",),
        therapist_gender="female",
        exclude=("ta",),
    )
    assert [m.therapist for m in Matcher().fit(ROSTER).rank(intake)] == ["tc", "tb"]


def test_duplicate_roster_ids_are_refused() -> None:
    with pytest.raises(RecordError, match=r"roster\[1\] \(id 't1'\)\.id: duplicate"):
        Matcher().fit([make_therapist(), make_therapist()])


def test_score_pairs_lists_feasible_pairs_with_rank_scores() -> None:
    matcher = Matcher().fit(ROSTER)
    other = make_intake(id="c2", languages=("ta",))
    clients, therapists, scores = matcher.score_pairs([CLIENT, other])
    assert clients.dtype.name == therapists.dtype.name == "int32"
    assert scores.dtype.name == "float64"
    # CLIENT: ta (row 0) 90, tb (row 1) 30, tc (row 2) 60.83; other: only td (row 3) speaks ta,
    # and with no preferences scores 3*1 + 2 + 1 + 1 + 1*1 + 2*0.5 = 9 -> 90.
    assert list(zip(clients.tolist(), therapists.tolist(), scores.tolist(), strict=True)) == [
        (0, 0, 90.0),
        (0, 1, 30.0),
        (0, 2, 60.83),
        (1, 3, 90.0),
    ]
    empty = matcher.score_pairs([])
    assert [a.size for a in empty] == [0, 0, 0]


# --- measured effectiveness ----------------------------------------------------------------


def _outcomes(therapist: str, changes: list[float]) -> list[Outcome]:
    return [Outcome(therapist, "anxiety", "x", 10.0, 10.0 - c) for c in changes]


# 16 cases each, every client starting at 10: A improves 1 or 3 (mean 2), B -1 or 1 (mean 0),
# C 0 or 2 (mean 1). Residuals: A +1, B -1, C 0; sigma^2 = 48/45. With k = 48 the shrunk
# effects are +-16/64 = +-0.25; with k = 4 they are +-0.8 and A's interval excludes 0.
OUTCOMES = _outcomes("A", [1, 3] * 8) + _outcomes("B", [-1, 1] * 8) + _outcomes("C", [0, 2] * 8)


def test_effectiveness_moves_the_score_by_hand() -> None:
    roster = [make_therapist(id=name) for name in ("A", "B", "C", "New")]
    model = TherapistEffectiveness(min_cases=15, prior_cases=48, instrument_sd={"x": 1.0})
    ranked = (
        Matcher(effectiveness=model).fit(roster, OUTCOMES).rank(make_intake(concerns=("anxiety",)))
    )
    # Other components all 1 (3 + 2 + 1 + 1 + 1 = 8); effectiveness = clip(0.5 + effect):
    #   A 0.75 -> 8 + 1.5 = 9.5 -> 95; C and New 0.5 -> 90; B 0.25 -> 8.5 -> 85.
    assert [(m.therapist, m.score) for m in ranked] == [
        ("A", 95.0),
        ("C", 90.0),
        ("New", 90.0),
        ("B", 85.0),
    ]
    # 0.25 - 1.96 * sqrt(48/45) / 8 = -0.003: not a strong result. A, B and C are measured
    # (16 cases each) and none is clearly different from the clinic (B: -0.25 + 0.253 >= 0),
    # so each says so with its count; the new therapist says nothing at all.
    by_id = {m.therapist: m for m in ranked}
    assert not any("strong results" in reason for m in ranked for reason in m.reasons)
    around = "results with anxiety and worry in this clinic are around the clinic average (n = 16)"
    for name in ("A", "B", "C"):
        assert around in by_id[name].reasons
    assert not any("result" in reason for reason in by_id["New"].reasons)


def test_strong_results_are_a_reason_and_weak_ones_are_never_spelled_out() -> None:
    # With k = 4, B's effect is -0.8 and its interval lies below the clinic mean: the score says
    # so, the reasons do not (no reason is ever a criticism).
    roster = [make_therapist(id=name) for name in ("A", "B", "New")]
    model = TherapistEffectiveness(min_cases=15, prior_cases=4, instrument_sd={"x": 1.0})
    matcher = Matcher(effectiveness=model).fit(roster, OUTCOMES)
    ranked = {m.therapist: m for m in matcher.rank(make_intake(concerns=("anxiety",)))}
    assert "strong results with anxiety and worry in this clinic (n = 16)" in ranked["A"].reasons
    for name in ("B", "New"):
        text = ranked[name].reasons + ranked[name].unmet
        assert not any("result" in line or "new" in line.lower() for line in text)
    # A new therapist sits exactly at the clinic mean: between A and B.
    assert ranked["A"].score > ranked["New"].score > ranked["B"].score


def test_fit_uses_a_fitted_copy_of_the_effectiveness_settings() -> None:
    model = TherapistEffectiveness(min_cases=2)
    matcher = Matcher(effectiveness=model).fit(ROSTER, OUTCOMES)
    assert not hasattr(model, "effects_")
    assert matcher.effectiveness_ is not model
    assert matcher.effectiveness_.min_cases == 2
