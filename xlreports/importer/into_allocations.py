"""``import --into`` for a 经费分配表: the 金额 of each (地区, 资金方向) row of 「资金分配」.

An amount of the form the workbook has no row for, or a row of the workbook the form shows empty,
is an error (rows are never added or deleted).  A 「合计」 row of the workbook takes the 合计 the form
shows (recalculated by Excel or LibreOffice when staff changed an amount).
"""

from __future__ import annotations

from pathlib import Path

from .. import contract
from ..amounts import NotANumber, column_unit, parse_amount
from ..numbers import show_number
from ..problems import Problems
from .into import TOLERANCE, Change, _key, read_sheets
from .records import AllocationForm


def plan_allocation_changes(form: AllocationForm, workbook: Path, problems: Problems) -> list[Change]:
    sheets = read_sheets(workbook, problems, contract.INFO_SHEET, contract.ALLOCATION_SHEET)
    if sheets is None:
        return []
    info, table = sheets
    if table is None:
        problems.error(f"{workbook.name} 没有「{contract.ALLOCATIONS}」工作表，无法写回", expected="xlreports 的填报工作簿")
        return []
    unit = str(info.values.get(contract.INFO_UNIT) or contract.DEFAULT_AMOUNT_UNIT) if info else contract.DEFAULT_AMOUNT_UNIT
    unit = column_unit(table.units.get("amount"), unit)  # 金额（万元）: the column is read and written in its own unit
    rows = {(_key(c), _key(d)): i for i, (c, d) in enumerate(zip(table.get("city"), table.get("direction"), strict=True))
            if c and _key(c) not in contract.TOTAL_ROW_NAMES}
    changes: list[Change] = []
    complete = {_key(d) for d in {d for _, d, _, _ in form.allocations}
                if {k for k in rows if k[1] == _key(d)} <= {(_key(c), _key(d2)) for c, d2, _, _ in form.allocations}}
    cities = {_key(c) for c, _, _, _ in form.allocations}
    for city, direction, amount, where in form.allocations:
        index = rows.pop((_key(city), _key(direction)), None)
        if index is None:
            problems.error(f"填报工作簿的「{contract.ALLOCATIONS}」中没有 {city} 的「{direction}」", value=show_number(amount),
                           expected=f"{where} 的地区和资金方向与填报工作簿一致（导入只修改已有的行）")
            continue
        old = table.get("amount")[index]
        try:
            new = parse_amount(amount, form.amount_unit, unit)
            current = parse_amount(old, unit)
        except NotANumber:
            problems.error("金额无法换算", sheet=table.sheet, cell=table.cell("amount", index), value=old)
            continue
        if current is None or abs(current - new) > TOLERANCE:
            changes.append(Change(table.sheet, table.cell("amount", index), old, new))
    totals = {_key(d): i for i, (c, d) in enumerate(zip(table.get("city"), table.get("direction"), strict=True))
              if c and _key(c) in contract.TOTAL_ROW_NAMES}
    for direction, stated in form.stated.items():  # the 合计 the form shows (a formula staff did not type)
        index = totals.get(_key(direction))
        if index is None or _key(direction) not in complete:
            continue  # a city's own file shows its amounts only: its 合计 is not the workbook's
        old = table.get("amount")[index]
        try:
            new = parse_amount(stated, form.amount_unit, unit)
            current = parse_amount(old, unit)
        except NotANumber:
            continue
        if current is None or abs(current - new) > TOLERANCE:
            changes.append(Change(table.sheet, table.cell("amount", index), old, new))
    for (city, _), index in rows.items():
        if city not in cities:
            continue  # a city the form does not show (a city's own file)
        problems.error(f"表格中 {table.get('city')[index]} 的「{table.get('direction')[index]}」是空的",
                       sheet=table.sheet, cell=table.cell("amount", index),
                       expected="表格中保留填报工作簿的每个金额（导入不删除行；不再分配请在填报工作簿中删除这一行）")
    return changes
