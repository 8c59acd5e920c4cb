"""What a layout read from a grid: projects, 「文件信息」, notes, and where it stopped.

Amounts go through :func:`xlreports.amounts.parse_amount` only (here, in :func:`amount_of`), in the
unit the form states (单位：万元 / 金额单位：元), or 万元 when it states none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import contract
from ...amounts import NotANumber, is_known_unit, parse_amount
from ...problems import Problems
from ..grid import Cell, Row
from ..records import ImportedProject


@dataclass
class Outcome:
    problems: Problems
    unit: str = contract.DEFAULT_AMOUNT_UNIT
    unit_stated: bool = False
    projects: list[ImportedProject] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    stated_total: float | None = None
    evaluation: object = None      # an EvaluationForm, when a self-evaluation form was read
    allocation: object = None      # an AllocationForm, when a 经费分配表 was read
    cities: object = None          # a CityTargetForm, when a 地市绩效目标表 was read
    tasks: object = None           # a TaskForm, when a 政策任务安排表 was read
    without_indicators: bool = False  # the form read shows no indicators (经费安排表)

    def set_unit(self, unit: str | None) -> None:
        if unit is None:
            return
        if not is_known_unit(unit):
            self.problems.error(f"金额单位「{unit}」无法识别", expected="元、千元、万元 或 亿元")
            return
        self.unit, self.unit_stated = unit, True

    def add_project(self, project: ImportedProject) -> None:
        self.projects.append(project)

    def note(self, text: str) -> None:
        self.notes.append(f"未导入：{text}")

    def describe(self, text: str) -> None:
        self.descriptions.append(f"识别为：{text}")

    def stop(self, row: Row, message: str, forms_read: int, last: str | None = None) -> None:
        """Reading stopped at ``row``: say where, why, and what had been recognised up to there."""
        last = last or (self.projects[-1].name if self.projects else None)
        read = f"此前已读到 {forms_read} 个项目" + (f"（最后一个是「{last}」）" if last else "")
        cell = row.cells[0] if row.cells else None
        self.problems.error(f"读到这里停止：{message}；{read}", sheet=cell.sheet if cell else row.sheet,
                            cell=cell.cell if cell else row.label)


def amount_of(cell: Cell, outcome: Outcome) -> tuple[float | None, str | None]:
    """The amount in a cell (its first line), in the form's unit, and the lines under it as a note."""
    if cell.value is not None:
        return float(cell.value), None
    first, _, rest = cell.text.partition("\n")
    try:
        return parse_amount(first.strip() or None, outcome.unit), rest.strip() or None
    except NotANumber:
        outcome.problems.error("金额不是数字", sheet=cell.sheet, cell=cell.cell, value=first,
                               expected=f"金额（{outcome.unit}），例如 2,082.60 或 250万元")
        return None, rest.strip() or None
