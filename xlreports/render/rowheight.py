"""Row heights for wrapped text, estimated from the text, the (merged) width and the font.

Excel does not auto-fit a row whose wrapped text sits in a merged cell, and a file written by a
program has no heights computed at all: long Chinese paragraphs would print cut off.  The estimate
counts a CJK character as two column units and an ASCII one as one (at 11 pt), and only ever makes
a row taller than the template made it.  Rows are estimated one at a time, in order, as they are
rendered; a merge over several rows gets what it lacks added to its last row.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MAX_ROW_HEIGHT = 409.0
DEFAULT_FONT_SIZE = 11.0
DEFAULT_COL_WIDTH = 8.43
LINE_FACTOR = 1.32   # line height in points per point of font size (宋体/SimSun)
PADDING_UNITS = 0.8  # column units lost to the cell's inner margins
PADDING_POINTS = 3.0


def text_units(text: str) -> int:
    """Width of ``text`` in column units at 11 pt: 2 per wide character, 1 per ASCII one."""
    ascii_count = len(text.encode("ascii", "ignore"))
    return 2 * len(text) - ascii_count


def lines_needed(text: str, width_units: float, font_size: float) -> int:
    usable = max(width_units - PADDING_UNITS, 1.0) * DEFAULT_FONT_SIZE / font_size
    if "\n" not in text and 2 * len(text) <= usable:
        return 1
    return sum(max(1, math.ceil(text_units(p) / usable)) for p in text.split("\n"))


class HeightEstimator:
    def __init__(self, col_widths: dict[int, float], default_width: float | None, default_height: float | None,
                 default_font: tuple[str, float] | None, span: Callable[[int, int], tuple[int, int]]) -> None:
        self.font_size = default_font[1] if default_font else DEFAULT_FONT_SIZE
        self.default_height = default_height or round(self.font_size * LINE_FACTOR, 2)
        self.col_widths = col_widths
        self.default_width = default_width or DEFAULT_COL_WIDTH
        self.span = span  # (row, col) -> (last row, last col) of the merge it starts, or itself
        self.heights: list[float] = []            # final height of every row so far
        self.tall: dict[int, list[tuple[int, float]]] = {}  # last row of a merge -> (first row, height needed)
        self._widths: dict[tuple[int, int], float] = {}

    def width(self, first: int, last: int) -> float:
        width = self._widths.get((first, last))
        if width is None:
            width = self._widths[(first, last)] = sum(self.col_widths.get(c, self.default_width)
                                                      for c in range(first, last + 1))
        return width

    def row(self, index: int, wrapped: list[tuple[int, str, float]], base: float | None) -> float | None:
        """The height of row ``index`` (``None``: the sheet's default), given its wrapped texts
        (column, text, font size)."""
        height = base or self.default_height
        for col, text, size in wrapped:
            last_row, last_col = self.span(index, col)
            needed = lines_needed(text, self.width(col, last_col), size) * size * LINE_FACTOR + PADDING_POINTS
            if last_row == index:
                if needed > height:
                    height = needed
            else:
                self.tall.setdefault(last_row, []).append((index, needed))
        if self.tall:
            for first, needed in self.tall.pop(index, ()):
                have = sum(self.heights[first:index]) + height
                if needed > have:
                    height += needed - have
        height = min(round(height, 1), MAX_ROW_HEIGHT)
        self.heights.append(height)
        return None if base is None and height == self.default_height else height
