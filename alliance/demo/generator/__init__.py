"""A seeded, deterministic demo clinic generator (pure Python). See docs/demo.md."""

from __future__ import annotations

from alliance.demo.generator.clinic import (
    DemoClient,
    DemoClinic,
    DemoSettings,
    DemoStaff,
    DemoTherapist,
    Slot,
    TimeWindow,
    generate_clinic,
)

__all__ = [
    "DemoClient",
    "DemoClinic",
    "DemoSettings",
    "DemoStaff",
    "DemoTherapist",
    "Slot",
    "TimeWindow",
    "generate_clinic",
]

from alliance.demo.generator.history import (
    DemoEpisode,
    DemoResponse,
    DemoSession,
    EndReason,
    EpisodeState,
    HistorySettings,
    SessionStatus,
    generate_history,
)

__all__ += [
    "DemoEpisode",
    "DemoResponse",
    "DemoSession",
    "EndReason",
    "EpisodeState",
    "HistorySettings",
    "SessionStatus",
    "generate_history",
]
