"""The cities' share of a fund: the 经费分配表 table and the 政策任务安排表 groups."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..model import Allocation, CityTask
from .projects import PRECISION


@dataclass
class CityAllocation:
    """One row of the 经费分配表: a city's amount in each direction (``None`` where it has none)."""

    name: str
    key: str
    amounts: list[float | None]
    total: float


@dataclass(frozen=True)
class DirectionColumn:
    """One 资金方向 column of the 经费分配表: its position and total."""

    name: str
    index: int
    total: float


@dataclass
class AllocationTable:
    columns: list[DirectionColumn]
    cities: list[CityAllocation]
    total: float

    @property
    def directions(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def totals(self) -> list[float]:
        return [c.total for c in self.columns]

    def __bool__(self) -> bool:
        return bool(self.cities)


@dataclass
class TaskGroup:
    """The tasks of one 资金投入方向, in input order; ``workload_total`` sums the numeric workloads."""

    direction: str
    tasks: list[CityTask] = field(default_factory=list)
    workload_total: float | None = None
    workload_unit: str | None = None


def allocation_table(allocations: list[Allocation]) -> AllocationTable:
    if not allocations:
        return AllocationTable([], [], 0.0)
    frame = pd.DataFrame({
        "city": [a.city for a in allocations],
        "key": [a.city_key for a in allocations],
        "direction": [a.direction for a in allocations],
        "amount": [a.amount for a in allocations],
    })
    directions = list(dict.fromkeys(frame["direction"]))
    names = frame.drop_duplicates("key").set_index("key")["city"]
    wide = frame.pivot_table(index="key", columns="direction", values="amount", aggfunc="sum", sort=False)
    wide = wide.reindex(index=list(names.index), columns=directions)
    cities = [
        CityAllocation(names[key], key, [None if pd.isna(v) else round(float(v), PRECISION) for v in row],
                       round(float(row.sum()), PRECISION))
        for key, row in wide.iterrows()
    ]
    columns = [DirectionColumn(name, i, round(float(total), PRECISION))
               for i, (name, total) in enumerate(wide.sum(axis=0).items())]
    return AllocationTable(columns, cities, round(float(frame["amount"].sum()), PRECISION))


def task_groups(tasks: list[CityTask]) -> list[TaskGroup]:
    groups: dict[str, TaskGroup] = {}
    for task in tasks:
        groups.setdefault(task.direction, TaskGroup(task.direction)).tasks.append(task)
    for group in groups.values():
        numbers = [t.workload_number for t in group.tasks if t.workload_number is not None]
        group.workload_total = round(sum(numbers), PRECISION) if numbers else None
        group.workload_unit = next((t.workload_unit for t in group.tasks if t.workload_unit), None)
    return list(groups.values())
