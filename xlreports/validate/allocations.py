"""「资金分配」 and 「地市任务」: the cities' share of a fund, and their tasks."""

from __future__ import annotations

from .. import contract
from ..amounts import NotANumber, parse_number
from ..cities import city_key
from ..load.tables import Table
from ..model import Allocation, CityTask
from ..names import compact
from ..problems import Problems
from .projects import read_amounts

TASK_TEXT = ("requirement", "nature", "method", "standard", "deadline")


def validate_allocations(table: Table, unit: str, problems: Problems) -> tuple[list[Allocation], dict[str, float]]:
    """The cities' allocations, and the totals the sheet states in its own 合计 rows (by direction)."""
    amounts = read_amounts(table, ("amount",), unit, problems)["amount"]
    cities, directions, overviews = table.get("city"), table.get("direction"), table.get("overview")
    seen: dict[tuple[str, str], str] = {}
    allocations = []
    stated: dict[str, float] = {}
    for i, (city, direction, amount) in enumerate(zip(cities, directions, amounts, strict=True)):
        if city is not None and compact(city) in contract.TOTAL_ROW_NAMES:
            if direction is not None and amount is not None:
                stated[direction] = amount
            continue
        if not _required(table, i, problems, ("city", "地区"), ("direction", "资金方向")):
            continue
        if amount is None:
            if table.get("amount")[i] is None:
                problems.error("「金额」为空", sheet=table.sheet, cell=table.cell("amount", i), expected=f"金额（{unit}）")
            continue
        key = (city_key(city), direction)
        if key in seen:
            problems.error(f"「{city}」的「{direction}」重复（第一次出现在 {seen[key]}）", sheet=table.sheet,
                           cell=table.cell("city", i), expected="每个地区的每个资金方向只写一行")
            continue
        seen[key] = table.cell("city", i)
        allocations.append(Allocation(city, key[0], direction, amount, overviews[i], table.rows[i]))
    return allocations, stated


MAX_WORKLOAD = 1e12  # no task counts more (its sums must stay exact and printable)


def validate_city_tasks(table: Table, problems: Problems) -> list[CityTask]:
    tasks = []
    columns = {key: table.get(key) for key in ("city", "direction", "task", "workload", *TASK_TEXT)}
    for i in range(len(table)):
        if not _required(table, i, problems, ("city", "地市"), ("direction", "资金投入方向"), ("task", "工作任务名称")):
            continue
        row = {key: values[i] for key, values in columns.items()}
        workload = _number_or_none(row["workload"])
        if workload is not None and abs(workload) > MAX_WORKLOAD:
            problems.error("「工作量」过大，请检查是否多写了位数", sheet=table.sheet, cell=table.cell("workload", i),
                           value=row["workload"], expected=f"不超过 {MAX_WORKLOAD:,.0f} 的数")
            continue
        tasks.append(CityTask(
            city=row["city"], city_key=city_key(row["city"]), direction=row["direction"], task=row["task"],
            workload=row["workload"], workload_number=workload,
            workload_unit=table.units.get("workload"), row=table.rows[i],
            **{key: row[key] for key in TASK_TEXT},
        ))
    return tasks


def _number_or_none(text: str | None) -> float | None:
    try:
        return parse_number(text) if text is not None and _plain_number(text) else None
    except NotANumber:
        return None


def _plain_number(text: str) -> bool:
    stripped = text.replace(",", "").replace("，", "").strip()
    return stripped.replace(".", "", 1).lstrip("-").isdigit()


def _required(table: Table, i: int, problems: Problems, *columns: tuple[str, str]) -> bool:
    ok = True
    for key, header in columns:
        if table.get(key)[i] is None:
            problems.error(f"「{header}」为空", sheet=table.sheet, cell=table.cell(key, i), expected=f"填写{header}")
            ok = False
    return ok
