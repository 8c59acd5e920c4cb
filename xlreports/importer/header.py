"""The header of 项目支出绩效目标表, and the department and unit lines above it.

The header is the first row that names the project column, the 绩效指标 (or 绩效目标) column and at
least one amount column; names are matched loosely (:func:`contract.header_candidates`), so
``项目名称（资金使用单位）``, ``项目名称`` and ``财政拨款（万元）`` are all recognised.  A second header
row under the first (资金来源 split into 财政拨款 / 财政专户拨款 / 其他资金) is merged into it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import contract
from ..names import compact
from .cells import clean_text
from .records import AMOUNTS, INDICATORS, NAME, OVERVIEW, SOURCES

HEADER_NAMES = {
    NAME: ("项目名称(资金使用单位)", "项目名称(单位)", "项目(单位)名称", "单位(项目)名称", "项目名称"),
    "total": ("总计", "合计", "金额合计"),
    "appropriation": ("财政拨款", "财政拨款资金"),
    "special_account": ("财政专户拨款", "财政专户管理资金", "财政专户"),
    "other_funds": ("其他资金",),
    OVERVIEW: ("绩效目标", "总体绩效目标", "年度绩效目标", "项目绩效目标"),
    INDICATORS: ("绩效指标", "年度绩效指标", "项目绩效指标"),
}
_LOOKUP = {compact(name): key for key, names in HEADER_NAMES.items() for name in names}

_DEPARTMENT = re.compile(r"部门(?:名称)?\s*[:：]\s*(?P<name>.+?)\s*(?=(?:金额)?单位\s*[:：]|$)")
_UNIT = re.compile(r"(?:^|\s)(?:金额)?单位\s*[:：]\s*(?P<unit>\S+)")


def header_key(text: object) -> str | None:
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    for candidate in contract.header_candidates(cleaned):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return None


def header_columns(cells: Sequence[object]) -> dict[str, int]:
    """Column index by key for one row (the first cell naming a key wins)."""
    mapping: dict[str, int] = {}
    for index, text in enumerate(cells):
        key = header_key(text)
        if key is not None and key not in mapping:
            mapping[key] = index
    return mapping


def is_header(mapping: dict[str, int]) -> bool:
    has_text = INDICATORS in mapping or OVERVIEW in mapping
    return NAME in mapping and has_text and any(key in mapping for key in AMOUNTS)


def sub_header(mapping: dict[str, int], cells: Sequence[object]) -> dict[str, int]:
    """Source columns named by the row under the header (a two-row header), else nothing."""
    below = header_columns(cells)
    added = {key: col for key, col in below.items() if key in SOURCES and key not in mapping}
    return added if added and not any(k == NAME for k in below) else {}


def read_meta(lines: Sequence[Sequence[object]]) -> tuple[str | None, str | None]:
    """部门名称 and the amount unit (as written) from the rows above the header."""
    department = unit = None
    for cells in lines:
        for value in cells:
            text = clean_text(value)
            if not text:
                continue
            if department is None and (match := _DEPARTMENT.search(text)):
                department = match["name"].strip() or None
            if unit is None and (match := _UNIT.search(text)):
                unit = compact(match["unit"])
    return department, unit


def locate(grid: Sequence[Sequence[object]], header: int) -> tuple[dict[str, int], int, str | None, str | None]:
    """Columns (with a second header row merged in), the first data row, 部门名称 and unit."""
    mapping = header_columns(grid[header])
    start = header + 1
    if start < len(grid) and (extra := sub_header(mapping, grid[start])):
        mapping.update(extra)
        start += 1
    department, unit = read_meta(grid[:header])
    return mapping, start, department, unit
