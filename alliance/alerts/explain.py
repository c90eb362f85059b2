"""An alert in plain words: which rule fired, on which scores, what it means, what to do next.

Built from ``Alert.explanation`` (ids, numbers and the sentences the core rules wrote), so the
page shows exactly what the rule saw. Clinic staff get a shorter view with no scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.timesince import timesince

from alliance.alerts.models import Alert, AlertKind

OUTCOME_WORDS = {
    "held": "attended",
    "late_cancel": "cancelled late",
    "early_cancel": "cancelled with notice",
    "no_show": "did not come",
}
CHECKIN_HEAD: tuple[str, ...] = (
    "Session",
    "Client check-in (0-16)",
    "Therapist check-in (0-16)",
    "Comment",
)
FEATURE_WORDS = {
    "early_alliance": "Check-in average over the first sessions (0-16)",
    "attendance": "Share of sessions attended",
    "change_so_far": "PHQ-9 change so far, in reliable-change units (negative = better)",
    "days_since_last": "Days since the last session held",
}

NEXT_STEPS: Mapping[str, tuple[str, ...]] = {
    AlertKind.SAFETY: (
        "Contact the client today, or as your clinic's safety protocol requires.",
        "Assess the risk with the client: an answer above 0 is not a verdict, but it is never "
        "ignored, whatever the total.",
        "Make or review a safety plan together, including the crisis line.",
        "Record below what you did, then resolve the alert.",
    ),
    AlertKind.RUPTURE: (
        "Invite the client, next session, to say how the work together is going for them.",
        "Name what you noticed without blame and acknowledge your part: repairing a rupture "
        "tends to strengthen the alliance.",
        "Revisit the goals and tasks you agreed; adjust the approach if they no longer fit.",
        "Record below what you did; the next check-ins will show whether it helped.",
    ),
    AlertKind.OFF_TRACK: (
        "Review progress with the client: what has changed in their life, and in therapy?",
        "Check the alliance and the goals: feedback on clients who are not on track, with "
        "support tools, nearly doubles reliable change (Whipple, Lambert et al. 2003).",
        "Consider a consultation or supervision, a change of approach or a referral.",
        "Record below what you did, then resolve the alert.",
    ),
    AlertKind.DROPOUT: (
        "Ask about practical obstacles (time, cost, travel) and how therapy is going.",
        "Check the client's preferences: accommodating them reduces dropout (Swift et al. 2018).",
        "Agree what would make it easier to keep coming, or plan a good ending together.",
        "Record below what you did, then resolve the alert.",
    ),
    AlertKind.FIT_REVIEW: (
        "Set aside time in the next session to review together how the fit feels: goals, "
        "tasks and the bond.",
        "Look at the check-ins so far: from 3 to 4 sessions they become dependable.",
        "If the fit is not right, talk about the options, including a re-match.",
        "Record below that you discussed it, then resolve the alert.",
    ),
}

MEANINGS: Mapping[str, str] = {
    AlertKind.SAFETY: (
        "The client gave a risk answer above 0. Any such answer starts the safety pathway, "
        "whatever the questionnaire's total (Simon et al. 2013)."
    ),
    AlertKind.RUPTURE: (
        "The check-ins or attendance suggest strain in the working relationship. These "
        "thresholds are Alliance's own design on an unvalidated check-in, not a published "
        "standard: the alert prompts a conversation, it does not grade the therapy or you."
    ),
    AlertKind.DROPOUT: (
        "The clinic's own model, fitted on its past clients, puts this client's chance of "
        "dropping out well above the usual rate. No tool is known to predict dropout for a "
        "single client reliably: treat this as a prompt to talk, never as a verdict."
    ),
    AlertKind.FIT_REVIEW: (
        "Enough sessions have been held for an early review of the fit: a single session's "
        "alliance score is only marginally dependable, 3 to 4 sessions are (Crits-Christoph et "
        "al. 2011)."
    ),
}


@dataclass(frozen=True)
class AlertView:
    """What the alert page shows; every string is ready to print."""

    title: str
    rule: str
    meaning: str
    findings: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    table_head: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()
    next_steps: tuple[str, ...] = field(default_factory=tuple)


def describe_alert(alert: Alert) -> AlertView:
    """The therapist's view of an alert."""
    data = alert.explanation or {}
    build = _BUILDERS.get(alert.kind, _safety)
    meaning, findings, facts, head, table = build(alert, data)
    return AlertView(
        title=alert.get_kind_display(),
        rule=alert.rule_label,
        meaning=meaning,
        findings=tuple(findings),
        facts=tuple(facts),
        table_head=head,
        table=tuple(table),
        next_steps=NEXT_STEPS.get(alert.kind, ()),
    )


def describe_age(alert: Alert, now: dt.datetime) -> str:
    return timesince(alert.created_at, now)


_Parts = tuple[
    str,
    list[str],
    list[tuple[str, str]],
    tuple[str, ...],
    list[tuple[str, ...]],
]


def _safety(alert: Alert, data: Mapping[str, object]) -> _Parts:
    facts = [("Rule", alert.rule_label)]
    return MEANINGS[AlertKind.SAFETY], [], facts, (), []


def _rupture(alert: Alert, data: Mapping[str, object]) -> _Parts:
    findings = [str(s.get("text", "")) for s in _dicts(data.get("signals"))]
    rows: list[tuple[str, ...]] = [
        (
            str(c.get("session")),
            _num(c.get("client")),
            _num(c.get("therapist")),
            "yes" if c.get("comment") else "no",
        )
        for c in _dicts(data.get("checkins"))
    ]
    missed = [
        f"session {a.get('session')}: {OUTCOME_WORDS.get(str(a.get('outcome')), '')}"
        for a in _dicts(data.get("attendance"))
    ]
    facts = [("Recent sessions", "; ".join(missed))] if missed else []
    return MEANINGS[AlertKind.RUPTURE], findings, facts, CHECKIN_HEAD, rows


def _off_track(alert: Alert, data: Mapping[str, object]) -> _Parts:
    label = str(data.get("label", ""))
    band = data.get("band")
    band = band if isinstance(band, Mapping) else {}
    facts = [
        (
            "First score (intake)",
            f"{_num(data.get('intake'))} at session {data.get('intake_session')}",
        ),
        ("Latest score", f"{_num(data.get('score'))} at session {data.get('session_number')}"),
        (
            f"Expected range at session {band.get('session')} (counted from the intake)",
            f"{_num(band.get('low'))} to {_num(band.get('high'))}, "
            f"median {_num(band.get('median'))}",
        ),
        ("Compared with", f"{data.get('stratum')}; {data.get('source')}"),
    ]
    if data.get("fallback"):
        meaning = (
            f"The {label} score has worsened by a reliable amount since the first score "
            f"(at least {_num(_float(data.get('rci')) + 0.5)} points). The clinic's history is "
            "too thin for an expected course, so only reliable deterioration is flagged."
        )
    else:
        meaning = (
            f"The {label} score is worse than 9 in 10 of the clinic's past clients who started "
            "at a similar level were at this point. Higher is worse on this questionnaire."
        )
    return meaning, [str(data.get("text", ""))], facts, (), []


def _dropout(alert: Alert, data: Mapping[str, object]) -> _Parts:
    findings = [str(r.get("text", "")) for r in _dicts(data.get("reasons"))]
    features = data.get("features")
    features = features if isinstance(features, Mapping) else {}
    facts = [
        ("Estimated chance of dropping out", _percent(data.get("probability"))),
        ("The clinic's usual rate", _percent(data.get("base_rate"))),
        (
            "How well the model ranked held-out past clients",
            f"AUC {_num(data.get('auc'), 2)} on {data.get('n_test')} clients "
            "(0.5 = no better than chance, 1 = perfect)",
        ),
        *((FEATURE_WORDS.get(str(k), str(k)), _num(v, 2)) for k, v in features.items()),
    ]
    return MEANINGS[AlertKind.DROPOUT], findings, facts, (), []


def _fit_review(alert: Alert, data: Mapping[str, object]) -> _Parts:
    facts = [("Sessions held", str(data.get("sessions_held", "")))]
    return MEANINGS[AlertKind.FIT_REVIEW], [], facts, (), []


_BUILDERS: Mapping[str, Callable[[Alert, Mapping[str, object]], _Parts]] = {
    AlertKind.SAFETY: _safety,
    AlertKind.RUPTURE: _rupture,
    AlertKind.OFF_TRACK: _off_track,
    AlertKind.DROPOUT: _dropout,
    AlertKind.FIT_REVIEW: _fit_review,
}


def _dicts(value: object) -> Sequence[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _num(value: object, digits: int = 1) -> str:
    """A number for a sentence: at most ``digits`` decimals, no trailing zeros; "—" if none."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    text = f"{round(float(value), digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _percent(value: object) -> str:
    return f"{round(100 * value)}%" if isinstance(value, int | float) else "—"
