"""Read 项目支出绩效目标表 from an ``.xlsx``: the form xlreports builds, or an officer's spreadsheet.

The first sheet with a recognisable header is used.  Formulas count by their stored results (the
总计 and subtotal formulas of a built form); a formula without a stored result is reported with its
cell, since reading it as empty would lose an amount.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import contract
from ..load.limits import check_workbook
from ..load.xlsx_parts import XlsxParts, cell_name, column_letters
from ..problems import Problems
from .header import header_columns, is_header, locate
from .records import AMOUNTS, SourceRow, SourceTable

HEADER_SEARCH_ROWS = 30


def read_xlsx_table(path: Path, problems: Problems) -> SourceTable | None:
    if path.suffix.lower() == ".xls" or not zipfile.is_zipfile(path):
        problems.error(f"{path.name} 不是 .xlsx 工作簿（旧版 .xls 或加密的文件无法读取）",
                       expected="在 Excel 或 WPS 中另存为 .xlsx（不设密码）后再试")
        return None
    refusal = check_workbook(path)
    if refusal is not None:
        problems.error(refusal.message, sheet=refusal.sheet, cell=refusal.cell)
        return None
    import pandas as pd  # deferred: only an .xlsx import needs it

    try:
        book = pd.ExcelFile(path, engine="calamine")
    except Exception as exc:  # calamine raises its own types for broken files
        problems.error(f"{path.name} 无法读取（文件可能已损坏）：{exc}")
        return None
    with book:
        known = {spec.name for spec in map(contract.sheet_spec, book.sheet_names) if spec is not None}
        if {contract.PROJECTS, contract.INDICATORS} <= known:
            problems.error(f"{path.name} 已经是填报工作簿（有「{contract.PROJECTS}」「{contract.INDICATORS}」工作表），不需要导入",
                           expected=f"直接运行 xlreports build {path.name}")
            return None
        for sheet in book.sheet_names:
            frame = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, keep_default_na=False,
                                  na_values=[])
            grid = frame.to_numpy(dtype=object).tolist()
            header = next((r for r, cells in enumerate(grid[:HEADER_SEARCH_ROWS])
                           if is_header(header_columns(cells))), None)
            if header is not None:
                return _table(path, sheet, grid, header, problems)
    problems.error(f"{path.name} 的工作表中找不到表头行",
                   expected="一行写有 项目名称（资金使用单位）、总计、财政拨款、绩效目标、绩效指标 等列名")
    return None


def _table(path: Path, sheet: str, grid: list[list[object]], header: int, problems: Problems) -> SourceTable:
    mapping, start, department, unit = locate(grid, header)
    letters = {key: column_letters(col) for key, col in mapping.items()}
    parts = XlsxParts.open(path)
    try:
        missing = parts.formulas_without_result(sheet)
    finally:
        parts.close()
    rows = []
    for r in range(start, len(grid)):
        cells = {key: _value(grid[r][col]) if col < len(grid[r]) else None for key, col in mapping.items()}
        if not any(value is not None for value in cells.values()):
            continue
        for key in AMOUNTS:
            if key in mapping and (r, mapping[key]) in missing:
                problems.error("公式没有保存计算结果：请在 Excel 或 WPS 中打开、保存后再导入", sheet=sheet,
                               cell=cell_name(r, mapping[key]), value=missing[(r, mapping[key])])
        rows.append(SourceRow(cells, r + 1, sheet, letters))
    columns = tuple(sorted(mapping, key=mapping.get))
    return SourceTable(path, department, unit, rows, columns)


def _value(value: object) -> object:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value
