"""Submitting and correcting questionnaire responses: scored on the server, immutable, audited.

A response that endorses a risk item opens its safety alert in the same transaction, so there is
never a stored risk answer without its alert (reference/security.md §5.2, R20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.actions import raise_safety_alerts
from alliance.alerts.monitoring import evaluate_after_response
from alliance.audit.trail import record_event
from alliance.care.models import Episode
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.core.measures import Instrument, InstrumentDefinitionError, score_response
from alliance.core.measures.definitions import AnswerKind
from alliance.core.measures.wording import apply_wording_pack
from alliance.measures import registry
from alliance.measures.models import RespondentRole, Response, WordingPack, score_columns

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
    existing = Response.objects.filter(respondent=actor, submission_key=submission_key).first()
    if existing is not None:
        return existing
    instrument = registry.get_instrument(instrument_id)
    allowed, reason = registry.can_show_to_respondents(instrument)
    if not allowed:
        raise InvalidInput(reason, code="instrument_not_licensed")
    role = _check_respondent(actor, instrument, episode, client)
    if episode is not None and not episode.is_open and supersedes is None:
        raise Conflict("This episode has ended; it takes no new answers.", code="episode_closed")
    scored, comment = _split_answers(instrument, answers)
    score = score_response(instrument, scored)
    now = timezone.now()
    response = Response(
        client=client,
        episode=episode,
        respondent=actor,
        respondent_role=role,
        instrument=instrument.id,
        instrument_version=instrument.version,
        session_number=session_number,
        answers=scored,
        comment=comment,
        **score_columns(score),
        administered_at=administered_at or now,
        created_at=now,
        submission_key=submission_key[:64],
        supersedes=supersedes,
        correction_reason=correction_reason[:200],
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # A concurrent double submission won the race: return the one that was stored.
        return Response.objects.get(respondent=actor, submission_key=submission_key)
    raise_safety_alerts(response, instrument)
    evaluate_after_response(response, now=now)
    action = "measures.response.corrected" if supersedes else "measures.response.submitted"
    # The trail says which questionnaire was answered, never how: no scores, no risk flags.
    record_event(action, actor=actor, obj=response, data={"instrument": instrument.id})
    return response


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
    return instrument, not created


@transaction.atomic
def do_submit_check_in(
    actor: User,
    *,
    episode: Episode,
    answers_by_instrument: Mapping[str, Mapping[str, object]],
    submission_key: str,
) -> list[Response]:
    """A check-in page: several questionnaires stored together or not at all.

    Answers given on the same local day belong to the same session number.
    """
    role = RespondentRole.CLIENT if actor.pk == episode.client_id else RespondentRole.THERAPIST
    session = compute_session_number(episode, role, timezone.localdate())
    return [
        do_submit_response(
            actor,
            instrument_id=instrument_id,
            answers=answers,
            client=episode.client,
            episode=episode,
            submission_key=f"{submission_key}:{instrument_id}"[:64],
            session_number=session,
        )
        for instrument_id, answers in answers_by_instrument.items()
    ]


def compute_session_number(episode: Episode, role: RespondentRole, today: dt.date) -> int:
    """Answers on the same local day share a session number; a new day is the next session."""
    numbered = Response.objects.filter(
        episode=episode, respondent_role=role, session_number__isnull=False
    )
    latest = numbered.order_by("-administered_at").first()
    if latest is None:
        return 1
    if timezone.localdate(latest.administered_at) == today:
        return latest.session_number or 1
    highest = numbered.order_by("-session_number").values_list("session_number", flat=True)[0]
    return (highest or 0) + 1


@transaction.atomic
def do_record_crisis_screen(actor: User, *, response: Response, acknowledged: bool) -> None:
    """The crisis resources were shown to (or acknowledged by) the client: both are audited."""
    if response.client_id != actor.pk or not response.critical:
        raise PermissionDenied("This screen belongs to the client who gave a risk answer.")
    action = "acknowledged" if acknowledged else "shown"
    record_event(f"measures.crisis_resources.{action}", actor=actor, obj=response)
