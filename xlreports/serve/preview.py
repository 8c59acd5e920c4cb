"""A generated form read back with openpyxl and shown as HTML tables: one per sheet, merges as
``rowspan``/``colspan``, the values Excel shows (formula cells show the value the writer cached).

Every text is escaped; a sheet longer than :data:`MAX_ROWS` rows is cut with a visible note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

MAX_ROWS = 400
MAX_COLUMNS = 60
PIXELS_PER_WIDTH = 7


@dataclass
class SheetPreview:
    title: str
    table: Markup
    rows: int
    shown_rows: int


def preview_workbook(path: Path) -> list[SheetPreview]:
    from openpyxl import load_workbook

    # only files this build wrote are previewed, and every formula in them carries its value (write/xlsx.py)
    book = load_workbook(path, data_only=True)
    try:
        return [_sheet(ws) for ws in book.worksheets]
    finally:
        book.close()


def _sheet(ws) -> SheetPreview:
    from openpyxl.utils import get_column_letter

    last_row = ws.max_row
    shown_rows = min(last_row, MAX_ROWS)
    last_col = min(ws.max_column, MAX_COLUMNS)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row, merged.min_col
        bottom, right = min(merged.max_row, shown_rows), min(merged.max_col, last_col)
        if top > shown_rows or left > last_col:
            continue
        spans[(top, left)] = (bottom - top + 1, right - left + 1)
        covered.update((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1))
    parts = ["<table class='sheet'><colgroup>"]
    for col in range(1, last_col + 1):
        width = ws.column_dimensions[get_column_letter(col)].width or 8.43
        parts.append(f"<col style='width:{round(width * PIXELS_PER_WIDTH)}px'>")
    parts.append("</colgroup><tbody>")
    for row in ws.iter_rows(min_row=1, max_row=shown_rows, max_col=last_col):
        parts.append("<tr>")
        for cell in row:
            key = (cell.row, cell.column)
            if key in covered and key not in spans:
                continue
            attributes = ""
            if key in spans:
                rowspan, colspan = spans[key]
                attributes += f" rowspan='{rowspan}'" if rowspan > 1 else ""
                attributes += f" colspan='{colspan}'" if colspan > 1 else ""
            css = _classes(cell)
            if css:
                attributes += f" class='{css}'"
            parts.append(f"<td{attributes}>{escape(shown(cell.value, cell.number_format))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return SheetPreview(ws.title, Markup("".join(parts)), last_row, shown_rows)


def _classes(cell) -> str:
    names = []
    if cell.font is not None and cell.font.b:
        names.append("b")
    horizontal = cell.alignment.horizontal if cell.alignment is not None else None
    if horizontal in ("center", "centerContinuous"):
        names.append("c")
    elif horizontal == "right" or (horizontal is None and isinstance(cell.value, int | float)):
        names.append("r")
    if cell.border is not None and cell.border.left is not None and cell.border.left.style:
        names.append("g")
    return " ".join(names)


def shown(value: object, number_format: str = "General") -> str:
    """A cell's value as Excel displays it, near enough for a preview."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        decimals = _decimals(number_format)
        if decimals is None:
            from ..numbers import show_number

            return show_number(value)
        percent = number_format.endswith("%")
        number = value * 100 if percent else value
        text = f"{number:,.{decimals}f}" if "," in number_format else f"{number:.{decimals}f}"
        return text + ("%" if percent else "")
    return str(value)


def _decimals(number_format: str) -> int | None:
    if not number_format or number_format == "General" or "0" not in number_format:
        return None
    main = number_format.split(";")[0]
    if "." in main:
        return len(main.split(".")[1].rstrip("%_)\" ").replace("#", "0").rstrip("-"))
    return 0
