"""Instrument definitions: frozen dataclasses and a validating parser for ``instruments/*.json``.

The JSON format (``alliance-instrument/1``) is documented field by field in
``docs/instruments.md``. Core does no I/O: callers read and ``json.loads`` the file and pass the
mapping with a ``source`` label (usually the file path) that every error message starts with.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final, TypeVar

from alliance.core.errors import InvalidInput

FORMAT: Final = "alliance-instrument/1"
TOTAL: Final = "total"
ANY_ITEM: Final = "any_item"
# Jacobson & Truax (1991), J Consult Clin Psychol 59(1):12-19: reliable when |RC| > 1.96
# (p < .05).
RELIABLE_Z: Final = 1.96

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
_LOINC = re.compile(r"^(LA|LL|LP)?[0-9]{1,7}-[0-9]$")

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


class InstrumentDefinitionError(ValueError):
    """A definition file is malformed; the message starts with the file and names the problem."""


class InvalidMeasureInput(InvalidInput):
    """Answers or scores that an instrument or a formula cannot accept."""

    code = "invalid_measure_input"


class AnswerKind(StrEnum):
    CHOICE = "choice"  # a fixed list of numeric options
    RANGE = "range"  # any whole number from min to max (e.g. a visual-analogue mark in mm)
    TEXT = "text"  # free text, never scored


class Method(StrEnum):
    SUM = "sum"
    MEAN = "mean"


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"


class Evidence(StrEnum):
    """How far a threshold was checked against its primary source (docs/instruments.md)."""

    CHECKED = "checked"
    SECONDARY = "secondary"
    UNCONFIRMED = "unconfirmed"
    OWN = "own"  # Alliance's own choice, not a published standard


class LicenceStatus(StrEnum):
    PUBLIC_DOMAIN = "public-domain"
    CC_BY_ND_4 = "cc-by-nd-4.0"
    APACHE_2 = "apache-2.0"
    SCORING_KEY_ONLY = "scoring-key-only"
    NEEDS_LICENCE = "needs-licence"


WORDING_ALLOWED: Final = frozenset(
    {LicenceStatus.PUBLIC_DOMAIN, LicenceStatus.CC_BY_ND_4, LicenceStatus.APACHE_2}
)


class Respondent(StrEnum):
    CLIENT = "client"
    THERAPIST = "therapist"


class MissingRule(StrEnum):
    REFUSE = "refuse"
    PRORATE = "prorate"


class Comparison(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ = "=="

    def holds(self, left: Fraction | float, right: Fraction | float) -> bool:
        """Whether ``left <op> right``."""
        return _COMPARE[self](left, right)


_COMPARE: Final[dict[Comparison, Callable[[Fraction | float, Fraction | float], bool]]] = {
    Comparison.GT: lambda a, b: a > b,
    Comparison.GE: lambda a, b: a >= b,
    Comparison.LT: lambda a, b: a < b,
    Comparison.LE: lambda a, b: a <= b,
    Comparison.EQ: lambda a, b: a == b,
}


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str | None
    loinc: str | None


@dataclass(frozen=True)
class AnswerSet:
    """Allowed raw answers.

    Item score = answer / ``divisor``; reverse-keyed: (min + max - answer) / divisor.
    """

    id: str
    kind: AnswerKind
    options: tuple[AnswerOption, ...]
    minimum: int
    maximum: int
    divisor: int
    unit: str | None
    loinc: str | None
    note: str | None

    def accepts(self, value: int) -> bool:
        if self.kind is AnswerKind.CHOICE:
            return any(option.value == value for option in self.options)
        return self.kind is AnswerKind.RANGE and self.minimum <= value <= self.maximum

    def describe(self) -> str:
        if self.kind is AnswerKind.CHOICE:
            return "one of " + ", ".join(str(option.value) for option in self.options)
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Item:
    link_id: str
    number: int
    text: str | None
    scored: bool
    reverse: bool
    loinc: str | None
    answer_set: AnswerSet
    note: str | None

    def score_range(self) -> tuple[Fraction, Fraction]:
        divisor = self.answer_set.divisor
        return (
            Fraction(self.answer_set.minimum, divisor),
            Fraction(self.answer_set.maximum, divisor),
        )


@dataclass(frozen=True)
class Subscale:
    id: str
    label: str
    items: tuple[str, ...]
    method: Method


@dataclass(frozen=True)
class Total:
    method: Method
    minimum: float
    maximum: float
    direction: Direction
    source: str


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Bands:
    ranges: tuple[Band, ...]
    source: str
    evidence: Evidence


@dataclass(frozen=True)
class ClinicalCutoff:
    """A total is in the clinical range when ``total <clinical_if> value``."""

    value: float
    clinical_if: Comparison
    source: str
    evidence: Evidence

    def is_clinical(self, total: Fraction | float) -> bool:
        return self.clinical_if.holds(total, self.value)


@dataclass(frozen=True)
class ReliableChangeThreshold:
    """Smallest change in raw points counted as reliable (``|after - before| >= points``)."""

    points: float
    sd: float | None
    reliability: float | None
    source: str
    evidence: Evidence


@dataclass(frozen=True)
class Flag:
    """Raised when ``<on> <comparison> value``; ``on`` is ``total``, ``any_item`` or a link id.

    Item flags compare the raw answer as given, before reverse keying.
    """

    id: str
    on: str
    comparison: Comparison
    value: float
    critical: bool
    source: str
    evidence: Evidence


@dataclass(frozen=True)
class MissingPolicy:
    rule: MissingRule
    max_missing: int
    required: tuple[str, ...]
    source: str
    evidence: Evidence
    note: str | None


@dataclass(frozen=True)
class Licence:
    status: LicenceStatus
    holder: str
    attribution: str | None
    wording_included: bool
    notes: str | None
    source: str


@dataclass(frozen=True)
class LoincCodes:
    panel: str | None
    total: str | None


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    respondent: Respondent
    validated: bool
    key_confirmed: bool
    citation: str
    stem: str | None
    notes: str | None
    licence: Licence
    loinc: LoincCodes
    answer_sets: tuple[AnswerSet, ...]
    items: tuple[Item, ...]
    total: Total
    subscales: tuple[Subscale, ...]
    bands: Bands | None
    clinical_cutoff: ClinicalCutoff | None
    reliable_change: ReliableChangeThreshold | None
    flags: tuple[Flag, ...]
    missing: MissingPolicy

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """Scored items in form order: the order of ``--answers`` on the command line."""
        return tuple(item for item in self.items if item.scored)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)


def compute_score_range(items: Sequence[Item], method: Method) -> tuple[Fraction, Fraction]:
    """Lowest and highest possible score of ``items`` combined by ``method`` (exact fractions)."""
    lows = [item.score_range()[0] for item in items]
    highs = [item.score_range()[1] for item in items]
    if method is Method.SUM:
        return sum(lows, Fraction(0)), sum(highs, Fraction(0))
    return sum(lows, Fraction(0)) / len(items), sum(highs, Fraction(0)) / len(items)


# --- parsing -------------------------------------------------------------------------------


class _Node:
    """One JSON object being read; remembers its path and rejects unknown keys."""

    def __init__(self, data: object, path: str, source: str) -> None:
        self.path, self.source = path, source
        if not isinstance(data, Mapping):
            raise self.error(f"expected an object, got {_kind(data)}")
        self.data: Mapping[object, object] = data
        self.seen: set[str] = set()

    def error(self, problem: str, key: str | None = None) -> InstrumentDefinitionError:
        where = self.path if key is None else _join(self.path, key)
        prefix = f"{where}: " if where else ""
        return InstrumentDefinitionError(f"{self.source}: {prefix}{problem}")

    def raw(self, key: str, *, optional: bool = False) -> object:
        self.seen.add(key)
        if key not in self.data and not optional:
            raise self.error("missing required field", key)
        return self.data.get(key)

    def typed(self, key: str, kind: type[_T], name: str, *, nullable: bool = False) -> _T | None:
        value = self.raw(key)
        if value is None and nullable:
            return None
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.error(f"expected {name}, got {_kind(value)}", key)
        return value

    def text(self, key: str) -> str:
        value = self.typed(key, str, "a string")
        assert value is not None
        if not value.strip():
            raise self.error("must not be empty", key)
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.typed(key, str, "a string or null", nullable=True)
        if value is not None and not value.strip():
            raise self.error("must not be empty (use null)", key)
        return value

    def note(self) -> str | None:
        value = self.raw("note", optional=True)
        if value is not None and not isinstance(value, str):
            raise self.error(f"expected a string, got {_kind(value)}", "note")
        return value

    def flag(self, key: str) -> bool:
        value = self.typed(key, bool, "true or false")
        assert value is not None
        return value

    def integer(self, key: str) -> int:
        value = self.typed(key, int, "a whole number")
        assert value is not None
        return value

    def number(self, key: str) -> float:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"expected a number, got {_kind(value)}", key)
        if not math.isfinite(value):
            raise self.error("must be finite", key)
        return value

    def opt_number(self, key: str) -> float | None:
        return None if self.raw(key) is None else self.number(key)

    def ident(self, key: str, pattern: re.Pattern[str] = _ID) -> str:
        value = self.text(key)
        if not pattern.match(value):
            raise self.error(f"{value!r} is not a valid identifier ({pattern.pattern})", key)
        return value

    def loinc(self, key: str) -> str | None:
        value = self.opt_text(key)
        if value is not None and not _LOINC.match(value):
            raise self.error(f"{value!r} is not a LOINC code", key)
        return value

    def choice(self, key: str, enum: type[_E]) -> _E:
        value = self.raw(key)
        allowed = ", ".join(repr(member.value) for member in enum)
        if not isinstance(value, str) or value not in {member.value for member in enum}:
            raise self.error(f"{value!r} is not one of {allowed}", key)
        return enum(value)

    def child(self, key: str) -> _Node:
        return _Node(self.raw(key), _join(self.path, key), self.source)

    def opt_child(self, key: str) -> _Node | None:
        return None if self.raw(key) is None else self.child(key)

    def children(self, key: str) -> list[_Node]:
        values = self.typed(key, list, "a list")
        assert values is not None
        return [
            _Node(v, f"{_join(self.path, key)}[{i}]", self.source) for i, v in enumerate(values)
        ]

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.typed(key, list, "a list")
        assert values is not None
        if not all(isinstance(value, str) for value in values):
            raise self.error("expected a list of strings", key)
        return tuple(str(value) for value in values)

    def done(self) -> None:
        unknown = sorted(str(key) for key in self.data if key not in self.seen)
        if unknown:
            raise self.error(f"unknown field(s) {', '.join(unknown)}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _finish(node: _Node, value: _T) -> _T:
    node.done()
    return value


def _unique(nodes: Iterable[tuple[_Node, str]], what: str) -> None:
    seen: set[str] = set()
    for node, key in nodes:
        if key in seen:
            raise node.error(f"duplicate {what} {key!r}")
        seen.add(key)


def _parse_option(node: _Node) -> AnswerOption:
    option = AnswerOption(node.integer("value"), node.opt_text("label"), node.loinc("loinc"))
    return _finish(node, option)


def _parse_answer_set(node: _Node) -> AnswerSet:
    kind = node.choice("kind", AnswerKind)
    set_id, loinc, note = node.ident("id"), node.loinc("loinc"), node.note()
    if kind is AnswerKind.CHOICE:
        answer_set = _choice_set(node, set_id, loinc, note)
    elif kind is AnswerKind.RANGE:
        answer_set = _range_set(node, set_id, loinc, note)
    else:
        answer_set = AnswerSet(set_id, kind, (), 0, 0, 1, None, loinc, note)
    return _finish(node, answer_set)


def _choice_set(node: _Node, set_id: str, loinc: str | None, note: str | None) -> AnswerSet:
    option_nodes = node.children("options")
    options = tuple(_parse_option(child) for child in option_nodes)
    if len(options) < 2:
        raise node.error("a choice needs at least two options", "options")
    _unique(((n, str(o.value)) for n, o in zip(option_nodes, options, strict=True)), "value")
    values = [option.value for option in options]
    if values != sorted(values):
        raise node.error("option values must be in ascending order", "options")
    return AnswerSet(
        set_id, AnswerKind.CHOICE, options, values[0], values[-1], 1, None, loinc, note
    )


def _range_set(node: _Node, set_id: str, loinc: str | None, note: str | None) -> AnswerSet:
    low, high, divisor = node.integer("min"), node.integer("max"), node.integer("divisor")
    if low >= high:
        raise node.error(f"min {low} must be below max {high}")
    if divisor < 1:
        raise node.error("must be a positive whole number", "divisor")
    unit = node.text("unit")
    return AnswerSet(set_id, AnswerKind.RANGE, (), low, high, divisor, unit, loinc, note)


def _parse_item(node: _Node, answer_sets: Mapping[str, AnswerSet]) -> Item:
    link_id, set_id = node.ident("link_id"), node.ident("answer_set")
    if set_id not in answer_sets:
        raise node.error(f"unknown answer set {set_id!r}", "answer_set")
    number = node.integer("number")
    if number < 1:
        raise node.error("must be 1 or more", "number")
    item = Item(
        link_id=link_id,
        number=number,
        text=node.opt_text("text"),
        scored=node.flag("scored"),
        reverse=node.flag("reverse"),
        loinc=node.loinc("loinc"),
        answer_set=answer_sets[set_id],
        note=node.note(),
    )
    return _finish(node, _check_item(node, item))


def _check_item(node: _Node, item: Item) -> Item:
    if item.answer_set.kind is AnswerKind.TEXT and (item.scored or item.reverse):
        raise node.error("a free-text item cannot be scored or reverse-keyed")
    if item.reverse and not item.scored:
        raise node.error("only a scored item can be reverse-keyed", "reverse")
    return item


def _parse_subscale(node: _Node, scored: Mapping[str, Item]) -> Subscale:
    subscale = Subscale(
        id=node.ident("id", _CODE),
        label=node.text("label"),
        items=node.strings("items"),
        method=node.choice("method", Method),
    )
    if not subscale.items:
        raise node.error("a subscale needs at least one item", "items")
    _unique(((node, link_id) for link_id in subscale.items), "item")
    for link_id in subscale.items:
        if link_id not in scored:
            raise node.error(f"{link_id!r} is not a scored item", "items")
    return _finish(node, subscale)


def _parse_total(node: _Node, scored: Sequence[Item]) -> Total:
    total = Total(
        method=node.choice("method", Method),
        minimum=node.number("min"),
        maximum=node.number("max"),
        direction=node.choice("direction", Direction),
        source=node.text("source"),
    )
    _check_total_range(node, total, scored)
    return _finish(node, total)


def _parse_band(node: _Node) -> Band:
    band = Band(
        node.ident("code", _CODE), node.text("label"), node.integer("min"), node.integer("max")
    )
    if band.minimum > band.maximum:
        raise node.error(f"min {band.minimum} is above max {band.maximum}")
    return _finish(node, band)


def _parse_bands(node: _Node, total: Total) -> Bands:
    band_nodes = node.children("ranges")
    ranges = tuple(_parse_band(child) for child in band_nodes)
    _unique(((n, b.code) for n, b in zip(band_nodes, ranges, strict=True)), "band code")
    _check_band_cover(node, ranges, total)
    bands = Bands(ranges, node.text("source"), node.choice("evidence", Evidence))
    return _finish(node, bands)


def _check_band_cover(node: _Node, ranges: Sequence[Band], total: Total) -> None:
    """Bands hold whole-number bounds, in order, with no gap or overlap, covering the total."""
    if not ranges:
        raise node.error("needs at least one band (or set bands to null)", "ranges")
    if ranges[0].minimum != total.minimum or ranges[-1].maximum != total.maximum:
        raise node.error(
            f"bands cover {ranges[0].minimum}-{ranges[-1].maximum} "
            f"but the total runs {total.minimum}-{total.maximum}",
            "ranges",
        )
    for before, after in itertools.pairwise(ranges):
        if after.minimum != before.maximum + 1:
            raise node.error(
                f"band {after.code!r} starts at {after.minimum}; expected {before.maximum + 1} "
                f"(bands must be contiguous)",
                "ranges",
            )


def _parse_cutoff(node: _Node, total: Total) -> ClinicalCutoff:
    cutoff = ClinicalCutoff(
        value=node.number("value"),
        clinical_if=node.choice("clinical_if", Comparison),
        source=node.text("source"),
        evidence=node.choice("evidence", Evidence),
    )
    _check_cutoff(node, cutoff, total)
    return _finish(node, cutoff)


def _check_cutoff(node: _Node, cutoff: ClinicalCutoff, total: Total) -> None:
    if not total.minimum < cutoff.value <= total.maximum:
        raise node.error(f"{cutoff.value} is outside the total's range", "value")
    worse_is_higher = total.direction is Direction.HIGHER_IS_WORSE
    expected = {Comparison.GE, Comparison.GT} if worse_is_higher else {Comparison.LE, Comparison.LT}
    if cutoff.clinical_if not in expected:
        raise node.error(
            f"{cutoff.clinical_if.value!r} does not fit a total where {total.direction.value}",
            "clinical_if",
        )


def _parse_reliable_change(node: _Node, total: Total) -> ReliableChangeThreshold:
    threshold = ReliableChangeThreshold(
        points=node.number("points"),
        sd=node.opt_number("sd"),
        reliability=node.opt_number("reliability"),
        source=node.text("source"),
        evidence=node.choice("evidence", Evidence),
    )
    if not 0 < threshold.points <= total.maximum - total.minimum:
        raise node.error(f"{threshold.points} is not a positive change within the range", "points")
    _check_jacobson_truax(node, threshold)
    return _finish(node, threshold)


def _check_jacobson_truax(node: _Node, threshold: ReliableChangeThreshold) -> None:
    """If SD and reliability are given, ``points`` must be 1.96·SD·√(2(1 - r)) to 2 decimals."""
    sd, reliability = threshold.sd, threshold.reliability
    if sd is None and reliability is None:
        return
    if sd is None or reliability is None:
        raise node.error("give both sd and reliability, or neither")
    if sd <= 0 or not 0 <= reliability < 1:
        raise node.error("sd must be positive and reliability in [0, 1)")
    expected = RELIABLE_Z * sd * math.sqrt(2 * (1 - reliability))
    if abs(expected - threshold.points) > 0.005:
        raise node.error(
            f"{threshold.points} does not match Jacobson-Truax 1.96*sd*sqrt(2*(1-r)) = "
            f"{expected:.4f}",
            "points",
        )


def _parse_flag(node: _Node, items: Mapping[str, Item], total: Total) -> Flag:
    flag = Flag(
        id=node.ident("id", _CODE),
        on=node.text("on"),
        comparison=node.choice("comparison", Comparison),
        value=node.number("value"),
        critical=node.flag("critical"),
        source=node.text("source"),
        evidence=node.choice("evidence", Evidence),
    )
    low, high = _flag_target_range(node, flag, items, total)
    if not low <= flag.value <= high:
        raise node.error(f"{flag.value} is outside {flag.on!r}'s range {low}-{high}", "value")
    return _finish(node, flag)


def _flag_target_range(
    node: _Node, flag: Flag, items: Mapping[str, Item], total: Total
) -> tuple[float, float]:
    """The range of raw values the flag compares against."""
    if flag.on == TOTAL:
        return total.minimum, total.maximum
    sets = [item.answer_set for item in items.values()]
    if flag.on == ANY_ITEM:
        return min(s.minimum for s in sets), max(s.maximum for s in sets)
    if flag.on not in items:
        raise node.error(f"{flag.on!r} is not 'total', 'any_item' or a scored item", "on")
    answer_set = items[flag.on].answer_set
    return answer_set.minimum, answer_set.maximum


def _parse_missing(node: _Node, scored: Mapping[str, Item]) -> MissingPolicy:
    policy = MissingPolicy(
        rule=node.choice("rule", MissingRule),
        max_missing=node.integer("max_missing"),
        required=node.strings("required"),
        source=node.text("source"),
        evidence=node.choice("evidence", Evidence),
        note=node.opt_text("note"),
    )
    _check_missing(node, policy, scored)
    return _finish(node, policy)


def _check_missing(node: _Node, policy: MissingPolicy, scored: Mapping[str, Item]) -> None:
    if policy.rule is MissingRule.REFUSE and policy.max_missing != 0:
        raise node.error("must be 0 when the rule is 'refuse'", "max_missing")
    if policy.rule is MissingRule.PRORATE and not 0 < policy.max_missing < len(scored):
        raise node.error("must be at least 1 and fewer than the scored items", "max_missing")
    for link_id in policy.required:
        if link_id not in scored:
            raise node.error(f"{link_id!r} is not a scored item", "required")


def _parse_licence(node: _Node) -> Licence:
    licence = Licence(
        status=node.choice("status", LicenceStatus),
        holder=node.text("holder"),
        attribution=node.opt_text("attribution"),
        wording_included=node.flag("wording_included"),
        notes=node.opt_text("notes"),
        source=node.text("source"),
    )
    if licence.wording_included and licence.status not in WORDING_ALLOWED:
        raise node.error(f"status {licence.status.value!r} does not allow wording_included")
    return _finish(node, licence)


def _parse_loinc(node: _Node) -> LoincCodes:
    return _finish(node, LoincCodes(node.loinc("panel"), node.loinc("total")))


def _parse_answer_sets(root: _Node) -> dict[str, AnswerSet]:
    nodes = root.children("answer_sets")
    answer_sets = [_parse_answer_set(node) for node in nodes]
    _unique(((n, s.id) for n, s in zip(nodes, answer_sets, strict=True)), "answer set id")
    if not answer_sets:
        raise root.error("needs at least one answer set", "answer_sets")
    return {answer_set.id: answer_set for answer_set in answer_sets}


def _parse_items(root: _Node, answer_sets: Mapping[str, AnswerSet]) -> tuple[Item, ...]:
    nodes = root.children("items")
    items = tuple(_parse_item(node, answer_sets) for node in nodes)
    _unique(((n, i.link_id) for n, i in zip(nodes, items, strict=True)), "link id")
    _unique(((n, str(i.number)) for n, i in zip(nodes, items, strict=True)), "item number")
    if not any(item.scored for item in items):
        raise root.error("needs at least one scored item", "items")
    return items


def _check_total_range(node: _Node, total: Total, scored: Sequence[Item]) -> None:
    low, high = compute_score_range(scored, total.method)
    if (Fraction(str(total.minimum)), Fraction(str(total.maximum))) != (low, high):
        raise node.error(
            f"declared range {total.minimum}-{total.maximum} but the scored items give "
            f"{float(low):g}-{float(high):g}"
        )


def _check_wording(root: _Node, instrument: Instrument) -> None:
    """Wording is either fully present (licensed to ship) or fully absent (scoring key only)."""
    licence, stem = instrument.licence, instrument.stem
    labels = [option.label for s in instrument.answer_sets for option in s.options]
    texts = [item.text for item in instrument.items]
    if licence.wording_included:
        if None in texts or None in labels:
            raise root.error("wording_included is true but an item text or option label is null")
    elif stem is not None or any(t is not None for t in texts + labels):
        raise root.error(
            "wording_included is false but the stem, an item text or an option label is present "
            "(a scoring-key-only instrument must not contain wording)"
        )


def _check_critical_required(root: _Node, flags: Sequence[Flag], missing: MissingPolicy) -> None:
    """A critical item can never be prorated away: a missing risk answer must stop scoring."""
    if missing.rule is MissingRule.REFUSE:
        return
    for flag in flags:
        if flag.critical and flag.on not in missing.required and flag.on != TOTAL:
            raise root.error(
                f"critical flag {flag.id!r} is on {flag.on!r}, which must be listed in "
                f"missing.required when prorating"
            )


def parse_instrument(data: Mapping[str, object], source: str) -> Instrument:
    """Validate one parsed definition file and build its :class:`Instrument`.

    ``source`` names the file in every error. Raises :class:`InstrumentDefinitionError`.
    """
    root = _Node(data, "", source)
    if root.raw("format") != FORMAT:
        raise root.error(f"expected {FORMAT!r}", "format")
    answer_sets = _parse_answer_sets(root)
    items = _parse_items(root, answer_sets)
    scored = {item.link_id: item for item in items if item.scored}
    total = _parse_total(root.child("total"), list(scored.values()))
    instrument = _build(root, answer_sets, items, scored, total)
    _check_wording(root, instrument)
    _check_critical_required(root, instrument.flags, instrument.missing)
    return _finish(root, instrument)


def _build(
    root: _Node,
    answer_sets: Mapping[str, AnswerSet],
    items: tuple[Item, ...],
    scored: Mapping[str, Item],
    total: Total,
) -> Instrument:
    bands, cutoff, change = root.opt_child("bands"), root.opt_child("clinical_cutoff"), None
    if (change_node := root.opt_child("reliable_change")) is not None:
        change = _parse_reliable_change(change_node, total)
    flag_nodes = root.children("flags")
    flags = tuple(_parse_flag(node, scored, total) for node in flag_nodes)
    _unique(((n, f.id) for n, f in zip(flag_nodes, flags, strict=True)), "flag id")
    subscale_nodes = root.children("subscales")
    subscales = tuple(_parse_subscale(node, scored) for node in subscale_nodes)
    _unique(((n, s.id) for n, s in zip(subscale_nodes, subscales, strict=True)), "subscale id")
    return Instrument(
        id=root.ident("id"),
        title=root.text("title"),
        version=root.text("version"),
        respondent=root.choice("respondent", Respondent),
        validated=root.flag("validated"),
        key_confirmed=root.flag("key_confirmed"),
        citation=root.text("citation"),
        stem=root.opt_text("stem"),
        notes=root.opt_text("notes"),
        licence=_parse_licence(root.child("licence")),
        loinc=_parse_loinc(root.child("loinc")),
        answer_sets=tuple(answer_sets.values()),
        items=items,
        total=total,
        subscales=subscales,
        bands=None if bands is None else _parse_bands(bands, total),
        clinical_cutoff=None if cutoff is None else _parse_cutoff(cutoff, total),
        reliable_change=change,
        flags=flags,
        missing=_parse_missing(root.child("missing"), scored),
    )


def parse_instruments(documents: Mapping[str, Mapping[str, object]]) -> dict[str, Instrument]:
    """Parse several definitions keyed by source; instrument ids must be unique across them."""
    instruments: dict[str, Instrument] = {}
    for source, data in documents.items():
        instrument = parse_instrument(data, source)
        if instrument.id in instruments:
            raise InstrumentDefinitionError(
                f"{source}: id: duplicate instrument id {instrument.id!r}"
            )
        instruments[instrument.id] = instrument
    return instruments
