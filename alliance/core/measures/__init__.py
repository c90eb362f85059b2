"""The measures engine's pure core: instrument definitions, scoring and change statistics.

Instruments are data (``instruments/*.json``, format in ``docs/instruments.md``); callers read
the files and pass the parsed JSON to :func:`parse_instrument`. Nothing here does I/O, imports
Django or reads the clock.
"""

from __future__ import annotations

from alliance.core.measures.change import (
    ChangeCategory,
    ChangeResult,
    ClinicalCutoffs,
    ReliableChange,
    classify_change,
    classify_instrument_change,
    compute_clinical_cutoffs,
    compute_cronbach_alpha,
    compute_reliable_change_index,
    compute_reliable_change_threshold,
    compute_sdiff,
)
from alliance.core.measures.definitions import (
    Instrument,
    InstrumentDefinitionError,
    InvalidMeasureInput,
    parse_instrument,
    parse_instruments,
)
from alliance.core.measures.gas import compute_gas_t_score
from alliance.core.measures.scoring import Score, score_response
from alliance.core.measures.talking_therapies import (
    TalkingTherapiesOutcome,
    classify_talking_therapies,
)

__all__ = [
    "ChangeCategory",
    "ChangeResult",
    "ClinicalCutoffs",
    "Instrument",
    "InstrumentDefinitionError",
    "InvalidMeasureInput",
    "ReliableChange",
    "Score",
    "TalkingTherapiesOutcome",
    "classify_change",
    "classify_instrument_change",
    "classify_talking_therapies",
    "compute_clinical_cutoffs",
    "compute_cronbach_alpha",
    "compute_gas_t_score",
    "compute_reliable_change_index",
    "compute_reliable_change_threshold",
    "compute_sdiff",
    "parse_instrument",
    "parse_instruments",
    "score_response",
]
