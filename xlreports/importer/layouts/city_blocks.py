"""The 分地市绩效目标表: one block per 资金方向 and 地市, titled ``企业情况综合-广州市绩效目标表``.

Each block: the title, ``总体目标 | … ``, then ``绩效目标 | 一级指标 | 二级指标 | 三级指标 | 指标值`` and its
rows (read by :mod:`.indicator_table`).  Entries go to the city indicators of 「指标」, as the
地市绩效目标表's do.
"""

from __future__ import annotations

import re

from ...cities import city_key
from ...names import compact
from ..grid import Grid, only_titles_above
from . import labels
from .indicator_table import IndicatorTable, fits, read_indicator_row
from .outcome import Outcome

LAYOUT = "分地市绩效目标表（「资金方向-地市绩效目标表」，总体目标，一级指标 | 二级指标 | 三级指标 | 指标值）"
_TITLE = re.compile(r"^(?P<direction>.+)-(?P<city>[^-]+?)绩效目标表$")


def _title(grid: Grid, index: int) -> re.Match | None:
    filled = grid.rows[index].filled()
    return _TITLE.match(compact(filled[0].text)) if len(filled) == 1 else None


def recognises(grid: Grid) -> bool:
    first = next((i for i in range(len(grid.rows)) if _title(grid, i)), None)
    return first is not None and only_titles_above(grid, first)


def read(grid: Grid, outcome: Outcome, form) -> None:
    block = None
    table: IndicatorTable | None = None
    for index, row in enumerate(grid.rows):
        filled = row.filled()
        if not filled:
            continue
        if match := _title(grid, index):
            _flush(block, table, form)
            block, table = (match["direction"], city_key(match["city"]) or match["city"]), None
            continue
        if block is None:
            continue  # 附件号 and titles above the first block
        if labels.key(filled[0].text) == "总体目标":
            form.overviews[block] = filled[-1].text if len(filled) > 1 else ""
            continue
        if table is None and (found := IndicatorTable.from_row(row)) is not None:
            table = found
            continue
        if table is None or not fits(grid, row, table):
            outcome.stop(row, f"「{block[0]}-{block[1]}」的这一行不是指标行", forms_read=0)
            return
        read_indicator_row(grid, row, table, outcome)
    _flush(block, table, form)
    outcome.describe(f"{grid.name}：{LAYOUT}")


def _flush(block, table: IndicatorTable | None, form) -> None:
    if block is None or table is None:
        return
    direction, city = block
    for indicator in table.indicators:
        form.entries.append({"project": direction, "city": city, "level1": indicator.level1, "level2": indicator.level2,
                             "name": indicator.name, "value": indicator.value, "_where": table.header.where,
                             "_form": "分地市绩效目标表"})
