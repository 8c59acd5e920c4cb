"""The 经费安排表: the cities' line, then every funded project grouped by its 承担单位."""

from __future__ import annotations

from dataclasses import dataclass

from .. import contract
from ..model import Info, Project
from .allocations import AllocationTable
from .projects import PRECISION

DEFAULT_CITY_UNIT = "地级以上市工业和信息化主管部门"


@dataclass
class CitiesLine:
    unit: str
    amount: float
    content: str


@dataclass
class ArrangementRow:
    unit: str | None
    amount: float | None
    content: str
    unit_total: float | None


@dataclass
class Arrangement:
    cities: CitiesLine | None
    rows: list[ArrangementRow]
    total: float

    def __bool__(self) -> bool:
        return self.cities is not None or bool(self.rows)


def arrangement(projects: list[Project], table: AllocationTable, info: Info) -> Arrangement:
    """Leaf projects (those without 所属项目 rows under them), grouped by unit in order of first appearance."""
    leaves = [p for p in projects if not p.children]
    order = list(dict.fromkeys(p.unit for p in leaves))
    leaves.sort(key=lambda p: order.index(p.unit))
    unit_totals: dict[str | None, float] = {}
    for project in leaves:
        unit_totals[project.unit] = unit_totals.get(project.unit, 0.0) + (project.total or 0.0)
    rows = [ArrangementRow(p.unit, p.total, p.name, round(unit_totals[p.unit], PRECISION)) for p in leaves]
    cities = None
    if table:
        content = info[contract.INFO_CITY_CONTENT] or "、".join(table.directions)
        cities = CitiesLine(info[contract.INFO_CITY_UNIT] or DEFAULT_CITY_UNIT, table.total, content)
    total = (cities.amount if cities else 0.0) + sum(unit_totals.values())
    return Arrangement(cities, rows, round(total, PRECISION))
