"""「项目」: one row per project; names unique, amounts numbers."""

from __future__ import annotations

from .. import contract
from ..amounts import NotANumber, parse_amount
from ..load.tables import Table
from ..model import Project
from ..problems import Problems

AMOUNT_FIELDS = ("amount", "appropriation", "special_account", "other_funds", "stated_total", "unit_stated_total")
TEXT_FIELDS = ("code", "unit", "fund", "amount_note", "content", "basis", "overview")


def read_amounts(table: Table, keys, unit: str, problems: Problems) -> dict[str, list[float | None]]:
    """Parse the amount columns of ``table``; a bad cell is an error naming it."""
    parsed: dict[str, list[float | None]] = {}
    for key in keys:
        if not table.has(key):
            continue
        values = []
        for i, raw in enumerate(table.get(key)):
            try:
                values.append(parse_amount(raw, unit))
            except NotANumber:
                header = table.spec.column(key).header
                problems.error(f"「{header}」不是数字", sheet=table.sheet, cell=table.cell(key, i), value=raw,
                               expected=f"金额（{unit}），例如 190,857.18、500万元 或 1.2亿元")
                values.append(None)
        parsed[key] = values
    return parsed


def validate_projects(table: Table, unit: str, problems: Problems) -> list[Project]:
    amounts = read_amounts(table, AMOUNT_FIELDS, unit, problems)
    names = table.get("name")
    seen: dict[str, str] = {}
    projects: list[Project] = []
    for i, name in enumerate(names):
        if name is None:
            problems.error("项目名称为空", sheet=table.sheet, cell=table.cell("name", i),
                           expected="每个项目都有名称")
            continue
        if contract.normalize_name(name) in contract.TOTAL_ROW_NAMES:
            problems.warning(f"「{name}」行是合计行，已跳过：合计由程序计算", sheet=table.sheet,
                             cell=table.cell("name", i))
            continue
        if name in seen:
            problems.error(f"项目名称「{name}」重复（第一次出现在 {seen[name]}）", sheet=table.sheet,
                           cell=table.cell("name", i), value=name, expected="每个项目名称只出现一次")
            continue
        seen[name] = table.cell("name", i)
        fields = {key: table.get(key)[i] for key in TEXT_FIELDS if table.has(key)}
        fields.update({key: values[i] for key, values in amounts.items()})
        projects.append(Project(name=name, row=table.rows[i], **fields))
    return projects
