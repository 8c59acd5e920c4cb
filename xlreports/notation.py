"""Indicator values as officers write them: ``≥90%``, ``至少2次``, ``2000件以上``, ``8.5万家次``, ``合规``.

:func:`parse_value` splits a value into comparator, number and unit (spec: scoring.md, "Value
notation"); anything that is not a comparator + number + unit is *qualitative* and keeps its words.
The original text is always kept for display.  :func:`parse_value` never raises: a value it cannot
read is qualitative.

Comparators, in the written forms accepted (full-width forms are normalised first):

====  =====================================================================  =========
 ≥    ``≥ >= ≧ =>``, 至少, 不少于, 不低于, 不小于, 大于等于, 大于或等于, …以上    positive
 >    ``> ＞``, 超过, 高于, 大于, 多于                                         positive
 =    ``= ＝``, 等于, or a bare number                                         exact
 <    ``< ＜``, 低于, 少于, 小于                                               reverse
 ≤    ``≤ <= ≦ =<``, 不超过, 不高于, 不多于, 不大于, 最多, 小于等于, …以内/以下  reverse
====  =====================================================================  =========
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .formula_literals import FormulaCode, cell_reference, excel_number, excel_string
from .names import compact
from .numbers import exact_number, show_number

GE, GT, EQ, LT, LE = "≥", ">", "=", "<", "≤"
DIRECTIONS = {GE: "positive", GT: "positive", EQ: "exact", LT: "reverse", LE: "reverse"}

# Longest forms first, so that 不少于 is not read as 少于 and >= not as >.
_PREFIXES: tuple[tuple[str, str], ...] = tuple(sorted((
    (">=", GE), ("=>", GE), ("≥", GE), ("≧", GE), ("至少", GE), ("不少于", GE), ("不低于", GE), ("不小于", GE),
    ("大于等于", GE), ("大于或等于", GE),
    (">", GT), ("超过", GT), ("高于", GT), ("大于", GT), ("多于", GT),
    ("=", EQ), ("等于", EQ),
    ("<", LT), ("低于", LT), ("少于", LT), ("小于", LT),
    ("<=", LE), ("=<", LE), ("≤", LE), ("≦", LE), ("不超过", LE), ("不高于", LE), ("不多于", LE), ("不大于", LE),
    ("最多", LE), ("小于等于", LE), ("小于或等于", LE),
), key=lambda p: -len(p[0])))
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("及以上", GE), ("或以上", GE), ("以上", GE), ("及以内", LE), ("以内", LE), ("及以下", LE), ("或以下", LE),
    ("以下", LE),
)
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")
# A unit is short and holds no digits or sentence punctuation: 次, 场(次), 万家次, %, 平方米.
_UNIT = re.compile(r"[^\d,.;:!?，。；：！？、]{0,12}")
# The number as it stands in the original text, digits of either width.
_RAW_NUMBER = re.compile(r"[-+－＋]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?|[-+－＋]?[.．][0-9０-９]+")
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_MAGNITUDES = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True, slots=True)
class Value:
    """A parsed indicator value; equal values compare equal whatever their written form."""

    comparator: str | None          # ≥ > = < ≤; None for a qualitative value
    number: float | None
    unit: str = ""
    words: str | None = None        # a qualitative value's text, normalised
    text: str = field(default="", compare=False)  # as written, for display

    @property
    def qualitative(self) -> bool:
        return self.number is None

    @property
    def direction(self) -> str | None:
        """``positive`` (higher is better), ``exact``, ``reverse`` (lower is better) or ``None``."""
        return DIRECTIONS.get(self.comparator) if self.comparator else None

    @property
    def magnitude(self) -> float:
        """10⁴ for a unit written with 万 (``8.5万家次``), 10⁸ with 亿, else 1."""
        return _MAGNITUDES.get(self.unit[:1], 1.0)

    def format(self) -> str:
        """The value in canonical notation: ``≥90%``, ``2000件``; a qualitative value as written."""
        if self.number is None:
            return self.text if self.text else (self.words or "")
        comparator = "" if self.comparator == EQ else self.comparator
        return f"{comparator}{exact_number(self.number)}{self.unit}"

    def excel_number(self, cell: str, scale: float = 1.0) -> FormulaCode:
        """An Excel expression reading this value's number back from ``cell``, which shows its text.

        The comparator and unit as written are removed with SUBSTITUTE and the rest read with VALUE,
        so that an officer who types another number in the same form (``305`` → ``150``,
        ``2368件`` → ``1500件``) sees it counted.  When the written number is not plain ASCII
        (``９０``, ``1,000``), the expression returns the parsed number while the cell still shows
        the original text.  ``scale`` multiplies the result (``*10000`` for 万).
        """
        if self.number is None:
            raise ValueError(f"「{self.text}」不是数值")
        cell = cell_reference(cell)
        before, raw, after = _split_written(self.text, self.number)
        parsed = f"VALUE({_substitute(cell, [p for p in (before, after) if p])})"
        if raw is None or not _PLAIN.fullmatch(raw) or float(raw) != self.number:
            parsed = f"IF({cell}={excel_string(self.text)},{excel_number(self.number)},{parsed})"
        return FormulaCode(parsed if scale == 1 else f"{parsed}*{excel_number(scale)}")


def parse_value(text: object) -> Value:
    """Comparator, number and unit of ``text``; qualitative when it is anything else."""
    original = "" if text is None else str(text)
    if isinstance(text, int | float) and not isinstance(text, bool):
        original = show_number(float(text))
    clean = compact(original)
    qualitative = Value(None, None, "", clean, original)
    if not clean:
        return qualitative
    comparator, rest = _prefix(clean)
    match = _NUMBER.match(rest)
    if not match:
        return qualitative
    try:
        number = float(match.group().replace(",", ""))
    except ValueError:  # pragma: no cover - the pattern admits only numbers
        return qualitative
    if number != number or number in (float("inf"), float("-inf")):
        return qualitative
    unit, suffix = _suffix(rest[match.end():])
    if suffix and comparator and suffix != comparator:
        return qualitative  # ≤5以上: contradictory
    if not _UNIT.fullmatch(unit) or unit.endswith(tuple(w for w, _ in _SUFFIXES)):
        return qualitative  # a unit ending in 以上 after another suffix (5次以上以内) is not one
    return Value(comparator or suffix or EQ, number + 0.0, unit, None, original)


def comparable(target: Value, actual: Value) -> tuple[float, float]:
    """Target and actual numbers on one scale: ``8.5万家次`` against ``86000家次`` is 85000 : 86000.

    A magnitude (万, 亿) is applied only when the two are written with different ones.
    """
    if target.number is None or actual.number is None:
        raise ValueError("定性指标没有数值")
    if target.magnitude == actual.magnitude:
        return target.number, actual.number
    return target.number * target.magnitude, actual.number * actual.magnitude


def scales(target: Value, actual: Value) -> tuple[float, float]:
    """The factors :func:`comparable` applies to the target and the actual number."""
    if target.magnitude == actual.magnitude:
        return 1.0, 1.0
    return target.magnitude, actual.magnitude


def _prefix(text: str) -> tuple[str | None, str]:
    for written, comparator in _PREFIXES:
        if text.startswith(written):
            return comparator, text[len(written):]
    return None, text


def _suffix(text: str) -> tuple[str, str | None]:
    found: str | None = None
    stripped = True
    while stripped:
        stripped = False
        for written, comparator in _SUFFIXES:
            if text.endswith(written) and (found is None or found == comparator):
                text, found, stripped = text[: -len(written)], comparator, True
                break
    return text, found


def _split_written(text: str, number: float) -> tuple[str, str | None, str]:
    """The original text around its number: (before, number as written, after)."""
    match = _RAW_NUMBER.search(text)
    if match is None:
        return text, None, ""
    return text[:match.start()], match.group(), text[match.end():]


def _substitute(cell: str, parts: list[str]) -> str:
    expression = cell
    for part in parts:
        expression = f'SUBSTITUTE({expression},{excel_string(part)},"")'
    return expression
