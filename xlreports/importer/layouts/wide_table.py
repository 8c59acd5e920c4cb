"""The Guangzhou 项目支出绩效目标表: one project per row, all its indicators in one 绩效指标 cell.

Header: ``项目名称（资金使用单位） | 总计 | 财政拨款 | 财政专户拨款 | 其他资金 | 绩效目标 | 绩效指标``
(:mod:`..header`).  The grid is turned into the :class:`~..records.SourceTable` that :mod:`..rows`
reads.  In a copied text, a cell of several paragraphs spills over several lines: a row with fewer
cells than the header is joined with the lines after it (the last cell continues on the next line)
until it has them all, and a line without a tab after a complete row continues its last cell when
that cell is unfinished or the line starts the next numbered indicator (``2、…``).
"""

from __future__ import annotations

import re

from ...load.xlsx_parts import column_letters
from ..grid import Grid, Row
from ..header import header_columns, is_header, locate
from ..records import SourceRow, SourceTable
from .outcome import Outcome

LAYOUT = "项目支出绩效目标表（项目名称（资金使用单位） | 总计 | 财政拨款 | … | 绩效目标 | 绩效指标，每行一个项目）"
_FINISHED = ("。", ".")
_NUMBERED = re.compile(r"^\s*\d+\s*、")


def header_row(grid: Grid) -> int | None:
    return next((i for i, row in enumerate(grid.rows) if is_header(header_columns(row.texts()))), None)


def recognises(grid: Grid) -> bool:
    return header_row(grid) is not None


def source_table(grid: Grid, outcome: Outcome) -> SourceTable:
    header = header_row(grid)
    texts = [row.texts() for row in grid.rows]
    mapping, start, department, unit = locate(texts, header)
    outcome.set_unit(unit)
    width = max(mapping.values()) + 1
    rows = _joined(grid.rows[start:], width, outcome) if grid.is_text else grid.rows[start:]
    table_rows = []
    for row in rows:
        cells = row.cells
        values = {key: (cells[col].text or None) if col < len(cells) else None for key, col in mapping.items()}
        for key, col in mapping.items():
            if col < len(cells) and cells[col].value is not None:
                values[key] = cells[col].value
        extra = [c for i, c in enumerate(cells) if i not in mapping.values() and c.text and not c.covered]
        for cell in extra:
            outcome.problems.error("这个单元格在表头以外的列中，没有读取", sheet=cell.sheet, cell=cell.cell,
                                   value=cell.text, expected="只在表头各列中填写")
        if not any(v is not None for v in values.values()):
            continue
        if grid.is_text:
            table_rows.append(SourceRow(values, int(row.label.strip("第行"))))
        else:
            letters = {key: column_letters(col) for key, col in mapping.items()}
            table_rows.append(SourceRow(values, int(row.label) if row.label.isdigit() else 0, row.sheet, letters,
                                        label=None if row.label.isdigit() else row.label))
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")
    columns = tuple(sorted(mapping, key=mapping.get))
    return SourceTable(grid.source, department, outcome.unit, table_rows, columns)


def _joined(rows: list[Row], width: int, outcome: Outcome) -> list[Row]:
    joined: list[Row] = []
    pending: Row | None = None
    for row in rows:
        if row.blank and pending is None:
            continue
        if pending is not None:
            pending = _append(pending, row)
            if len(pending.cells) >= width:
                joined.append(pending)
                pending = None
            continue
        if len(row.cells) == 1 and joined and _continues(joined[-1], row.cells[0].text):
            joined[-1] = _append(joined[-1], row)
            continue
        if len(row.cells) == 1:
            cell = row.cells[0]
            outcome.problems.error("这一行不是表格的一行（没有用制表符分列），也不是上一行最后一格的续行", cell=cell.cell,
                                   value=cell.text, expected="项目行（各列之间用制表符分隔），或放在表格之外")
            continue
        if len(row.cells) < width:
            pending = row
            continue
        joined.append(row)
    if pending is not None:
        outcome.problems.error(f"最后一行只有 {len(pending.cells)} 列，表头有 {width} 列", cell=pending.label,
                               value=pending.cells[-1].text, expected="完整的一行")
        joined.append(pending)
    return joined


def _append(row: Row, more: Row) -> Row:
    """``row`` with ``more`` continuing its last cell on a new line, then adding cells."""
    from dataclasses import replace

    last = row.cells[-1]
    first = more.cells[0] if more.cells else None
    text = "\n".join(t for t in (last.text, first.text if first else "") if t)
    return Row([*row.cells[:-1], replace(last, text=text), *more.cells[1:]], row.sheet, row.label)


def _continues(row: Row, text: str) -> bool:
    last = row.cells[-1].text.rstrip()
    return bool(last) and bool(text.strip()) and (not last.endswith(_FINISHED) or bool(_NUMBERED.match(text)))
