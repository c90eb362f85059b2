"""Submitting and correcting questionnaire responses: scored on the server, immutable, audited.

A response that endorses a risk item opens its safety alert in the same transaction, so there is
never a stored risk answer without its alert (the safety receiver of ``responses_stored`` is
required: docs/architecture.md#hooks).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.audit.trail import Event, record_event, record_events
from alliance.care.models import Episode, Session, SessionStatus
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.core.measures import Instrument, InstrumentDefinitionError, score_response
from alliance.core.measures.definitions import AnswerKind
from alliance.core.measures.wording import apply_wording_pack
from alliance.core.monitoring.schedule import (
    InvalidSchedule,
    ScheduleRule,
    merge_schedule,
    parse_schedule,
)
from alliance.measures import registry
from alliance.measures.hooks import responses_stored
from alliance.measures.models import (
    EpisodeSchedule,
    RespondentRole,
    Response,
    WordingPack,
    score_columns,
)
from alliance.measures.schedules import clinic_rules, rule_to_json, session_of

MAX_COMMENT = 2000


def _check_respondent(
    actor: User, instrument: Instrument, episode: Episode | None, client: User
) -> RespondentRole:
    role = RespondentRole(instrument.respondent.value)
    if role == RespondentRole.CLIENT and actor.pk != client.pk:
        raise PermissionDenied("Only the client answers this questionnaire.")
    if role == RespondentRole.THERAPIST and (episode is None or episode.therapist_id != actor.pk):
        raise PermissionDenied("Only the treating therapist answers this questionnaire.")
    if episode is not None and episode.client_id != client.pk:
        raise InvalidInput("The episode belongs to someone else.", code="episode_mismatch")
    return role


def _split_answers(
    instrument: Instrument, answers: Mapping[str, object]
) -> tuple[dict[str, int | None], str]:
    text_items = {i.link_id for i in instrument.items if i.answer_set.kind is AnswerKind.TEXT}
    comment = ""
    scored: dict[str, int | None] = {}
    for link_id, value in answers.items():
        if link_id in text_items:
            comment = str(value or "").strip()
        elif value is None or (isinstance(value, int) and not isinstance(value, bool)):
            scored[link_id] = value
        else:
            raise InvalidInput(
                f"Answer to {link_id!r} must be a whole number.", code="not_a_number"
            )
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"Keep the comment under {MAX_COMMENT} characters.", code="comment_long")
    return scored, comment


@dataclass(frozen=True)
class Answers:
    """One questionnaire's answers, as submitted."""

    instrument_id: str
    answers: Mapping[str, object]
    submission_key: str
    session_number: int | None = None
    administered_at: dt.datetime | None = None
    supersedes: Response | None = None
    correction_reason: str = ""


@transaction.atomic
def do_submit_response(
    actor: User,
    *,
    instrument_id: str,
    answers: Mapping[str, object],
    client: User,
    episode: Episode | None,
    submission_key: str,
    session_number: int | None = None,
    administered_at: dt.datetime | None = None,
    supersedes: Response | None = None,
    correction_reason: str = "",
) -> Response:
    """Score and store one response; a repeated ``submission_key`` returns the first one."""
    submission = Answers(
        instrument_id,
        answers,
        submission_key[:64],
        session_number,
        administered_at,
        supersedes,
        correction_reason,
    )
    return _submit(actor, client=client, episode=episode, submissions=[submission])[0]


def _submit(
    actor: User, *, client: User, episode: Episode | None, submissions: Sequence[Answers]
) -> list[Response]:
    """Store every submission not stored before, audit each, then announce the new ones once
    (``measures.responses_stored``: safety alerts and monitoring, in this transaction)."""
    now = timezone.now()
    fresh = [_build_response(actor, client, episode, s, now) for s in submissions]
    try:
        with transaction.atomic():
            Response.objects.bulk_create(fresh)
        stored: dict[str, Response] = {}
    except IntegrityError:
        # Submitted before (a double post, or a concurrent one that won the race): keep what
        # was stored and add only what was not.
        stored = _stored_by_key(actor, [s.submission_key for s in submissions])
        fresh = [response for response in fresh if response.submission_key not in stored]
        with transaction.atomic():
            Response.objects.bulk_create(fresh)
    if fresh:
        # What the responses set off (alerts) is the submitter's doing too.
        caused = [
            dataclasses.replace(event, actor=actor)
            for events in responses_stored.send(fresh, now)
            for event in events
        ]
        record_events([*(_audit_event(actor, r) for r in fresh), *caused], now=now)
    stored |= {response.submission_key: response for response in fresh}
    return [stored[s.submission_key] for s in submissions]


def _stored_by_key(actor: User, keys: Sequence[str]) -> dict[str, Response]:
    earlier = Response.objects.filter(respondent=actor, submission_key__in=keys)
    return {response.submission_key: response for response in earlier}


def _build_response(
    actor: User, client: User, episode: Episode | None, submission: Answers, now: dt.datetime
) -> Response:
    """Check and score one submission (raising a domain error on bad input); not saved."""
    instrument = registry.get_instrument(submission.instrument_id)
    allowed, reason = registry.can_show_to_respondents(instrument)
    if not allowed:
        raise InvalidInput(reason, code="instrument_not_licensed")
    role = _check_respondent(actor, instrument, episode, client)
    if episode is not None and not episode.is_open and submission.supersedes is None:
        raise Conflict("This episode has ended; it takes no new answers.", code="episode_closed")
    scored, comment = _split_answers(instrument, submission.answers)
    score = score_response(instrument, scored)
    return Response(
        client=client,
        episode=episode,
        respondent=actor,
        respondent_role=role,
        instrument=instrument.id,
        instrument_version=instrument.version,
        session_number=submission.session_number,
        answers=scored,
        comment=comment,
        **score_columns(score),
        administered_at=submission.administered_at or now,
        created_at=now,
        submission_key=submission.submission_key,
        supersedes=submission.supersedes,
        correction_reason=submission.correction_reason[:200],
    )


def _audit_event(actor: User, response: Response) -> Event:
    action = (
        "measures.response.corrected" if response.supersedes_id else "measures.response.submitted"
    )
    # The trail says which questionnaire was answered, never how: no scores, no risk flags.
    return Event(action, actor, response, {"instrument": response.instrument})


@transaction.atomic
def do_correct_response(
    actor: User,
    *,
    original: Response,
    answers: Mapping[str, object],
    reason: str,
    submission_key: str,
) -> Response:
    """A correction: a new response superseding the old one, which stays visible in history."""
    if original.respondent_id != actor.pk:
        raise PermissionDenied("Only the person who answered can correct a response.")
    if Response.objects.filter(supersedes=original).exists():
        raise InvalidInput("This response was already corrected.", code="already_corrected")
    if not reason.strip():
        raise InvalidInput(
            "Say briefly why the answers are being corrected.", code="reason_required"
        )
    return do_submit_response(
        actor,
        instrument_id=original.instrument,
        answers=answers,
        client=original.client,
        episode=original.episode,
        submission_key=submission_key,
        session_number=original.session_number,
        administered_at=original.administered_at,
        supersedes=original,
        correction_reason=reason.strip(),
    )


@transaction.atomic
def do_import_wording_pack(
    actor: User | None, *, pack: Mapping[str, object], source: str
) -> tuple[Instrument, bool]:
    """Store (or replace) a clinic's licensed wording after checking it against the key.

    Returns the instrument with the wording applied, and whether an earlier pack was replaced.
    Raises ``InstrumentDefinitionError`` naming ``source`` and the problem; nothing is stored.
    """
    instrument_id = pack.get("instrument")
    if not isinstance(instrument_id, str):
        raise InstrumentDefinitionError(f"{source}: instrument: expected an instrument id")
    try:
        key = registry.get_key(instrument_id)
    except NotFound:
        raise InstrumentDefinitionError(
            f"{source}: instrument: unknown instrument {instrument_id!r}"
        ) from None
    if key.licence.wording_included:
        raise InstrumentDefinitionError(
            f"{source}: {key.id} ships with its own wording; it takes no wording pack"
        )
    instrument = apply_wording_pack(key, pack, source)
    _, created = WordingPack.objects.update_or_create(
        instrument=key.id, defaults={"content": dict(pack), "imported_at": timezone.now()}
    )
    record_event("measures.wording_pack.imported", actor=actor, data={"instrument": key.id})
    # Cleared now for this transaction's own reads, and again once committed, in case another
    # request cached the old wording in between.
    cache.delete(registry.wording_cache_key(key.id))
    transaction.on_commit(lambda: cache.delete(registry.wording_cache_key(key.id)))
    return instrument, not created


@transaction.atomic
def do_submit_check_in(
    actor: User,
    *,
    episode: Episode,
    answers_by_instrument: Mapping[str, Mapping[str, object]],
    submission_key: str,
    session_number: int | None = None,
) -> list[Response]:
    """A check-in page: several questionnaires stored together or not at all.

    Every response is stored first; then the episode's rules run once, on the complete
    check-in, in the same transaction. ``session_number`` is the held session the check-in
    belongs to, when the page already computed it to choose the questionnaires (the same rule,
    :func:`compute_session_number`, computes it otherwise).
    """
    is_client = actor.pk == episode.client_id
    session = session_number or compute_session_number(episode, timezone.localdate())
    submissions = [
        Answers(instrument_id, answers, f"{submission_key}:{instrument_id}"[:64], session)
        for instrument_id, answers in answers_by_instrument.items()
    ]
    client = actor if is_client else episode.client
    return _submit(actor, client=client, episode=episode, submissions=submissions)


def compute_session_number(episode: Episode, today: dt.date) -> int:
    """The held session a check-in on ``today`` belongs to: the one notion of session number
    that responses, schedules, fit reviews and client-therapist pairing share (the rule is
    ``measures.schedules.session_of``)."""
    held = Session.objects.filter(episode=episode, status=SessionStatus.HELD)
    days = sorted(timezone.localdate(at) for at in held.values_list("starts_at", flat=True))
    return session_of(today, days)


@transaction.atomic
def do_record_crisis_screen(actor: User, *, response: Response, acknowledged: bool) -> None:
    """The crisis resources were shown to (or acknowledged by) the client: both are audited."""
    if response.client_id != actor.pk or not response.critical:
        raise PermissionDenied("This screen belongs to the client who gave a risk answer.")
    action = "acknowledged" if acknowledged else "shown"
    record_event(f"measures.crisis_resources.{action}", actor=actor, obj=response)


def _check_instruments(names: Sequence[str]) -> None:
    known = set(registry.loaded_ids())
    for name in names:
        if name not in known:
            raise InvalidSchedule(
                f"{name} is not an installed instrument.", code="unknown_instrument"
            )


@transaction.atomic
def do_set_episode_schedule(
    actor: User,
    *,
    episode: Episode,
    overrides: Sequence[ScheduleRule],
    removed: Sequence[str],
) -> EpisodeSchedule:
    """The treating therapist changes the episode's schedule; the clinic's stays as it is."""
    if actor.pk != episode.therapist_id:
        raise PermissionDenied("Only the treating therapist changes this schedule.")
    _check_instruments([rule.instrument for rule in overrides] + list(removed))
    stored = [rule_to_json(rule) for rule in overrides]
    merge_schedule(clinic_rules(episode.clinic), parse_schedule(stored), removed)
    schedule, _ = EpisodeSchedule.objects.update_or_create(
        episode=episode,
        defaults={
            "overrides": stored,
            "removed": sorted(set(removed)),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    data = {"episode_id": episode.pk, "n_overrides": len(stored), "n_removed": len(removed)}
    record_event("measures.schedule.episode_changed", actor=actor, obj=schedule, data=data)
    return schedule


@transaction.atomic
def do_set_clinic_schedule(
    actor: User, *, clinic: Clinic, rules: Sequence[ScheduleRule] | None
) -> Clinic:
    """Staff set their clinic's default schedule; ``None`` goes back to Alliance's default."""
    if not actor.is_clinic_staff or actor.clinic_id != clinic.pk:
        raise PermissionDenied("Only staff of this clinic set its schedule.")
    stored: list[dict[str, object]] = []
    if rules is not None:
        if not rules:
            raise InvalidSchedule(
                "Keep at least one measure in the schedule.", code="empty_schedule"
            )
        _check_instruments([rule.instrument for rule in rules])
        stored = [rule_to_json(rule) for rule in rules]
        parse_schedule(stored)
    clinic.measurement_schedule = stored
    clinic.save(update_fields=["measurement_schedule"])
    data = {"n_rules": len(stored), "is_default": rules is None}
    record_event("measures.schedule.clinic_changed", actor=actor, obj=clinic, data=data)
    return clinic
