"""The 经费安排表: 序号 | 承担单位 | 金额（单位合计 | 项目金额） | 支持内容/项目名称, a 合计 row.

Each row with a 项目金额 is a project of its 承担单位 (a merged cell over the unit's rows).  The row
without one is the cities' row: its amount is the sum of 「资金分配」, kept as ``cities_total``.
Read by column (a spreadsheet, HTML or Word table); a copied text must have every cell of a row.
"""

from __future__ import annotations

from ... import contract
from ...names import compact
from ..grid import Grid, only_titles_above
from ..records import ImportedProject, SourceRow
from .outcome import Outcome, amount_of

LAYOUT = "经费安排表（序号 | 承担单位 | 金额：单位合计、项目金额 | 支持内容/项目名称）"
KEYS = {"序号": "number", "承担单位": "unit", "资金使用单位": "unit", "单位合计": "unit_total", "项目金额": "amount",
        "支持内容/项目名称": "name", "项目名称": "name", "支持内容": "name"}


def _header(grid: Grid) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(grid.rows[:20]):
        names = [contract.header_candidates(t)[-1] if t else "" for t in row.texts()]
        if "承担单位" in names and any(n.startswith("金额") for n in names) and any("项目名称" in n for n in names):
            below = grid.rows[index + 1].texts() if index + 1 < len(grid.rows) else []
            columns = {}
            for col, name in enumerate(names):
                sub = compact(below[col]) if col < len(below) else ""
                key = KEYS.get(sub) or KEYS.get(name)
                if key and key not in columns.values():
                    columns[col] = key
            return index, columns
    return None


def recognises(grid: Grid) -> bool:
    found = _header(grid)
    return (found is not None and {"unit", "amount", "name"} <= set(found[1].values())
            and only_titles_above(grid, found[0]))


def read(grid: Grid, outcome: Outcome) -> None:
    header, columns = _header(grid)
    unit = next((contract.header_unit(t) for t in grid.rows[header].texts() if t.startswith("金额")), None)
    outcome.set_unit(unit)
    outcome.without_indicators = True
    for row in grid.rows[header + 2:]:
        if row.blank:
            continue
        cells = {key: row.cells[col] for col, key in columns.items() if col < len(row.cells)}
        first = row.filled()[0].text if row.filled() else ""
        if compact(first) in contract.TOTAL_ROW_NAMES:
            total = next((c for c in reversed(row.filled()) if c.text != first), None)
            outcome.stated_total = amount_of(total, outcome)[0] if total else None
            continue
        name = cells.get("name")
        amount = cells.get("amount")
        if name is None or not name.text:
            outcome.problems.error("这一行没有 支持内容/项目名称", sheet=row.sheet, cell=row.cells[0].cell,
                                   value=" | ".join(row.texts()), expected="每个项目一行，写明项目名称")
            continue
        if amount is None or not amount.text or amount.covered:  # the cities' row: 单位合计 merged over both
            total = cells.get("unit_total")
            outcome.info["cities_total"] = amount_of(total, outcome)[0] if total is not None and total.text else None
            outcome.info["cities_row"] = name.where
            continue
        outcome.add_project(ImportedProject(
            name.text, cells["unit"].text if "unit" in cells else None, None, None, None, None, None, None,
            SourceRow({}, 0, row.sheet, label=name.cell), amount=amount_of(amount, outcome)[0]))
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")
