"""「项目」: one row per project; names unique, amounts numbers."""

from __future__ import annotations

from .. import contract
from ..amounts import UNIT_CHOICES, NotANumber, canonical_unit, column_unit, parse_amount
from ..load.tables import Table
from ..model import Project
from ..names import compact
from ..problems import Problems
from .suggest import expected_name

AMOUNT_FIELDS = ("amount", "appropriation", "special_account", "other_funds", "stated_total", "unit_stated_total")
TEXT_FIELDS = ("code", "unit", "fund", "amount_note", "content", "basis", "overview", "parent")


def read_amounts(table: Table, keys, unit: str, problems: Problems) -> dict[str, list[float | None]]:
    """Parse the amount columns of ``table`` into the workbook's unit ``unit``; a bad cell is an error naming it.

    Each column is read in its own unit (:func:`amounts.column_unit`): the header's (``资金需求（元）``),
    else ``unit``.  A negative amount is a warning: refunds exist, typos are likelier.
    """
    parsed: dict[str, list[float | None]] = {}
    for key in keys:
        if not table.has(key):
            continue
        header = table.spec.column(key).header
        source = _column_unit(table, key, unit, problems)
        values = []
        for i, raw in enumerate(table.get(key)):
            try:
                value = parse_amount(raw, source, into=unit)
            except NotANumber as error:
                problems.error(f"「{header}」{error.reason or '不是数字'}", sheet=table.sheet,
                               cell=table.cell(key, i), value=raw,
                               expected=f"金额（{source}），例如 190,857.18、500万元 或 1.2亿元")
                value = None
            if value is not None and value < 0:
                problems.warning(f"「{header}」是负数，请确认", sheet=table.sheet, cell=table.cell(key, i), value=raw)
            values.append(value)
        parsed[key] = values
    return parsed


def _column_unit(table: Table, key: str, unit: str, problems: Problems) -> str:
    """The unit the header names, or the workbook's; a currency the project cannot convert is an error."""
    written = table.units.get(key)
    if written and canonical_unit(written) is None and "元" in written:
        problems.error(f"表头的金额单位「{written}」无法识别", sheet=table.sheet,
                       cell=f"{table.letters[key]}{table.header_row}", value=written,
                       expected=f"{UNIT_CHOICES}，或去掉表头中的单位（按「文件信息」的金额单位读取）")
    return column_unit(written, unit)


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
        if compact(name) in contract.TOTAL_ROW_NAMES:
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
    _link_parents(table, projects, problems)
    return projects


def _link_parents(table: Table, projects: list[Project], problems: Problems) -> None:
    """「所属项目」: attach each row to its parent; one level only."""
    by_name = {p.name: p for p in projects}
    position = {row: i for i, row in enumerate(table.rows)}
    for project in projects:
        if project.parent is None:
            continue
        cell = table.cell("parent", position[project.row])
        parent = by_name.get(project.parent)
        if parent is None:
            problems.error(f"所属项目「{project.parent}」不在「项目」表中", sheet=table.sheet, cell=cell,
                           value=project.parent, expected=expected_name(project.parent, by_name, "「项目」表"))
        elif parent is project or parent.parent is not None:
            problems.error("所属项目只能是一个没有所属项目的项目（只支持一级）", sheet=table.sheet, cell=cell,
                           value=project.parent)
        else:
            parent.children.append(project)
