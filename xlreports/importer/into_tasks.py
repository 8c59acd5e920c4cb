"""``import --into`` for a 政策任务安排表: the rows of 「地市任务」, by 地市, 资金投入方向 and 工作任务名称."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .. import contract
from ..amounts import NotANumber, parse_number
from ..problems import Problems
from .into import TOLERANCE, Change, _compact, _key, read_sheets
from .records import TaskForm

COMPARED = ("requirement", "nature", "method", "standard", "workload", "deadline")


def plan_task_changes(form: TaskForm, workbook: Path, problems: Problems) -> list[Change]:
    sheets = read_sheets(workbook, problems, contract.CITY_TASK_SHEET)
    if sheets is None:
        return []
    (table,) = sheets
    if table is None:
        problems.error(f"{workbook.name} 没有「{contract.CITY_TASKS}」工作表，无法写回", expected="xlreports 的填报工作簿")
        return []
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, key in enumerate(zip(table.get("city"), table.get("direction"), table.get("task"), strict=True)):
        rows[tuple(map(_key, key))].append(index)
    changes = []
    for task in form.tasks:
        matches = rows.get((_key(task.get("city")), _key(task.get("direction")), _key(task.get("task"))))
        if not matches:
            problems.error(f"填报工作簿的「{contract.CITY_TASKS}」中没有 {task.get('city')} 的任务「{task.get('task')}」",
                           cell=task["_where"], expected="地市、资金投入方向、工作任务名称与填报工作簿一致（导入只修改已有的行）")
            continue
        index = matches.pop(0)
        for key in COMPARED:
            if key not in task or not table.has(key):
                continue
            old, new = table.get(key)[index], task[key]
            if _differs(old, new):
                changes.append(Change(table.sheet, table.cell(key, index), old, new))
    shown = {_key(t.get("city")) for t in form.tasks}
    for key, left in rows.items():
        if key[0] not in shown:
            continue  # a city the form does not show (a city's own file)
        for index in left:
            problems.error(f"表格中没有 {table.get('city')[index]} 的任务「{table.get('task')[index]}」",
                           sheet=table.sheet, cell=table.cell("task", index), expected="表格中保留填报工作簿的每个任务")
    return changes


def _differs(old: object, new: object) -> bool:
    try:
        a, b = parse_number(old), parse_number(new)
        if a is not None and b is not None:
            return abs(a - b) > TOLERANCE
    except NotANumber:
        pass
    return _compact(old) != _compact(new)
