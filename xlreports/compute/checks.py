"""Consistency checks across sheets: each finding is a warning with both figures."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .. import contract
from ..model import InputData
from ..notation import parse_value
from ..numbers import show_count
from ..problems import Problems
from .allocations import AllocationTable, TaskGroup
from .reconcile import differs, mismatch_message
from .targets import TargetGroup


def check_allocations(data: InputData, table: AllocationTable, problems: Problems) -> None:
    for direction, stated in data.stated_allocation_totals.items():
        if direction not in table.directions:
            problems.warning(f"「{contract.ALLOCATIONS}」的合计行写了资金方向「{direction}」，但没有地市分配这个方向的资金",
                             sheet=contract.ALLOCATIONS)
            continue
        computed = table.totals[table.directions.index(direction)]
        if differs(stated, computed):
            problems.warning(mismatch_message(f"「{direction}」的合计", "各地市之和", stated, computed,
                                              data.info[contract.INFO_UNIT]), sheet=contract.ALLOCATIONS)


def check_cities(data: InputData, problems: Problems) -> None:
    """A city with money but no task, or a task but no money."""
    if not data.allocations or not data.city_tasks:
        return
    funded = {a.city_key: a.city for a in data.allocations}
    tasked = {t.city_key: t.city for t in data.city_tasks}
    for key, name in funded.items():
        if key not in tasked:
            problems.warning(f"「{name}」在「{contract.ALLOCATIONS}」中有资金，但「{contract.CITY_TASKS}」中没有它的任务",
                             sheet=contract.CITY_TASKS)
    for key, name in tasked.items():
        if key not in funded:
            problems.warning(f"「{name}」在「{contract.CITY_TASKS}」中有任务，但「{contract.ALLOCATIONS}」中没有给它分配资金",
                             sheet=contract.ALLOCATIONS)


_NAME_UNIT = re.compile(r"[（(]\s*([^（）()]+?)\s*[）)]\s*$")
_YEAR = re.compile(r"^\d{4}年度?")


@dataclass(frozen=True)
class CityTotal:
    """Numbers the cities were given that add up to a province-wide figure."""

    label: str
    total: float
    unit: str  # without 万/亿: 家次


def check_workloads(data: InputData, groups: list[TaskGroup], targets: list[TargetGroup], problems: Problems) -> None:
    """The cities' workloads (or numeric targets) against the provincial target in the same unit.

    Seed 000: 21 cities' 企业数据采集量（家次） add up to 85,900 while the provincial target is
    8.5万家次 (85,000). A city total is compared with the project-level indicator whose value has the
    same unit (万/亿 applied); when several have it, with those whose project names the same work.
    """
    totals = _city_totals(groups, targets)
    units = {total.unit for total in totals}
    provincial = [(i, value) for i in data.indicators
                  if not i.city_key and i.value and any(unit in i.value for unit in units)
                  if (value := parse_value(i.value)).number is not None and value.unit]
    for city_total in totals:
        matches = [(i, v) for i, v in provincial if _base_unit(v.unit) == city_total.unit]
        if len(matches) > 1:
            matches = [(i, v) for i, v in matches if _related(i.project, city_total.label)]
        if len(matches) != 1:
            continue
        indicator, value = matches[0]
        expected = value.number * value.magnitude
        if abs(expected - city_total.total) > 0.005:
            unit = city_total.unit
            problems.warning(
                f"{city_total.label}合计 {_shown(city_total.total)} {unit}，与省级指标「{indicator.name}」的 {value.text}"
                f"（{_shown(expected)} {unit}）不一致，相差 {_shown(city_total.total - expected)} {unit}",
                sheet=contract.INDICATORS, cell=f"第{indicator.row}行")


def _city_totals(groups: list[TaskGroup], targets: list[TargetGroup]) -> list[CityTotal]:
    totals = []
    for group in groups:
        if group.workload_total is not None and group.workload_unit:
            totals.append(CityTotal(f"「{contract.CITY_TASKS}」中「{group.direction}」{len(group.tasks)} 项任务的工作量",
                                    group.workload_total, _base_unit(group.workload_unit)))
    for group in targets:
        for column in group.columns:
            unit = _NAME_UNIT.search(column.name)
            values = [parse_value(city.values[column.index]) for city in group.cities]
            if unit is None or not values or any(v.number is None for v in values):
                continue
            totals.append(CityTotal(f"「{group.name}」{len(values)} 个地市的「{column.name}」",
                                    math.fsum(v.number * v.magnitude for v in values), _base_unit(unit.group(1))))
    return totals


def _base_unit(unit: str) -> str:
    return unit[1:] if unit[:1] in ("万", "亿") and len(unit) > 1 else unit


def _related(project: str, label: str) -> bool:
    core = _YEAR.sub("", project).replace("（省本级）", "").replace("工作经费", "").replace("项目经费", "")
    return bool(core) and core in label


def _shown(value: float) -> str:
    """A workload in a message: thousands separators, at most two decimals (85,900; 114.2)."""
    return show_count(round(value, 2))
