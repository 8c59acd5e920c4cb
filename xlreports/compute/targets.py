"""The cities' targets: one group per project or 资金方向, cities as rows, indicators as columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import Allocation, Indicator


@dataclass(frozen=True)
class TargetColumn:
    """One indicator column of the 地市绩效目标表 (the n-th occurrence of a 一级/二级/三级 triple)."""

    level1: str | None
    level2: str | None
    name: str
    occurrence: int
    index: int


@dataclass
class CityTargets:
    """One city's targets in one group: its row of the matrix, and its own 绩效目标表 block."""

    city: str
    key: str
    overview: str | None
    indicators: list[Indicator]
    values: list[str | None] = field(default_factory=list)

    @property
    def has_cycle_values(self) -> bool:
        return any(i.cycle_value for i in self.indicators)


@dataclass
class TargetGroup:
    name: str
    columns: list[TargetColumn]
    cities: list[CityTargets]


def target_groups(indicators: list[Indicator], allocations: list[Allocation]) -> list[TargetGroup]:
    """Group city indicators by project/direction, then by city, both in input order."""
    overviews = {(a.direction, a.city_key): a.overview for a in allocations if a.overview}
    by_group: dict[str, dict[str, list[Indicator]]] = {}
    for indicator in indicators:
        if indicator.city_key:
            by_group.setdefault(indicator.project, {}).setdefault(indicator.city_key, []).append(indicator)
    groups = []
    for name, cities in by_group.items():
        columns: dict[tuple, TargetColumn] = {}
        rows = []
        for key, items in cities.items():
            seen: Counter = Counter()
            keyed = []
            for indicator in items:
                triple = (indicator.level1, indicator.level2, indicator.name)
                seen[triple] += 1
                column_key = (*triple, seen[triple])
                if column_key not in columns:
                    columns[column_key] = TargetColumn(*triple, seen[triple], len(columns))
                keyed.append((column_key, indicator.value))
            overview = next((i.city_overview for i in items if i.city_overview), None) or overviews.get((name, key))
            row = CityTargets(items[0].city, key, overview, items)
            row.values = keyed  # resolved to column order below
            rows.append(row)
        for row in rows:
            lookup = dict(row.values)
            row.values = [lookup.get(key) for key in columns]
        groups.append(TargetGroup(name, list(columns.values()), rows))
    return groups
