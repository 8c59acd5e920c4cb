"""Read every sheet of an ``.xlsx``, ``.xlsm``, ``.xls`` or ``.ods`` into a grid (calamine).

Merged ranges come from calamine for all three formats and are repeated over the cells they cover.
Numbers keep their stored value next to their text.  In an ``.xlsx``, a formula whose result was
never stored would read as empty: such a cell is reported, since an empty amount is not a missing one.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from ..load.xlsx_parts import XlsxParts, cell_name
from ..numbers import show_number
from ..problems import Problems
from .cells import clean_text
from .grid import Cell, Grid, Row


def read_sheet_grids(path: Path, problems: Problems) -> list[Grid] | None:
    import python_calamine  # deferred: only a spreadsheet import needs it

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises its own (English) errors for broken or encrypted files
        problems.error(f"{path.name} 无法读取（文件可能已损坏、设置了打开密码，或不是表格文件）",
                       expected="在 Excel 或 WPS 中打开，另存为 .xlsx（不设密码）后再试")
        return None
    grids = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        data = sheet.to_python(skip_empty_area=False)
        merges = sheet.merged_cell_ranges or []
        missing = _missing_formulas(path, name)
        for (r, c), formula in sorted(missing.items()):
            problems.error("公式没有保存计算结果：请在 Excel 或 WPS 中打开、保存后再导入", sheet=name,
                           cell=cell_name(r, c), value=formula)
        grids.append(Grid(path, name, "sheet", _rows(name, data, merges)))
    return grids


def _rows(name: str, data: list[list[object]], merges) -> list[Row]:
    cells = [[_cell(name, r, c, value) for c, value in enumerate(values)] for r, values in enumerate(data)]
    for (top, left), (bottom, right) in merges:
        if top >= len(cells) or left >= len(cells[top]):
            continue
        origin = cells[top][left]
        for r in range(top, min(bottom, len(cells) - 1) + 1):
            for c in range(left, min(right, len(cells[r]) - 1) + 1):
                if (r, c) != (top, left):
                    cells[r][c] = Cell(origin.text, name, origin.cell, covered=True, value=origin.value)
    return [Row(row, name, str(r + 1)) for r, row in enumerate(cells)]


def _cell(name: str, r: int, c: int, value: object) -> Cell:
    number = None
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, int | float):
        number, text = float(value), show_number(float(value))
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    else:
        text = clean_text(value) or ""
    return Cell(text, name, cell_name(r, c), value=number)


def _missing_formulas(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not zipfile.is_zipfile(path):
        return {}
    parts = XlsxParts.open(path)
    try:
        return parts.formulas_without_result(sheet)
    finally:
        parts.close()
