"""``xlreports import FORM --into WORKBOOK``: figures changed in a form go back into the input workbook.

Only rows that already exist are updated: a project by its 项目名称 in 「项目」, an indicator by its
project and 三级指标 in 「指标」 (in order, for a name used twice).  A project or an indicator of the
form the workbook does not have, or one of the workbook the form does not show, is an error: the
import never adds or deletes rows.  Amounts are compared and converted by
:func:`xlreports.amounts.parse_amount`, in the workbook's 金额单位.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import contract
from ..amounts import NotANumber, column_unit, convert, parse_amount
from ..load.tables import Table, read_key_values, read_table
from ..load.workbook import open_workbook
from ..names import compact
from ..numbers import show_number
from ..problems import Problems
from .records import ImportedForm, ImportedProject

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Change:
    sheet: str
    cell: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}：{_show(self.old)} → {_show(self.new)}"


def _show(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    text = show_number(value) if isinstance(value, float) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def read_sheets(workbook: Path, problems: Problems, *specs: contract.SheetSpec) -> list | None:
    """The input workbook's sheets ``specs`` (a Table, KeyValues, or None where absent); None if it cannot open."""
    book = open_workbook(workbook, problems)
    if book is None:
        return None
    try:
        return [(read_key_values(book, spec, problems) if spec.name in book.sheets else None) if spec.key_value
                else read_table(book, spec, problems) for spec in specs]
    finally:
        book.close()


def plan_changes(form: ImportedForm, workbook: Path, problems: Problems) -> list[Change]:
    sheets = read_sheets(workbook, problems, contract.INFO_SHEET, contract.PROJECT_SHEET, contract.INDICATOR_SHEET)
    if sheets is None:
        return []
    info, projects, indicators = sheets
    if projects is None or indicators is None:
        problems.error(f"{workbook.name} 没有「{contract.PROJECTS}」和「{contract.INDICATORS}」工作表，无法写回",
                       expected="xlreports 的填报工作簿")
        return []
    unit = str(info.values.get(contract.INFO_UNIT) or contract.DEFAULT_AMOUNT_UNIT) if info else contract.DEFAULT_AMOUNT_UNIT
    if form.cities_total is not None:
        _check_cities(form, book_allocations(workbook, unit), unit, problems)
    planner = _Planner(form, unit, projects, indicators, problems)
    return planner.plan()


def book_allocations(workbook: Path, unit: str) -> float | None:
    """The sum of 「资金分配」 (合计 rows left out), in the workbook's unit (金额单位)."""
    book = open_workbook(workbook, Problems())
    if book is None or contract.ALLOCATIONS not in book.sheets:
        return None
    try:
        table = read_table(book, contract.ALLOCATION_SHEET, Problems())
    finally:
        book.close()
    if table is None:
        return None
    total = 0.0
    source = column_unit(table.units.get("amount"), unit)
    for city, amount in zip(table.get("city"), table.get("amount"), strict=True):
        if city and _key(city) not in contract.TOTAL_ROW_NAMES:
            try:
                total += parse_amount(amount, source, unit) or 0.0
            except NotANumber:
                return None
    return total


def _check_cities(form: ImportedForm, allocated: float | None, unit: str, problems: Problems) -> None:
    amount, where = form.cities_total
    if amount is None or allocated is None:
        return
    converted = parse_amount(amount, form.amount_unit, unit)
    if abs(converted - allocated) > TOLERANCE:
        problems.error(f"地市一行的金额 {show_number(converted)} {unit} 与填报工作簿「{contract.ALLOCATIONS}」各地市之和 "
                       f"{show_number(allocated)} {unit} 不一致：这一行由各地市的金额相加得到",
                       cell=where, expected="在经费分配表中修改各地市的金额，再导入经费分配表")


class _Planner:
    def __init__(self, form: ImportedForm, unit: str, projects: Table, indicators: Table, problems: Problems):
        self.form, self.unit, self.projects, self.indicators, self.problems = form, unit, projects, indicators, problems
        self.changes: list[Change] = []
        self.planned: dict[str, float] = {}  # cell → its new amount, in the workbook's unit (self.unit)

    def plan(self) -> list[Change]:
        rows = {_key(name): i for i, name in enumerate(self.projects.get("name")) if name}
        seen = set()
        for project in self.form.projects:
            index = rows.get(_key(project.name))
            if index is None:
                self.problems.error(f"填报工作簿的「{contract.PROJECTS}」中没有项目「{project.name}」",
                                    expected="表格中的项目名称与填报工作簿一致（导入只修改已有的行）")
                continue
            seen.add(index)
            self._project(project, index)
            if self.form.shows_indicators:
                self._indicators(project)
        self._parents()
        return self.changes

    def _parents(self) -> None:
        """A parent whose 资金需求 was the sum of its details follows the details that changed."""
        if not (self.projects.has("parent") and self.projects.has("amount")):
            return
        names = [_key(n) for n in self.projects.get("name")]
        changed = self.planned
        for index, name in enumerate(names):
            children = [i for i, parent in enumerate(self.projects.get("parent")) if parent and _key(parent) == name]
            stated = self._number("amount", index)
            if not children or stated is None or self.projects.cell("amount", index) in changed:
                continue
            before = sum(self._number("amount", i) or 0.0 for i in children)
            after = sum(changed.get(self.projects.cell("amount", i), self._number("amount", i) or 0.0) for i in children)
            if abs(stated - before) <= TOLERANCE and abs(after - before) > TOLERANCE:
                self._change("amount", index, round(after, 6))

    # -- 「项目」 -------------------------------------------------------------------------------

    def _project(self, project: ImportedProject, index: int) -> None:
        for key in ("appropriation", "special_account", "other_funds"):
            value = getattr(project, key)
            if value is not None and self.projects.has(key):
                self._amount(key, index, value)
        if project.amount is not None:
            self._requested(project, index)
        for key, value in (("overview", project.overview), ("content", project.content), ("basis", project.basis),
                           ("amount_note", project.amount_note)):
            if value is not None and self.projects.has(key):
                self._text(self.projects, key, index, value)

    def _requested(self, project: ImportedProject, index: int) -> None:
        """资金需求: its own cell when filled, else the one source filled, else refuse."""
        if self.projects.has("amount") and self.projects.get("amount")[index] is not None:
            self._amount("amount", index, project.amount)
            return
        filled = [k for k in ("appropriation", "special_account", "other_funds")
                  if self.projects.has(k) and self.projects.get(k)[index] is not None]
        current = sum(self._number(k, index) or 0.0 for k in filled)
        new = self._converted(project.amount)
        if new is None or abs(new - current) <= TOLERANCE:
            return
        if len(filled) == 1:
            self._amount(filled[0], index, project.amount)
            return
        column = "amount" if self.projects.has("amount") else "name"
        self.problems.error(f"项目「{project.name}」的资金需求改为 {show_number(new)} {self.unit}，但填报工作簿中它是"
                            f"{'、'.join(filled) or '明细之和'}，不知道该改哪一项", sheet=self.projects.sheet,
                            cell=self.projects.cell(column, index), expected="直接在填报工作簿中修改")

    def _number(self, key: str, index: int) -> float | None:
        """The workbook's amount, read in its column's unit, in the workbook's unit."""
        try:
            return parse_amount(self.projects.get(key)[index], self._column_unit(key), self.unit)
        except NotANumber:
            return None

    def _column_unit(self, key: str) -> str:
        """A column whose header names its unit (资金需求（元）) is written in that unit."""
        return column_unit(self.projects.units.get(key), self.unit)

    def _change(self, key: str, index: int, new: float) -> None:
        """``new`` (in the workbook's unit) planned for the cell, written in the unit of its column."""
        cell = self.projects.cell(key, index)
        self.planned[cell] = new
        written = convert(new, self.unit, self._column_unit(key))
        self.changes.append(Change(self.projects.sheet, cell, self.projects.get(key)[index], written))

    def _converted(self, value: float) -> float | None:
        try:
            return parse_amount(value, self.form.amount_unit, self.unit)
        except NotANumber:
            self.problems.error(f"金额单位「{self.form.amount_unit}」无法换算为「{self.unit}」")
            return None

    def _amount(self, key: str, index: int, value: float) -> None:
        new = self._converted(value)
        current = self._number(key, index)
        if new is not None and (current is None or abs(current - new) > TOLERANCE):
            self._change(key, index, new)

    def _text(self, table: Table, key: str, index: int, value: str) -> None:
        old = table.get(key)[index]
        if _compact(old) != _compact(value):
            self.changes.append(Change(table.sheet, table.cell(key, index), old, value))

    # -- 「指标」 -------------------------------------------------------------------------------

    def _indicators(self, project: ImportedProject) -> None:
        table = self.indicators
        cities = table.get("city")
        rows: dict[str, list[int]] = defaultdict(list)
        for i, (name, owner) in enumerate(zip(table.get("name"), table.get("project"), strict=True)):
            if _key(owner) == _key(project.name) and not cities[i] and name:
                rows[_key(name)].append(i)
        for indicator in project.indicators:
            matches = rows.get(_key(indicator.name))
            if not matches:
                self.problems.error(f"填报工作簿的「{contract.INDICATORS}」中没有项目「{project.name}」的指标「{indicator.name}」",
                                    expected="表格中的三级指标与填报工作簿一致（导入只修改已有的行）")
                continue
            index = matches.pop(0)
            self._text(table, "value", index, indicator.value)
            if indicator.cycle_value is not None and table.has("cycle_value"):
                self._text(table, "cycle_value", index, indicator.cycle_value)
        for left in rows.values():
            for index in left:
                self.problems.error(f"表格中没有项目「{project.name}」的指标「{table.get('name')[index]}」",
                                    sheet=table.sheet, cell=table.cell("name", index),
                                    expected="表格中保留填报工作簿的每个指标（导入不删除行）")


def _key(text: object) -> str:
    return compact(text)


def _compact(text: object) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""
