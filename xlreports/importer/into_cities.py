"""``import --into`` for a 地市绩效目标表: the 指标值 of each 地市 row of 「指标」.

Rows are matched by 项目名称 (the 资金方向), 地市 and 三级指标, in order for a name used twice.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .. import contract
from ..cities import city_key
from ..problems import Problems
from .into import Change, _compact, _key, read_sheets
from .records import CityTargetForm


def plan_city_changes(form: CityTargetForm, workbook: Path, problems: Problems) -> list[Change]:
    sheets = read_sheets(workbook, problems, contract.INDICATOR_SHEET)
    if sheets is None:
        return []
    (table,) = sheets
    if table is None or not table.has("city"):
        problems.error(f"{workbook.name} 的「{contract.INDICATORS}」没有地市的指标，无法写回", expected="xlreports 的填报工作簿")
        return []
    planned: dict[str, Change] = {}
    for source in dict.fromkeys(e.get("_form") for e in form.entries):  # a city's file shows both forms
        entries = [e for e in form.entries if e.get("_form") == source]
        for change in _plan(entries, table, problems):
            earlier = planned.get(change.cell)
            if earlier is not None and _compact(earlier.new) != _compact(change.new):
                problems.error(f"同一个指标在两张表格中改成了不同的值：「{earlier.new}」和「{change.new}」",
                               sheet=change.sheet, cell=change.cell, expected="两张表格中的指标值一致")
            planned.setdefault(change.cell, change)
    return list(planned.values())


def _plan(entries: list[dict], table, problems: Problems) -> list[Change]:
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, (project, city, name) in enumerate(zip(table.get("project"), table.get("city"), table.get("name"),
                                                      strict=True)):
        if city:
            rows[(_key(project), _key(city_key(city)), _key(name))].append(index)
    changes = []
    shown = {(_key(e["project"]), _key(city_key(e["city"]))) for e in entries}
    for entry in entries:
        matches = rows.get((_key(entry["project"]), _key(city_key(entry["city"])), _key(entry["name"])))
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
