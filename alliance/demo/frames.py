"""The demo clinic's frames and sessions: every generated episode gets an agreed weekly slot,
its past sessions (held, cancelled early or late, no-shows) and, if still running, the weekly
series ahead; a few show a changed frame, a pause, a pending proposal, a return after years and
a therapist who moved city.

Times never overlap for one therapist (the database would refuse it): each episode keeps one
weekly time, the therapist's standing slot on its weekday or an hour after it when that hour is
taken by another client on one of the same dates.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import (
    EndReason,
    Episode,
    EpisodePause,
    EpisodeState,
    FrameState,
    FrameVersion,
    Notice,
    Session,
    SessionStatus,
)
from alliance.core.frame import horizon_end
from alliance.demo.generator import DemoEpisode
from alliance.demo.generator.clinic import Slot

MINUTES = 50
RETURN_GAP = timedelta(weeks=130)  # about two and a half years


def _stable(*parts: object) -> int:
    """A deterministic small number from the parts (the demo must load the same every time)."""
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


def with_returner(history: Sequence[DemoEpisode], skip_client: str) -> tuple[DemoEpisode, ...]:
    """One long active course is split: its first sessions move about two and a half years
    back, so the client paused and came back to the same therapist."""
    episodes = list(history)
    for index, episode in enumerate(episodes):
        if (
            episode.state == "active"
            and len(episode.sessions) >= 12
            and (episode.client_key != skip_client)
        ):
            first = 5
            sessions = tuple(
                dataclasses.replace(s, on=s.on - RETURN_GAP) if s.number <= first else s
                for s in episode.sessions
            )
            episodes[index] = dataclasses.replace(
                episode, started_on=sessions[0].on, sessions=sessions
            )
            break
    return tuple(episodes)


def returner_client(history: Sequence[DemoEpisode]) -> str | None:
    for episode in history:
        if episode.sessions and episode.sessions[0].on < episode.sessions[-1].on - RETURN_GAP:
            return episode.client_key
    return None


def weekly_times(
    history: Sequence[DemoEpisode], slots: Mapping[str, Sequence[Slot]], today: date
) -> list[time | None]:
    """One start time per episode, never overlapping another episode of the same therapist
    (None when the therapist's day is full on that weekday)."""
    taken: set[tuple[str, date, int]] = set()
    times: list[time | None] = []
    for episode in history:
        dates = [s.on for s in episode.sessions]
        if episode.state == "active" and dates:
            ahead = dates[-1] + timedelta(weeks=1)
            while ahead <= horizon_end(today) + timedelta(weeks=1):
                dates.append(ahead)
                ahead += timedelta(weeks=1)
        weekday = episode.started_on.weekday()
        starts = sorted(s.start for s in slots[episode.therapist_key] if s.weekday == weekday)
        base = datetime.combine(today, time.fromisoformat(starts[0] if starts else "18:00"))
        free = [
            k
            for k in sorted(range(-16, 16), key=lambda k: (abs(k), -k))
            if 7 <= (base + timedelta(hours=k)).hour <= 21
            and (base + timedelta(hours=k)).date() == base.date()
            and not any((episode.therapist_key, d, k) in taken for d in dates)
        ]
        if not free:  # a full day (only with other seeds): this course gets no session rows
            times.append(None)
            continue
        hour = free[0]
        taken.update((episode.therapist_key, d, hour) for d in dates)
        times.append((base + timedelta(hours=hour)).time())
    return times


def load_frames_and_sessions(
    episode: Episode,
    demo: DemoEpisode,
    start: time | None,
    *,
    tz: ZoneInfo,
    today: date,
    plain: bool = False,
) -> int:
    """The episode's agreed frame (and for some a second version), its past sessions with their
    outcomes, the state it is in now, and the weekly series ahead."""
    profile = episode.therapist.therapist_profile
    in_person = (
        "in_person" in profile.formats
        and (episode.client.client_profile.format_preference in ("in_person", "either"))
        and bool(profile.city)
    )
    agreed = datetime.combine(episode.started_on, time(12), tzinfo=tz) - timedelta(days=3)
    terms = {
        "weekday": episode.started_on.weekday(),
        "start_time": start or time(18),
        "time_zone": str(tz),
        "minutes": MINUTES,
        "format": "in_person" if in_person else "online",
        "location": f"{profile.city} practice rooms" if in_person else "",
        "fee": profile.fee,
        "cancellation_hours": 24,
        "contact_rule": "logistics",
        "style": (list(profile.styles) or ["facilitative"])[0],
        "ending_goal_level": 0,
        "ending_stable_weeks": 4,
    }
    first = FrameVersion.objects.create(
        episode=episode,
        number=1,
        state=FrameState.ACCEPTED,
        effective_from=episode.started_on,
        proposed_by=episode.therapist,
        proposed_at=agreed,
        therapist_accepted_at=agreed,
        client_accepted_at=agreed + timedelta(hours=5),
        decided_at=agreed + timedelta(hours=5),
        note="Our first agreement.",
        **terms,
    )
    frames = [first]
    held = [s for s in demo.sessions if s.status == "held"]
    if not plain and len(demo.sessions) >= 10 and _stable(episode.pk, "v2") % 4 == 0:
        # A changed version from the middle of the course: a fee review or a longer notice.
        change_on = demo.sessions[len(demo.sessions) // 2].on - timedelta(days=1)
        changed = dict(terms)
        if _stable(episode.pk, "which") % 2:
            changed["fee"] = profile.fee + 10
            note = "Yearly fee review."
        else:
            changed["cancellation_hours"] = 48
            note = "Two days' notice, so the slot can be offered to someone on the waiting list."
        asked = datetime.combine(change_on, time(12), tzinfo=tz) - timedelta(days=14)
        frames.append(
            FrameVersion.objects.create(
                episode=episode,
                number=2,
                state=FrameState.ACCEPTED,
                effective_from=change_on,
                proposed_by=episode.therapist,
                proposed_at=asked,
                therapist_accepted_at=asked,
                client_accepted_at=asked + timedelta(days=2),
                decided_at=asked + timedelta(days=2),
                note=note,
                **changed,
            )
        )
    rows = (
        [_session(episode, frames, s.on, s.status, start, tz) for s in demo.sessions]
        if start is not None
        else []
    )
    Session.objects.bulk_create(rows)
    _set_state(episode, demo, held_count=len(held), may_pause=not plain)
    return len(rows)


def _session(
    episode: Episode, frames: list[FrameVersion], on: date, status: str, start: time, tz: ZoneInfo
) -> Session:
    frame = next(f for f in reversed(frames) if f.effective_from <= on) if frames else None
    if frame is None:
        frame = frames[0]
    starts = datetime.combine(on, start, tzinfo=tz)
    session = Session(
        episode=episode,
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        frame=frame,
        series_date=on,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=MINUTES),
    )
    noise = _stable(episode.pk, on)
    if status == "held":
        session.status = SessionStatus.HELD
        session.actual_start = starts + timedelta(minutes=noise % 4)
        over = 10 + noise % 12 if noise % 13 == 0 else noise % 3  # now and then a long one
        session.actual_end = starts + timedelta(minutes=MINUTES + over)
        session.recorded_by_id = episode.therapist_id
        session.recorded_at = session.actual_end
    elif status == "no_show":
        session.status = SessionStatus.NO_SHOW
        session.recorded_by_id = episode.therapist_id
        session.recorded_at = starts + timedelta(minutes=MINUTES)
    else:
        late = status == "cancelled_late"
        session.status = SessionStatus.CANCELLED
        session.notice = Notice.LATE if late else Notice.EARLY
        by_therapist = not late and noise % 5 == 0
        session.cancelled_by_id = episode.therapist_id if by_therapist else episode.client_id
        session.cancelled_at = starts - (timedelta(hours=3) if late else timedelta(days=3))
        session.reason = "" if late else ("Holiday" if by_therapist else "")
    return session


def _set_state(episode: Episode, demo: DemoEpisode, *, held_count: int, may_pause: bool) -> None:
    """Recent starters are in their trial; some running courses are paused."""
    if episode.state != EpisodeState.ACTIVE:
        return
    if held_count <= 3:
        episode.state = EpisodeState.TRIAL
        episode.save(update_fields=["state"])
    elif may_pause and _stable(episode.pk, "pause") % 23 == 0 and demo.sessions:
        last = demo.sessions[-1].on
        episode.state = EpisodeState.PAUSED
        episode.save(update_fields=["state"])
        EpisodePause.objects.create(
            episode=episode, paused_on=last + timedelta(days=1), paused_by=episode.client
        )


def mark_returner(episode: Episode, demo: DemoEpisode, tz: ZoneInfo) -> None:
    """The course that was split by :func:`with_returner`: its pause, its fresh baseline and the
    frame re-agreed on return."""
    before = [s for s in demo.sessions if s.on < demo.sessions[-1].on - RETURN_GAP / 2]
    after = [s for s in demo.sessions if s not in before]
    paused_on = before[-1].on + timedelta(days=1)
    resumed_on = after[0].on - timedelta(days=7)
    EpisodePause.objects.create(
        episode=episode,
        paused_on=paused_on,
        paused_by=episode.client,
        resumed_on=resumed_on,
        resumed_by=episode.client,
    )
    episode.baseline_from = resumed_on
    episode.resumed_after_frame = episode.frames.count()
    episode.save(update_fields=["baseline_from", "resumed_after_frame"])
    first = episode.frames.get(number=1)
    terms = {name: getattr(first, name) for name in ("weekday", "start_time", "time_zone")}
    asked = datetime.combine(resumed_on, time(10), tzinfo=tz)
    resumed = FrameVersion.objects.create(
        episode=episode,
        number=first.number + 1,
        state=FrameState.ACCEPTED,
        minutes=first.minutes,
        format="online",
        location="",
        fee=first.fee + 15,
        cancellation_hours=first.cancellation_hours,
        contact_rule=first.contact_rule,
        style=first.style,
        effective_from=resumed_on,
        proposed_by=episode.client,
        proposed_at=asked,
        client_accepted_at=asked,
        therapist_accepted_at=asked + timedelta(hours=6),
        decided_at=asked + timedelta(hours=6),
        note="Coming back after a long break; online now that I have moved.",
        **terms,
    )
    Session.objects.filter(episode=episode, series_date__gte=resumed_on).update(frame=resumed)


def showcase_pending_change(episode: Episode, today: date) -> None:
    """The showcase therapist has proposed a later time from next week: the client sees the
    difference and can accept it."""
    current = episode.frames.filter(state=FrameState.ACCEPTED).order_by("-effective_from").first()
    if current is None or episode.frames.filter(state=FrameState.PROPOSED).exists():
        return
    proposed_at = timezone.now() - timedelta(days=1)
    FrameVersion.objects.create(
        episode=episode,
        number=episode.frames.count() + 1,
        state=FrameState.PROPOSED,
        weekday=current.weekday,
        start_time=(datetime.combine(today, current.start_time) + timedelta(hours=1)).time(),
        time_zone=current.time_zone,
        minutes=current.minutes,
        format=current.format,
        location=current.location,
        fee=current.fee,
        cancellation_hours=current.cancellation_hours,
        contact_rule=current.contact_rule,
        style=current.style,
        ending_goal_level=current.ending_goal_level,
        ending_stable_weeks=current.ending_stable_weeks,
        effective_from=today + timedelta(days=7 + (current.weekday - today.weekday()) % 7),
        note="My Thursday evenings are changing: could we meet an hour later from next week?",
        proposed_by=episode.therapist,
        proposed_at=proposed_at,
        therapist_accepted_at=proposed_at,
    )


def transfer_one(history_episodes: Sequence[Episode]) -> None:
    """One ended course shows the "transferred" state: the client was re-matched."""
    for episode in history_episodes:
        if episode.state == EpisodeState.ENDED and episode.end_reason == EndReason.DROPOUT:
            episode.state = EpisodeState.TRANSFERRED
            episode.end_reason = EndReason.REMATCH
            episode.save(update_fields=["state", "end_reason"])
            return


def move_one_therapist(episodes: Sequence[Episode], exclude: User) -> User | None:
    """The therapist with the most in-person clients moves city: each is offered the same slot
    online (a real proposal through the care actions); a few have already accepted."""
    from alliance.care.actions.episodes import do_offer_online_after_move
    from alliance.care.actions.frames import do_accept_frame

    counts: dict[int, int] = {}
    for episode in episodes:
        running = episode.state in ("trial", "active") and episode.therapist_id != exclude.pk
        if running and episode.frames.filter(format="in_person", state=FrameState.ACCEPTED):
            counts[episode.therapist_id] = counts.get(episode.therapist_id, 0) + 1
    if not counts:
        return None
    mover = User.objects.get(pk=max(counts, key=lambda pk: (counts[pk], -pk)))
    profile = mover.therapist_profile
    new_city = "Edinburgh" if profile.city != "Edinburgh" else "Bristol"
    profile.city = new_city
    profile.save(update_fields=["city"])
    offers = do_offer_online_after_move(mover, new_city=new_city)
    for offer in offers[: len(offers) // 2]:
        do_accept_frame(offer.episode.client, frame=offer)
    return mover
