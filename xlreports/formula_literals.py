"""Values written into Excel formulas: the only way data becomes formula text.

A formula is code.  Data — anything read from an input workbook — reaches a formula only as a
*literal*: text as a quoted string literal with its quotes doubled (:func:`excel_string`), a number
as a numeric literal (:func:`excel_number`).  Formula code assembled by the program itself (a cell
reference, ``VALUE(SUBSTITUTE(G14,"≥",""))``) is marked :class:`FormulaCode`; that is the only
value written into a formula as it is.

Templates' ``&=`` formulas are rendered with :func:`formula_operand` applied to every ``{{ }}``
(Jinja's ``finalize``, like autoescaping in HTML), and a ``{{ }}`` written between the template's
own quotes goes through :func:`string_content` instead (see :mod:`xlreports.render.expressions`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from .numbers import exact_number, show_number

# Excel refuses a string literal longer than 255 characters inside a formula.
MAX_LITERAL = 255
# Characters XML 1.0 (and so an .xlsx formula) cannot hold as they are; Excel writes them as CHAR(n).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Text that is exactly a number as Python formats one ("%g", str(float)): written as that number.
_NUMERIC = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CELL = re.compile(r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}")


def fits_formula(text: str) -> bool:
    """Whether :func:`excel_string` can write ``text``: every character but NUL (Excel has no CHAR(0))."""
    return "\x00" not in text


class FormulaCode(str):
    """Formula text assembled by the program, safe to write into a formula as it is.

    Any operation on it (``+``, slicing, ``replace``, a Jinja filter) gives a plain ``str``, so
    a template cannot turn data into code by way of this class.
    """

    __slots__ = ()


def excel_string(text: str) -> FormulaCode:
    """``text`` as a string expression of literals only: ``"优""秀"``; long or controlled text is
    joined with ``&`` in parentheses (``("…"&CHAR(27)&"…")``)."""
    pieces = _pieces(str(text))
    return FormulaCode(pieces[0] if len(pieces) == 1 else "(" + "&".join(pieces) + ")")


def string_content(value: object) -> FormulaCode:
    """``value`` written between quotes that a template already has: ``"{{ g.name }}"``.

    The quotes are doubled, so nothing ends the template's literal early; a character a literal
    cannot hold, or the 255-character limit, closes it, joins ``&CHAR(n)&`` (or ``&``) and opens
    a new one.
    """
    text = value if isinstance(value, str) else _text(value)
    return FormulaCode("&".join(_pieces(text))[1:-1])


def excel_number(value: float | int | Decimal) -> FormulaCode:
    """A finite number as a numeric literal (``90``, ``0.5``, ``(-3)``), never in exponent form."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("数值为无穷大或不是数，不能写进公式")
    text = exact_number(number)
    return FormulaCode(f"({text})" if text.startswith("-") else text)


def cell_reference(text: str) -> FormulaCode:
    """A template's cell reference such as ``G14`` (the engine re-points it); anything else is refused."""
    if not _CELL.fullmatch(text):
        raise ValueError(f"「{text}」不是单元格地址（例如 G14）")
    return FormulaCode(text)


def formula_operand(value: object) -> FormulaCode:
    """What a ``{{ }}`` of an ``&=`` formula writes: code as it is, a number or text as a literal.

    Text that is exactly a number (``"%g" % g.minimum`` → ``90``) is written as that number, which
    is as safe as any numeric literal and keeps such templates working.
    """
    if isinstance(value, FormulaCode):
        return value
    if isinstance(value, bool):
        return FormulaCode("TRUE" if value else "FALSE")
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return excel_number(value)
    if isinstance(value, str):
        if _NUMERIC.fullmatch(value.strip()):
            return excel_number(float(value))
        return excel_string(value)
    if value is None:
        raise ValueError("公式中的表达式没有值（为空）")
    raise ValueError(f"公式中的表达式的值是 {type(value).__name__}，只能是文字或数字")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return show_number(value) if math.isfinite(float(value)) else str(value)
    return str(value)


def _pieces(text: str) -> list[str]:
    """Quoted literals of at most :data:`MAX_LITERAL` characters and ``CHAR(n)`` for control
    characters; the first and last piece are always quoted literals."""
    pieces: list[str] = []
    start = 0
    for match in _CONTROL.finditer(text):
        pieces.extend(_literals(text[start:match.start()]))
        code = ord(match.group())
        if code == 0:  # validation refuses such text where it reaches a formula (fits_formula)
            raise ValueError("文字中有空字符（\\x00），不能写进公式")
        pieces.append(f"CHAR({code})")
        start = match.end()
    pieces.extend(_literals(text[start:]))
    if not pieces:
        return ['""']
    if not pieces[0].startswith('"'):
        pieces.insert(0, '""')
    if not pieces[-1].startswith('"'):
        pieces.append('""')
    return pieces


def _literals(text: str) -> list[str]:
    if not text:
        return []
    return ['"' + text[i:i + MAX_LITERAL].replace('"', '""') + '"' for i in range(0, len(text), MAX_LITERAL)]
