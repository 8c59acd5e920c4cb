"""The 地市绩效目标表: 地市 as rows, indicators as columns, one sheet (or table) per 资金方向.

Header rows: ``承担单位 | 总体绩效目标 | 一级指标 | 产出 …`` / ``二级指标 | 数量指标 …`` /
``三级指标 | 企业数据采集量（家次） …``; then ``广州 | 总体目标 | 指标值 | 5500 | …``.  The 资金方向 is
the sheet name after ``地市绩效目标表-``, or the title above the header.
"""

from __future__ import annotations

from ...names import compact
from ..grid import Grid, only_titles_above
from .outcome import Outcome

LAYOUT = "地市绩效目标表（承担单位 | 总体绩效目标 | 一级指标/二级指标/三级指标 各列，每行一个地市）"


def _header(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows[:20]):
        texts = [compact(t) for t in row.texts()]
        if "承担单位" in texts and "一级指标" in texts and index + 2 < len(grid.rows):
            below = [compact(t) for t in grid.rows[index + 2].texts()]
            if "三级指标" in below:
                return index
    return None


def recognises(grid: Grid) -> bool:
    header = _header(grid)
    return header is not None and only_titles_above(grid, header)


def _direction(grid: Grid, header: int) -> str | None:
    if grid.kind == "sheet" and "-" in grid.name:
        return grid.name.split("-", 1)[1]
    titles = [row.filled()[0].text for row in grid.rows[:header] if row.filled()]
    return titles[-1] if titles else None


def read(grid: Grid, outcome: Outcome, form) -> None:
    header = _header(grid)
    direction = _direction(grid, header)
    rows = grid.rows[header:header + 3]
    label = next(i for i, t in enumerate(rows[0].texts()) if compact(t) == "一级指标")
    columns = {}
    for col in range(label + 1, max(len(r.cells) for r in rows)):
        names = [r.cells[col].text if col < len(r.cells) else "" for r in rows]
        if names[2]:
            columns[col] = names
    for row in grid.rows[header + 3:]:
        if row.blank:
            continue
        city = row.cells[0].text
        if not city:
            cell = row.filled()[0]
            outcome.problems.error("这一行没有地市", sheet=cell.sheet, cell=cell.cell, value=cell.text,
                                   expected="第一列写承担单位（地市）")
            continue
        if len(row.cells) > 1 and row.cells[1].text:
            form.overviews[(direction, city)] = row.cells[1].text
        for col, (level1, level2, name) in columns.items():
            cell = row.cells[col] if col < len(row.cells) else None
            if cell is None or not cell.text:
                continue
            form.entries.append({"project": direction, "city": city, "level1": level1, "level2": level2,
                                 "name": name, "value": cell.text, "_where": cell.where,
                                 "_form": "地市绩效目标表"})
    outcome.describe(f"{grid.rows[header].where}（{direction}）：{LAYOUT}")
