"""Projects grouped by 资金使用单位, with each unit's subtotal and the grand total, by source of funds.

项目支出绩效目标表 shows a 合计 row, then each unit with its subtotal, then the unit's projects.
Units keep the order in which they first appear in 「项目」 and projects keep their order within
their unit.  Every amount here is the cached value of a formula in the form (总计 = 财政拨款 +
财政专户拨款 + 其他资金, unit = sum of its projects, 合计 = sum of the units), so a missing amount
counts as 0, as it does in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import contract
from ..model import Project
from ..numbers import show_amount
from ..problems import Problems
from .projects import PRECISION, SOURCES, project_frame

AMOUNTS = ("total", *SOURCES)


@dataclass
class Unit:
    """One 资金使用单位 and its subtotal (``name`` is ``None`` for projects without a unit)."""

    name: str | None
    projects: list[Project] = field(default_factory=list)
    total: float = 0.0            # 总计: the sum of its projects' 财政拨款 + 财政专户拨款 + 其他资金
    appropriation: float = 0.0
    special_account: float = 0.0
    other_funds: float = 0.0
    stated_total: float | None = None  # 单位合计(原表), when the workbook states one
    row: int = 0                  # the 「项目」 row of its first project


@dataclass
class UnitsTotal:
    """The 合计 row: the sum of the units, and the total stated by 「文件信息」 合计(原表)."""

    total: float = 0.0
    appropriation: float = 0.0
    special_account: float = 0.0
    other_funds: float = 0.0
    stated_total: float | None = None


@dataclass
class UnitBreakdown:
    units: list[Unit]
    total: UnitsTotal
    source_projects: list[Project]  # projects with any of 财政拨款 / 财政专户拨款 / 其他资金


def has_sources(project: Project) -> bool:
    return any(getattr(project, key) is not None for key in SOURCES)


def compute_units(projects: list[Project], stated_total: float | None, problems: Problems) -> UnitBreakdown:
    """Group ``projects`` (whose ``sources_total`` is already computed) by unit and add them up."""
    units: dict[str, Unit] = {}
    stated_rows: dict[str, int] = {}  # where each unit's 单位合计(原表) was first given
    for project in projects:
        key = project.unit or ""
        unit = units.get(key)
        if unit is None:
            unit = units[key] = Unit(project.unit, row=project.row)
        unit.projects.append(project)
        _take_stated(unit, project, stated_rows, problems)

    frame = project_frame(projects)
    frame["total"] = pd.Series([p.sources_total for p in projects], dtype="float64")
    frame["key"] = [p.unit or "" for p in projects]
    sums = frame.groupby("key", sort=False)[list(AMOUNTS)].sum().round(PRECISION)
    for key, unit in units.items():
        for column in AMOUNTS:
            setattr(unit, column, float(sums.at[key, column]))

    grand = sums.sum().round(PRECISION) if len(sums) else pd.Series(0.0, index=list(AMOUNTS))
    total = UnitsTotal(**{column: float(grand[column]) for column in AMOUNTS}, stated_total=stated_total)
    return UnitBreakdown(list(units.values()), total, [p for p in projects if has_sources(p)])


def _take_stated(unit: Unit, project: Project, stated_rows: dict[str, int], problems: Problems) -> None:
    stated = project.unit_stated_total
    if stated is None:
        return
    key = project.unit or ""
    if unit.stated_total is None:
        unit.stated_total = stated
        stated_rows[key] = project.row
    elif abs(unit.stated_total - stated) > 1e-9:
        problems.warning(f"资金使用单位「{unit.name or ''}」的「单位合计(原表)」前后不一致"
                         f"（第{stated_rows[key]}行为 {show_amount(unit.stated_total)}），使用第一个值",
                         sheet=contract.PROJECTS, cell=f"第{project.row}行", value=show_amount(stated))
