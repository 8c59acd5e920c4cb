"""Amounts and their units: the one rule, and numbers as finance staff type them.

* A column's unit is its header's own (``资金需求（元）``), else 「文件信息」金额单位, else 万元
  (:func:`column_unit`).
* A value may carry its own unit (``500万元``, ``1.2亿元``, ``4,820,000元``): it wins over the column's.
* Every amount is converted into the workbook's display unit (金额单位, default 万元) exactly, in
  decimal: 4,820,000 元 is 482 万元, never 481.99999999 (:func:`parse_amount`).
* Numbers are also read from text: ``190,857.18``, ``１２３``, ``-5``.  A value that is not a number —
  text, a boolean, NaN or infinity, or an amount beyond any budget — raises :class:`NotANumber`.

Every amount of the project (loader, validation, forms, importer) is read through this module.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from .names import compact

DEFAULT_UNIT = "万元"
UNIT_SCALE: dict[str, Decimal] = {
    "元": Decimal(1), "千元": Decimal(10) ** 3, "万元": Decimal(10) ** 4, "百万元": Decimal(10) ** 6,
    "亿元": Decimal(10) ** 8,
}
_UNIT_ALIASES = {"万": "万元", "亿": "亿元", "百万": "百万元", "千": "千元", "人民币元": "元", "元人民币": "元"}
UNIT_CHOICES = "元、千元、万元 或 亿元"
# No budget reaches a hundred trillion 元; beyond that a figure is a typo or an overflow in waiting.
LIMIT_YUAN = Decimal(10) ** 14

_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?P<frac>\.\d+)?(?P<unit>[^\d.,]*)$"
)


class NotANumber(ValueError):
    """A value that should have been a number (``reason`` says why, in Chinese, when it is not obvious)."""

    def __init__(self, value: object, reason: str | None = None) -> None:
        super().__init__(value)
        self.value = value
        self.reason = reason


def canonical_unit(text: object) -> str | None:
    """``万`` → ``万元``, ``（元）`` → ``元``; ``None`` for anything that is not an amount unit."""
    name = compact(text).strip("()")
    name = _UNIT_ALIASES.get(name, name)
    return name if name in UNIT_SCALE else None


def is_known_unit(unit: object) -> bool:
    return canonical_unit(unit) is not None


def column_unit(header_unit: str | None, workbook_unit: str | None) -> str:
    """The unit of an amount column: its header's own, else the workbook's 金额单位, else 万元."""
    return canonical_unit(header_unit) or canonical_unit(workbook_unit) or DEFAULT_UNIT


def convert(number: float | Decimal, source: str, target: str) -> float:
    """``number`` in ``source`` expressed in ``target``, exactly in decimal: 4820000 元 → 482.0 万元."""
    exact = number if isinstance(number, Decimal) else Decimal(repr(float(number)))
    return float(exact * UNIT_SCALE[canonical_unit(source)] / UNIT_SCALE[canonical_unit(target)])


def parse_number(value: object) -> float | None:
    """A plain number (weights, ratios); a trailing ``%`` is allowed and ignored."""
    parts = _split(value)
    if parts is None:
        return None
    number, unit = parts
    if unit not in ("", "%"):
        raise NotANumber(value)
    return float(number)


def parse_amount(value: object, unit: str = DEFAULT_UNIT, into: str | None = None) -> float | None:
    """An amount written in ``unit`` (or in the unit it carries), expressed in ``into`` (default: ``unit``).

    ``None`` for an empty cell.  ``parse_amount("500万元", "元")`` is 5,000,000;
    ``parse_amount(4820000, "元", "万元")`` is exactly 482.
    """
    parts = _split(value)
    if parts is None:
        return None
    number, written = parts
    source = canonical_unit(written) if written else canonical_unit(unit)
    if source is None:
        raise NotANumber(value, f"单位「{written or unit}」无法识别" if written else None)
    if abs(number) * UNIT_SCALE[source] > LIMIT_YUAN:
        raise NotANumber(value, "金额过大（超过 100 万亿元），请检查是否多写了位数")
    return convert(number, source, into or unit)


def _split(value: object) -> tuple[Decimal, str] | None:
    """A cell's number (exact) and the unit written after it; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise NotANumber(value, "不是有效的数值（NaN 或无穷大），请在 Excel 中检查这个单元格的公式或内容")
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ""
    text = compact(value).replace("，", ",")
    if not text:
        return None
    match = _NUMBER.match(text)
    if not match or not (match["int"] or match["frac"]):
        raise NotANumber(value)
    try:
        number = Decimal(match["int"].replace(",", "") + (match["frac"] or "") or "0")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise NotANumber(value) from error
    return (-number if match["sign"] == "-" else number), match["unit"]
