"""Row heights for wrapped text, estimated from the text, the (merged) width and the font.

Excel does not auto-fit a row whose wrapped text sits in a merged cell, and a file written by a
program has no heights computed at all: long Chinese paragraphs would print cut off.  The estimate
counts a CJK character as two column units and an ASCII one as one (at 11 pt), and only ever makes
a row taller than the template made it.
"""

from __future__ import annotations

import math

from .sheet import Sheet

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
    return sum(max(1, math.ceil(text_units(p) / usable)) for p in text.split("\n"))


def fit(sheet: Sheet) -> None:
    """Raise the heights of rows whose wrapped text would not fit (in place)."""
    default_size = sheet.default_font[1] if sheet.default_font else DEFAULT_FONT_SIZE
    default_height = sheet.default_row_height or round(default_size * LINE_FACTOR, 2)
    widths = sheet.col_widths
    default_width = sheet.default_col_width or DEFAULT_COL_WIDTH

    def width(c1: int, c2: int) -> float:
        return sum(widths.get(c, default_width) for c in range(c1, c2 + 1))

    merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in sheet.merges}
    tall: list[tuple[int, int, float]] = []  # vertically merged: first row, last row, height needed
    for r, row in enumerate(sheet.rows):
        for c, cell in row.items():
            style = cell.style
            if style is None or not style.wrap or not isinstance(cell.value, str) or not cell.value:
                continue
            r2, c2 = merged.get((r, c), (r, c))
            size = style.font_size or default_size
            needed = lines_needed(cell.value, width(c, c2), size) * size * LINE_FACTOR + PADDING_POINTS
            if r2 == r:
                current = sheet.row_heights[r] or default_height
                if needed > current:
                    sheet.row_heights[r] = min(round(needed, 1), MAX_ROW_HEIGHT)
            else:
                tall.append((r, r2, needed))
    for r1, r2, needed in tall:
        current = sum(sheet.row_heights[r] or default_height for r in range(r1, r2 + 1))
        if needed > current:
            last = sheet.row_heights[r2] or default_height
            sheet.row_heights[r2] = min(round(last + needed - current, 1), MAX_ROW_HEIGHT)
