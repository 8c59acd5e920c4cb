"""Consistency checks across sheets: each finding is a warning with both figures."""

from __future__ import annotations

from .. import contract
from ..model import InputData
from ..problems import Problems
from .allocations import AllocationTable


def check_allocations(data: InputData, table: AllocationTable, problems: Problems) -> None:
    for direction, stated in data.stated_allocation_totals.items():
        if direction not in table.directions:
            problems.warning(f"「{contract.ALLOCATIONS}」的合计行写了资金方向「{direction}」，但没有地市分配这个方向的资金",
                             sheet=contract.ALLOCATIONS)
            continue
        computed = table.totals[table.directions.index(direction)]
        if abs(computed - stated) > 0.005:
            problems.warning(f"「{direction}」的合计写为 {stated:,.2f}，各地市合计为 {computed:,.2f}，相差 "
                             f"{stated - computed:,.2f}（表格中使用各地市的合计）", sheet=contract.ALLOCATIONS)


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
