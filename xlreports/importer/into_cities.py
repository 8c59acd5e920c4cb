"""``import --into`` for a 地市绩效目标表: the 指标值 of each 地市 row of 「指标」.

Rows are matched by 项目名称 (the 资金方向), 地市 and 三级指标, in order for a name used twice.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .. import contract
from ..load.tables import read_table
from ..load.workbook import open_workbook
from ..problems import Problems
from .into import Change, _compact, _key
from .records import CityTargetForm


def plan_city_changes(form: CityTargetForm, workbook: Path, problems: Problems) -> list[Change]:
    book = open_workbook(workbook, problems)
    if book is None:
        return []
    try:
        table = read_table(book, contract.INDICATOR_SHEET, problems)
    finally:
        book.close()
    if table is None or not table.has("city"):
        problems.error(f"{workbook.name} 的「{contract.INDICATORS}」没有地市的指标，无法写回", expected="xlreports 的填报工作簿")
        return []
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, key in enumerate(zip(table.get("project"), table.get("city"), table.get("name"), strict=True)):
        if key[1]:
            rows[tuple(map(_key, key))].append(index)
    changes = []
    shown = {(_key(e["project"]), _key(e["city"])) for e in form.entries}
    for entry in form.entries:
        matches = rows.get((_key(entry["project"]), _key(entry["city"]), _key(entry["name"])))
        if not matches:
            problems.error(f"填报工作簿的「{contract.INDICATORS}」中没有 {entry['city']} 的指标「{entry['name']}」",
                           cell=entry["_where"], expected="地市、三级指标与填报工作簿一致（导入只修改已有的行）")
            continue
        index = matches.pop(0)
        old = table.get("value")[index]
        if _compact(old) != _compact(entry["value"]):
            changes.append(Change(table.sheet, table.cell("value", index), old, entry["value"]))
    for key, left in rows.items():
        if key[:2] in shown:
            for index in left:
                problems.error(f"表格中没有 {table.get('city')[index]} 的指标「{table.get('name')[index]}」",
                               sheet=table.sheet, cell=table.cell("name", index), expected="表格中保留填报工作簿的每个指标")
    return changes
