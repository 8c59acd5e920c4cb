"""One indicator per row (Sichuan): the project's cells on its first row, then one row per indicator.

Header: ``单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 |
度量单位 | 权重 | 指标方向性``.  The comparator (指标性质 ≥ = ≤) and the unit (度量单位) have cells of their
own and are joined to the value as the input workbook keeps it (``≥95%``).  A row with a name and an
amount but no indicator is a department and its total (``820-马踏镇部门 | 8,827,620.53``).  In a
copied text the cells merged from above are absent, so a row is read around its 一级指标 cell: the
cells before it are the last of 单位名称 / 项目名称 / 预算数 / 年度目标, the cells after it the rest.
"""

from __future__ import annotations

import re

from ... import codes, contract
from ...names import compact
from ..grid import Cell, Grid
from ..header import read_meta
from ..records import ImportedIndicator, ImportedProject, SourceRow
from .outcome import Outcome, amount_of

LAYOUT = "每行一个指标的绩效目标申报表（单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | … | 指标方向性）"
PROJECT_KEYS = {"单位名称": "unit", "项目名称": "name", "预算数": "amount", "预算金额": "amount",
                "年度目标": "overview", "绩效目标": "overview", "年度绩效目标": "overview"}
INDICATOR_KEYS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "指标性质": "comparator",
                  "指标值": "value", "度量单位": "measure", "计量单位": "measure", "权重": "weight",
                  "指标方向性": "direction"}
_CODE = re.compile(r"^\d+-")


def _header(grid: Grid) -> tuple[int, list[str | None]] | None:
    for index, row in enumerate(grid.rows):
        keys = [PROJECT_KEYS.get(compact(t)) or INDICATOR_KEYS.get(compact(t))
                for t in row.texts()]
        if {"name", "amount", "level1", "level2", "value"} <= set(keys) and "level1" in keys:
            return index, keys
    return None


def recognises(grid: Grid) -> bool:
    return _header(grid) is not None


def read(grid: Grid, outcome: Outcome) -> None:
    header, keys = _header(grid)
    department, unit = read_meta([row.texts() for row in grid.rows[:header]])
    outcome.set_unit(unit)
    split = keys.index("level1")
    project: ImportedProject | None = None
    unit_name: str | None = None
    weights = 0
    for row in grid.rows[header + 1:]:
        cells = [c for c in row.cells if not c.covered] if grid.is_text else row.cells
        while cells and not cells[-1].text:
            cells = cells[:-1]
        if not cells:
            continue
        values = _values(grid, cells, keys, split)
        if values is None:
            if len([c for c in cells if c.text]) == 2 and project is None:
                unit_cell, total = [c for c in cells if c.text]
                outcome.info[contract.INFO_DEPARTMENT] = _CODE.sub("", unit_cell.text)
                outcome.stated_total = amount_of(total, outcome)[0]
                continue
            outcome.stop(row, "这一行既不是指标行（找不到一级指标：产出指标/效益指标/满意度指标/成本指标），也不是部门合计行",
                         forms_read=len(outcome.projects))
            return
        if values.get("unit") and values["unit"].text:
            unit_name = _CODE.sub("", values["unit"].text)
        if values.get("name") and values["name"].text:
            amount = amount_of(values["amount"], outcome)[0] if "amount" in values else None
            project = ImportedProject(values["name"].text, unit_name, None, None, None, None,
                                      values["overview"].text if "overview" in values else None, None,
                                      SourceRow({}, 0, row.sheet, label=values["name"].cell), amount=amount)
            outcome.add_project(project)
        if project is None:
            outcome.stop(row, "指标行之前没有项目（项目名称、预算数）", forms_read=0)
            return
        indicator = _indicator(values, outcome)
        if indicator is not None:
            project.indicators.append(indicator)
            weights += bool(values.get("weight") and values["weight"].text)
    if weights:
        outcome.note(f"{weights} 个指标的权重未导入（「指标」工作表没有权重列；自评时填在「自评指标」）")
    if department:
        outcome.info.setdefault(contract.INFO_DEPARTMENT, department)
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")


def _values(grid: Grid, cells: list[Cell], keys: list[str | None], split: int) -> dict[str, Cell] | None:
    if not grid.is_text:
        if not any(codes.level1(c.text) for c in cells[split:split + 1]):
            return None
        return {key: cell for key, cell in zip(keys, cells, strict=False) if key}
    anchor = next((i for i, c in enumerate(cells) if codes.level1(c.text) is not None), None)
    if anchor is None or anchor > split:
        return None
    before = list(zip(keys[split - anchor:split], cells[:anchor], strict=True))
    after = list(zip(keys[split:], cells[anchor:], strict=False))
    return {key: cell for key, cell in before + after if key}


def _indicator(values: dict[str, Cell], outcome: Outcome) -> ImportedIndicator | None:
    def text(key: str) -> str:
        return values[key].text if key in values else ""

    where = values.get("level3") or values["level1"]
    if not text("level3") or not text("value"):
        outcome.problems.error("指标行缺少三级指标或指标值", sheet=where.sheet, cell=where.cell,
                               value=" | ".join(c.text for c in values.values()),
                               expected="一级指标、二级指标、三级指标、指标性质、指标值、度量单位")
        return None
    return ImportedIndicator(text("level1"), text("level2"), text("level3"), None,
                             f"{text('comparator')}{text('value')}{text('measure')}")
