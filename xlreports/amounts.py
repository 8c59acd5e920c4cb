"""Numbers as finance staff type them: ``190,857.18``, ``500万元``, ``1.2亿元``, ``１２３``.

:func:`parse_amount` converts an amount into the workbook's unit (万元 unless 「文件信息」 says
otherwise); :func:`parse_number` reads a plain number such as a weight.  Both return ``None`` for
an empty cell and raise :class:`NotANumber` for anything else that is not a number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

UNIT_SCALE = {"元": 1.0, "千元": 1e3, "万元": 1e4, "万": 1e4, "百万元": 1e6, "亿元": 1e8, "亿": 1e8}

_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?P<frac>\.\d+)?(?P<unit>[^\d.,]*)$"
)


class NotANumber(ValueError):
    """A value that should have been a number."""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).replace("，", ",")


def _split(value: object) -> tuple[float, str] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, float) and math.isinf(value):
            raise NotANumber(value)
        return float(value), ""
    text = _clean(str(value))
    if not text:
        return None
    match = _NUMBER.match(text)
    if not match or not (match["int"] or match["frac"]):
        raise NotANumber(value)
    number = float(match["int"].replace(",", "") + (match["frac"] or "") or "0")
    if match["sign"] == "-":
        number = -number
    return number, match["unit"]


def parse_number(value: object) -> float | None:
    """A plain number (weights, ratios); a trailing ``%`` is allowed and ignored."""
    parts = _split(value)
    if parts is None:
        return None
    number, unit = parts
    if unit not in ("", "%"):
        raise NotANumber(value)
    return number


def parse_amount(value: object, unit: str = "万元") -> float | None:
    """An amount in ``unit``; text with its own unit (``500万元``, ``1.2亿元``) is converted."""
    parts = _split(value)
    if parts is None:
        return None
    number, written_unit = parts
    if written_unit == "":
        return number
    if written_unit not in UNIT_SCALE or unit not in UNIT_SCALE:
        raise NotANumber(value)
    return round(number * UNIT_SCALE[written_unit] / UNIT_SCALE[unit], 10)


def is_known_unit(unit: str) -> bool:
    return unit in UNIT_SCALE


def format_amount(value: float | None) -> str:
    """``21947.14`` → ``21,947.14``, as the forms print amounts."""
    if value is None:
        return ""
    return f"{value:,.2f}"


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float, never in exponent form."""
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
