"""Every total, subtotal and score, computed in one place from the validated data.

:func:`build_context` returns what templates see: the model objects with their derived values
filled in, plus the totals.  Templates never add numbers themselves; a formula cell shows the
value computed here as its cached result, and the tests check LibreOffice agrees.

:func:`city_context` narrows it to one city's allocations, tasks and targets (the per-city files),
with totals of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import contract
from ..model import InputData
from ..problems import Problems
from .allocations import allocation_table, task_groups
from .arrangement import arrangement
from .checks import check_allocations, check_cities, check_workloads
from .evaluation import compute_evaluation
from .projects import compute_projects
from .reconcile import reconcile, reconcile_parents
from .targets import target_groups
from .units import compute_units

__all__ = ["City", "build_context", "city_context", "city_keys"]


@dataclass(frozen=True)
class City:
    key: str
    name: str


def city_keys(data: InputData) -> list[City]:
    """Every city of the workbook (allocations, tasks, city targets), in input order."""
    cities: dict[str, str] = {}
    for key, name in [*((a.city_key, a.city) for a in data.allocations),
                      *((t.city_key, t.city) for t in data.city_tasks),
                      *((i.city_key, i.city) for i in data.indicators if i.city_key)]:
        cities.setdefault(key, name)
    return [City(key, name) for key, name in cities.items()]


# The names every template may use (docs/templates.md §5); `xlreports templates` checks against them.
CONTEXT_NAMES = frozenset({
    "info", "unit", "projects", "indicator_projects", "totals", "source", "units", "units_total",
    "source_projects", "allocations", "task_groups", "target_groups", "arrangement", "evaluation", "city",
})


def build_context(data: InputData, problems: Problems) -> dict[str, Any]:
    """The context of the province's forms; every check of the workbook reports here."""
    totals = compute_projects(data.projects, problems)
    leaves = [p for p in data.projects if not p.children]  # a parent's money is its rows' money
    unit = data.info[contract.INFO_UNIT]
    breakdown = compute_units(leaves, data.info[contract.INFO_STATED_TOTAL], problems)
    table = allocation_table(data.allocations)
    groups = task_groups(data.city_tasks)
    targets = target_groups([i for i in data.indicators if i.city_key], data.allocations)
    reconcile(leaves, breakdown, unit, problems)
    reconcile_parents(data.projects, unit, problems)
    check_allocations(data, table, problems)
    check_cities(data, problems)
    check_workloads(data, groups, targets, problems)
    return {
        "info": data.info,
        "unit": unit,
        "projects": data.projects,
        "indicator_projects": [p for p in data.projects if p.indicators],
        "totals": totals,
        "source": data.name,
        # 项目支出绩效目标表: projects by 资金使用单位, with subtotals and the 合计 row
        "units": breakdown.units,
        "units_total": breakdown.total,
        "source_projects": breakdown.source_projects,
        # the cities' share: 经费分配表, 政策任务安排表, 地市绩效目标表, 经费安排表
        "allocations": table,
        "task_groups": groups,
        "target_groups": targets,
        "arrangement": arrangement(data.projects, table, data.info) if table else None,
        "evaluation": compute_evaluation(data.evaluation, problems) if data.evaluation else None,
        "city": None,
    }


def city_context(data: InputData, context: dict[str, Any], city: City) -> dict[str, Any]:
    """``context`` narrowed to one city: its allocations, tasks and targets, with totals of their own."""
    allocations = [a for a in data.allocations if a.city_key == city.key]
    indicators = [i for i in data.indicators if i.city_key == city.key]
    return {
        **context,
        "allocations": allocation_table(allocations),
        "task_groups": task_groups([t for t in data.city_tasks if t.city_key == city.key]),
        "target_groups": target_groups(indicators, allocations),
        "arrangement": None,
        "evaluation": None,
        "city": city,
    }
