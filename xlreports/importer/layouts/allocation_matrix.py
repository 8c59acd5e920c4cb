"""The 经费分配表: one row per 地区, one column per 资金方向, a 合计 row.

Header: ``地区（单位） | 企业情况综合（万元） | 支持先进制造业集群培育（万元） | …``; the unit in each
direction's brackets is the unit of its amounts.  An empty cell is no allocation.  The 合计 row is
kept as written (and compared with the column's sum).
"""

from __future__ import annotations

from ... import contract
from ...compute.reconcile import differs
from ...names import compact
from ..grid import Grid, only_titles_above
from .outcome import Outcome, amount_of

LAYOUT = "经费分配表（地区（单位） | 各资金方向（万元），每行一个地区）"
FIRST = {"地区(单位)", "地区", "地市", "单位"}


def _header(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows[:20]):
        texts = [compact(t) for t in row.texts() if t]
        if len(texts) >= 2 and texts[0] in FIRST and all(contract.header_unit(t) for t in texts[1:]):
            return index
    return None


def recognises(grid: Grid) -> bool:
    header = _header(grid)
    return header is not None and only_titles_above(grid, header)


def read(grid: Grid, outcome: Outcome, form) -> None:
    header = _header(grid)
    cells = grid.rows[header].cells
    directions = {}
    for col, cell in enumerate(cells[1:], start=1):
        if cell.text and not cell.covered:
            name = compact(cell.text)
            directions[col] = (name[: name.rindex("(")], contract.header_unit(cell.text))
    units = {unit for _, unit in directions.values()}
    outcome.set_unit(units.pop() if len(units) == 1 else None)
    form.amount_unit = outcome.unit
    for row in grid.rows[header + 1:]:
        if row.blank:
            continue
        city = row.cells[0].text
        for col, cell in enumerate(row.cells[1:], start=1):
            if not cell.text or cell.covered:
                continue
            if col not in directions:
                outcome.problems.error("这个单元格在表头以外的列中", sheet=cell.sheet, cell=cell.cell, value=cell.text,
                                       expected="只在各资金方向的列中填写金额")
                continue
            amount = amount_of(cell, outcome)[0]
            if amount is None:
                continue
            if compact(city) in contract.TOTAL_ROW_NAMES:
                form.stated[directions[col][0]] = amount
            elif not city:
                outcome.problems.error("这一行有金额但没有地区", sheet=cell.sheet, cell=cell.cell, value=cell.text,
                                       expected="第一列写地区（单位）")
            else:
                form.allocations.append((city, directions[col][0], amount, cell.where))
    for direction, stated in form.stated.items():
        total = round(sum(a for _, d, a, _ in form.allocations if d == direction), 6)
        if differs(stated, total):
            outcome.problems.warning(f"「{direction}」的合计写明 {stated:g}，各地区之和为 {total:g}（相差 {stated - total:g}）")
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")
