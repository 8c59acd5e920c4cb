"""Test helper: copies of a sample workbook with cells replaced by hostile or broken values."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

# name → value written with openpyxl (strings "_xHHHH_" are how an .xlsx file holds control characters)
MUTATIONS: dict[str, object] = {
    "long-text": "长" * 32767,
    "nul": "甲_x0000_乙",
    "controls": "_x001B_[2J甲_x0007_乙_x000D_",
    "formula": "=1/0",
    "formula-text": '=CONCATENATE("甲","乙")',
    "huge": 1e308,
    "negative-huge": -1e308,
    "tiny": 5e-324,
    "date": dt.datetime(2023, 5, 1),
    "time": dt.time(12, 30),
    "boolean": True,
    "error": "#N/A",
    "div0": "#DIV/0!",
    "space": "   ",
    "number-text": "１２３,４５６.７８９",
    "percent": "150%",
}


def mutated(source: Path, target: Path, mutation: str, rows: tuple[int, ...] = (2, 3)) -> Path:
    """``source`` with the given rows of every column of every sheet set to ``MUTATIONS[mutation]``
    (key-value sheets: their value column)."""
    shutil.copy(source, target)
    book = load_workbook(target)
    value = MUTATIONS[mutation]
    for ws in book.worksheets:
        key_value = ws.max_column == 2 and ws.cell(1, 1).value in ("字段", "部分")
        for row in range(1, ws.max_row + 1):
            if key_value and row > 1:
                ws.cell(row, 2).value = value if row % 3 == 0 else ws.cell(row, 2).value
            elif row in rows:
                for col in range(1, ws.max_column + 1):
                    if not isinstance(ws.cell(row, col), MergedCell):
                        ws.cell(row, col).value = value
    book.save(target)
    return target
