"""Monitoring: alliance ruptures, the measurement schedule and the early fit review.

Pure Python like the rest of ``core``: no Django, no I/O, no clock (callers pass ``today``).
Rupture thresholds on the Alliance Check-in are Alliance's own design (the Check-in is not
validated; docs/reference/sources.md lists Alliance's own rules).
"""

from __future__ import annotations

from alliance.core.monitoring.fit_review import (
    FIT_REVIEW_SESSIONS,
    FitReviewStatus,
    fit_review_due,
    fit_review_status,
)
from alliance.core.monitoring.rupture import (
    Attendance,
    AttendanceOutcome,
    CheckIn,
    Level,
    RuptureAssessment,
    RuptureRules,
    Signal,
    SignalCode,
    assess_rupture,
)
from alliance.core.monitoring.schedule import (
    DEFAULT_SCHEDULE,
    Due,
    InvalidSchedule,
    ScheduleRule,
    due_measures,
    merge_schedule,
    parse_schedule,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "FIT_REVIEW_SESSIONS",
    "Attendance",
    "AttendanceOutcome",
    "CheckIn",
    "Due",
    "FitReviewStatus",
    "InvalidSchedule",
    "Level",
    "RuptureAssessment",
    "RuptureRules",
    "ScheduleRule",
    "Signal",
    "SignalCode",
    "assess_rupture",
    "due_measures",
    "fit_review_due",
    "fit_review_status",
    "merge_schedule",
    "parse_schedule",
]

# trajectory and dropout are re-exported below
from alliance.core.monitoring.dropout import (
    FEATURES,
    DropoutModel,
    DropoutRisk,
    Example,
    Reason,
    Validation,
    auc,
    fit_dropout_model,
    model_from_json,
    model_to_json,
    predict_dropout,
    validate_dropout_model,
)
from alliance.core.monitoring.trajectory import (
    GAD7_STRATA,
    MIN_SESSION_OBSERVATIONS,
    PHQ9_STRATA,
    Band,
    Course,
    ExpectedTrajectory,
    TrackAssessment,
    assess_track,
    expected_trajectory,
)

__all__ += [
    "FEATURES",
    "GAD7_STRATA",
    "MIN_SESSION_OBSERVATIONS",
    "PHQ9_STRATA",
    "Band",
    "Course",
    "DropoutModel",
    "DropoutRisk",
    "Example",
    "ExpectedTrajectory",
    "Reason",
    "TrackAssessment",
    "Validation",
    "assess_track",
    "auc",
    "expected_trajectory",
    "fit_dropout_model",
    "model_from_json",
    "model_to_json",
    "predict_dropout",
    "validate_dropout_model",
]
