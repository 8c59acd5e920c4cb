"""Excel formulas of a template, split into text and cell references that the engine re-points.

A formula is parsed once, when the template is read, into a list of text pieces and :class:`Ref`
objects; rendering a copy only joins the pieces with each reference resolved for that copy.  String
literals, function names (``LOG10(``) and defined names are left alone; whole-column references
(``A:A``) need no re-pointing in a sheet that grows downward.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

from ..load.xlsx_parts import column_index, column_letters

MAX_FORMULA_LENGTH = 8192

_REF = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:]+)!)?"
    r"(?P<c1>\$?[A-Za-z]{1,3})(?P<r1>\$?\d+)"
    r"(?::(?P<c2>\$?[A-Za-z]{1,3})(?P<r2>\$?\d+))?$"
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A cell or range reference; rows and columns are 1-based as in the template."""

    sheet: str | None
    col1: int
    row1: int
    col2: int
    row2: int
    abs_col1: bool = False
    abs_row1: bool = False
    abs_col2: bool = False
    abs_row2: bool = False
    is_range: bool = False

    @property
    def sheet_prefix(self) -> str:
        if self.sheet is None:
            return ""
        if re.fullmatch(r"[^\W\d]\w*", self.sheet):
            return f"{self.sheet}!"
        return "'" + self.sheet.replace("'", "''") + "'!"


def parse_ref(text: str) -> Ref | None:
    match = _REF.match(text)
    if not match:
        return None
    sheet = match["sheet"]
    if sheet and sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    c1, r1 = match["c1"], match["r1"]
    c2, r2 = match["c2"] or c1, match["r2"] or r1
    return Ref(
        sheet=sheet,
        col1=column_index(c1.lstrip("$").upper()) + 1,
        row1=int(r1.lstrip("$")),
        col2=column_index(c2.lstrip("$").upper()) + 1,
        row2=int(r2.lstrip("$")),
        abs_col1=c1.startswith("$"),
        abs_row1=r1.startswith("$"),
        abs_col2=c2.startswith("$"),
        abs_row2=r2.startswith("$"),
        is_range=match["c2"] is not None,
    )


@dataclass(frozen=True)
class Formula:
    """A parsed formula: ``parts`` alternate text and references."""

    text: str
    parts: tuple[str | Ref, ...]

    @classmethod
    def parse(cls, text: str) -> Formula:
        body = text[1:] if text.startswith("=") else text
        try:
            tokens = Tokenizer("=" + body).items
        except TokenizerError as exc:  # unpaired quotes or brackets: the template's own text
            raise ValueError(f"公式 ={body} 无法解析（引号或括号不成对）") from exc
        parts: list[str | Ref] = []
        for token in tokens:
            ref = parse_ref(token.value) if (token.type == Token.OPERAND and token.subtype == Token.RANGE) else None
            if ref is not None:
                parts.append(ref)
            elif parts and isinstance(parts[-1], str):
                parts[-1] += token.value
            else:
                parts.append(token.value)
        return cls("=" + body, tuple(parts))

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]

    def render(self, resolve: Callable[[Ref], str]) -> str:
        text = "=" + "".join(p if isinstance(p, str) else resolve(p) for p in self.parts)
        if len(text) > MAX_FORMULA_LENGTH:
            raise ValueError(f"公式长度 {len(text)} 超过 Excel 的上限 {MAX_FORMULA_LENGTH} 个字符")
        return text


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers grouped into contiguous (first, last) runs."""
    result: list[tuple[int, int]] = []
    for row in rows:
        if result and row == result[-1][1] + 1:
            result[-1] = (result[-1][0], row)
        elif not result or row > result[-1][1]:
            result.append((row, row))
    return result


def area_text(ref: Ref, col1: int, col2: int, row_runs: list[tuple[int, int]]) -> str:
    """Text for ``ref`` re-pointed to 1-based columns ``col1``..``col2`` and the given row runs.

    Several runs become a multi-area list (``C5:C7,C12:C14``), valid as arguments of SUM and the
    like; no rows at all become ``0``.
    """
    if not row_runs:
        return "0"
    prefix = ref.sheet_prefix
    c1 = ("$" if ref.abs_col1 else "") + column_letters(col1 - 1)
    c2 = ("$" if ref.abs_col2 else "") + column_letters(col2 - 1)
    d1 = "$" if ref.abs_row1 else ""
    d2 = "$" if ref.abs_row2 else ""
    areas = []
    for first, last in row_runs:
        if first == last and col1 == col2 and not ref.is_range:
            areas.append(f"{prefix}{c1}{d1}{first}")
        else:
            areas.append(f"{prefix}{c1}{d1}{first}:{c2}{d2}{last}")
    return ",".join(areas)
