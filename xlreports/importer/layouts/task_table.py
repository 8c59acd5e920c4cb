"""The 政策任务安排表: per 资金投入方向 a titled table ``序号 | 地市 | 资金投入方向 | 工作任务名称 |
任务要求/目标 | 任务性质 | 实施方式 | 实施标准 | 工作量（家次） | 完成时限`` with a 合计 row.

Column names are the contract's (「地市任务」); 序号, titles and the 合计 row (a sum of 工作量 the
build computes again) are recognised and not imported.
"""

from __future__ import annotations

from ... import contract
from ...names import compact
from ..grid import Grid, Row, only_titles_above
from .outcome import Outcome

LAYOUT = "政策任务安排表（序号 | 地市 | 资金投入方向 | 工作任务名称 | 任务要求/目标 | … | 完成时限）"
_LOOKUP = {compact(name): column.key for column in contract.CITY_TASK_SHEET.columns
           for name in column.names}


def _columns(row: Row) -> dict[int, str]:
    columns = {}
    for col, cell in enumerate(row.cells):
        for candidate in contract.header_candidates(cell.text) if cell.text else ():
            if candidate in _LOOKUP and _LOOKUP[candidate] not in columns.values():
                columns[col] = _LOOKUP[candidate]
                break
    return columns


def _is_header(row: Row) -> bool:
    return {"city", "direction", "task"} <= set(_columns(row).values())


def recognises(grid: Grid) -> bool:
    first = next((i for i, row in enumerate(grid.rows[:40]) if _is_header(row)), None)
    return first is not None and only_titles_above(grid, first)


def read(grid: Grid, outcome: Outcome, form) -> None:
    columns: dict[int, str] | None = None
    for index, row in enumerate(grid.rows):
        filled = row.filled()
        if not filled:
            continue
        if _is_header(row):
            columns = _columns(row)
            outcome.describe(f"{row.where}：{LAYOUT}")
            continue
        first = compact(filled[0].text)
        if columns is None or len(filled) == 1 and index + 1 < len(grid.rows) and _is_header(grid.rows[index + 1]):
            continue  # a title above a table
        if first in contract.TOTAL_ROW_NAMES:
            continue  # 合计 of 工作量, computed again by the build
        task = {key: (row.cells[col].value if key == "workload" and row.cells[col].value is not None
                      else row.cells[col].text or None)
                for col, key in columns.items() if col < len(row.cells)}
        if not task.get("city") or not task.get("task"):
            outcome.problems.error("这一行没有地市或工作任务名称", sheet=row.sheet, cell=filled[0].cell,
                                   value=" | ".join(row.texts()), expected="地市、资金投入方向、工作任务名称 都填写的任务行")
            continue
        task["_where"] = row.where
        form.tasks.append(task)
