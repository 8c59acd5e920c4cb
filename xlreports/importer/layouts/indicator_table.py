"""The indicator table of a one-project form: 一级指标 | 二级指标 | 三级指标 | 指标值 (and variants).

Its header row names each column (:data:`labels.INDICATOR_COLUMNS`): 长期/中期 halves give the
实施周期 name and value, 年度 halves the year's.  Under it, each row is one 三级指标; 一级 and 二级
left blank (a merged cell) are the ones above.  Rows of a copied text lack the cells merged from
above, so they are matched to the header from the right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import codes
from ..grid import Cell, Grid, Row
from ..records import ImportedIndicator
from . import labels
from .outcome import Outcome

VALUE_KINDS = ("value", "cycle_value")


@dataclass
class IndicatorTable:
    columns: list[str | None]     # kind by position (None: a column the header leaves unnamed)
    header: Row
    indicators: list[ImportedIndicator] = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None
    standards: int = 0

    @classmethod
    def from_row(cls, row: Row) -> IndicatorTable | None:
        kinds = [labels.indicator_column(cell.text) if cell.text else None for cell in row.cells]
        while kinds and kinds[-1] is None:
            kinds.pop()
        named = set(kinds)
        if {"level2", "name"} <= named and "value" in named:
            return cls(kinds, row)
        return None


def fits(grid: Grid, row: Row, table: IndicatorTable) -> bool:
    """Whether ``row`` can be an indicator row of ``table`` at all (else the table has ended)."""
    cells = [c for c in row.cells if c.text and not c.covered]
    if grid.is_text and len(row.cells) == 1:
        return False  # a line without a tab is not a table row
    if len(cells) == 1 and not grid.is_text:
        text = cells[0].text.replace("\n", "")
        return codes.level1(text) is not None or codes.level2(text) is not None
    if grid.is_text:
        width = len(row.cells)
        while width and not row.cells[width - 1].text:
            width -= 1
        return width <= len(table.columns)
    return True


def read_indicator_row(grid: Grid, row: Row, table: IndicatorTable, outcome: Outcome) -> None:
    cells = list(row.cells)
    if grid.is_text:
        while cells and not cells[-1].text and len(cells) > len(table.columns):
            cells.pop()
        if len(cells) > len(table.columns):
            extra = cells[0]
            outcome.problems.error(f"指标行的单元格比表头（{table.header.where}）多 {len(cells) - len(table.columns)} 个",
                                   sheet=extra.sheet, cell=extra.cell, value=extra.text,
                                   expected="、".join(labels.key(c.text) for c in table.header.cells if c.text))
            return
        pad = len(table.columns) - len(cells)
        pairs = list(zip(table.columns[pad:], cells, strict=True))
    else:
        pairs = list(zip(table.columns, cells, strict=False))
        for cell in cells[len(table.columns):]:
            if cell.text and not cell.covered:
                outcome.problems.error("指标表右边、表头以外的单元格有内容", sheet=cell.sheet, cell=cell.cell,
                                       value=cell.text, expected=f"只在表头（{table.header.where}）的各列中填写")
    values: dict[str, Cell] = {}
    for kind, cell in pairs:
        if kind is None or kind == "label":
            if cell.text and not cell.covered and kind is None:
                outcome.problems.error("这个单元格在指标表中没有列名", sheet=cell.sheet, cell=cell.cell, value=cell.text)
            continue
        values[kind] = cell
    _indicator(values, row, table, outcome)


def _level1_of(level2: str) -> str | None:
    """The 一级 a 二级 belongs to, for a row whose 一级 cell was merged across (满意度指标)."""
    known = codes.level2(level2)
    parent = codes.level1_of_level2(known.code) if known is not None else None
    if parent is not None:
        return parent.name
    return "满意度指标" if "满意度" in level2 else None


def _text(values: dict[str, Cell], kind: str) -> str:
    cell = values.get(kind)
    if cell is None:
        return ""
    # 一级/二级 names are often written down a narrow cell, one character per line
    return cell.text.replace("\n", "") if kind in ("level1", "level2", "level2_long") else cell.text


def _indicator(values: dict[str, Cell], row: Row, table: IndicatorTable, outcome: Outcome) -> None:
    if _text(values, "level1"):
        table.level1, table.level2 = _text(values, "level1"), None
    level2 = _text(values, "level2") or _text(values, "level2_long")
    if level2:
        table.level2 = level2
        inferred = _level1_of(level2)
        if "level1" in table.columns and not _text(values, "level1") and inferred and codes.level1(table.level1) != codes.level1(inferred):
            table.level1 = inferred
    name = _text(values, "name") or _text(values, "name_long")
    value = _text(values, "value")
    cycle = _text(values, "cycle_value")
    if _text(values, "standard"):
        table.standards += 1
    if not name and not value and not cycle:
        return  # a 二级 heading without indicators (Xiangtan 生态效益指标)
    where = values.get("name") or values.get("value") or next(iter(values.values()))
    if not name:
        outcome.problems.error("指标有指标值，但三级指标（名称）是空的", sheet=where.sheet, cell=where.cell,
                               value=value or cycle, expected="三级指标名称")
        return
    if not value:
        cell = values.get("value", where)
        outcome.problems.error(f"三级指标「{name}」没有指标值", sheet=cell.sheet, cell=cell.cell,
                               expected="指标值，例如 ≥90%、10辆")
        return
    if table.level2 is None:
        outcome.problems.error(f"三级指标「{name}」没有二级指标", sheet=where.sheet, cell=where.cell,
                               expected="上面或同一行写有二级指标")
        return
    table.indicators.append(ImportedIndicator(table.level1, table.level2, name, cycle or None, value))
