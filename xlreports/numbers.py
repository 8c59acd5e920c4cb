"""How a number is shown, in a message or in a cell's text: one place.

* :func:`show_amount` — an amount as the forms print it: ``21,947.14`` (two decimals, thousands).
* :func:`show_number` — a number as it was typed: ``33.3``, ``-1``, ``0.000001``; never an exponent,
  never float noise (``33.300000000000004`` → ``33.3``).
* :func:`show_count` — a quantity with thousands separators and only the decimals it has: ``85,900``.
"""

from __future__ import annotations

import math
from decimal import Decimal

SIGNIFICANT = 15  # digits Excel shows: what a typed figure keeps, where float noise ends


def _exact(value: float) -> Decimal:
    """The decimal a float stands for, without noise from arithmetic (33.300000000000004 → 33.3)."""
    if isinstance(value, Decimal):
        return value
    number = float(value)
    if number == 0:
        return Decimal(0)
    digits = SIGNIFICANT - 1 - math.floor(math.log10(abs(number)))
    return Decimal(repr(round(number, digits))) if digits > 0 else Decimal(repr(number))


def show_number(value: float | int | Decimal) -> str:
    """Shortest plain text for ``value``: ``3000``, ``33.3``, ``0.5``; never ``3e+03``."""
    text = format(_exact(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show_amount(value: float | Decimal | None) -> str:
    """``21947.14`` → ``21,947.14``; ``None`` → empty."""
    if value is None:
        return ""
    return f"{_exact(value):,.2f}"


def show_count(value: float | Decimal) -> str:
    """``85900`` → ``85,900``; ``114.2`` → ``114.2``: thousands, no forced decimals."""
    whole, _, fraction = show_number(value).partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-') or 0):,}"
    return sign + grouped + (f".{fraction}" if fraction else "")


def exact_number(value: float | int) -> str:
    """The shortest text that reads back as the very same float, never in exponent form.

    For numbers that a formula or a file must carry unchanged (a formula's numeric literal);
    a person reads :func:`show_number`.
    """
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    text = format(Decimal(repr(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
