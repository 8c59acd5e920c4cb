"""Render a template with a context into :class:`~xlreports.render.sheet.Sheet` values.

For each sheet (or each copy of an ``xl:sheet``):

1. **columns** – column blocks expanded (:mod:`columns`);
2. **layout** – row blocks expanded into output rows (:mod:`layout`);
3. **plan** – merged areas (:mod:`merges`), validations, page setup and print area, all mapped
   through the layout; this needs the values of merged columns only;
4. **rows, streamed** – every cell's literal, expression or text evaluated in its row's scope,
   formulas re-pointed with the value Python computed (``xl:value``) as their cached result,
   row heights estimated (:mod:`rowheight`) — one row at a time, as the writer asks for them.

Formula references follow the JXLS rules: a reference within the same iteration stays in that
copy; a reference to a row repeated below the referring cell's level becomes the range of all its
copies in the current iteration (``=SUM(C5)`` → ``=SUM(C5:C25)``); in an ``xl:merge`` column the
range is that of the merged group (a per-group subtotal); a reference to rows that rendered
nothing becomes ``0``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ..problems import TemplateError
from .columns import expand_columns, remap_parsed
from .expressions import ExpressionError
from .extras import map_rows
from .formulas import Formula, Ref, area_text, runs
from .layout import Bound, Layout, evaluate_items, expand
from .merges import COLUMN_BITS, MergePlan, MergePlanner
from .rowheight import HeightEstimator
from .sheet import Cell, DataValidation, Page, Row, Sheet
from .template import Block, MergeRule, Template, TemplateCell, TemplateSheet


def render(template: Template, context: Mapping[str, Any]) -> list[Sheet]:
    """Render every sheet of ``template``; raises :class:`TemplateError` naming the template cell.

    The returned sheets produce their rows when iterated (:meth:`Sheet.iter_rows`); everything
    that can fail on the data is checked before that, except an expression that fails on one row.
    """
    instances = []
    for sheet in template.sheets:
        for name, scope in _instances(sheet, context):
            expanded = expand_columns(sheet, scope)
            instances.append((name, expanded, expand(expanded, scope)))
    layouts = {sheet.name: layout for _, sheet, layout in instances if sheet.repeat is None}
    return [_SheetRenderer(template, sheet, layout, layouts, name).planned() for name, sheet, layout in instances]


def _instances(sheet: TemplateSheet, context: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    if sheet.repeat is None:
        return [(sheet.name, context)]
    repeat = sheet.repeat
    result = []
    for k, item in enumerate(evaluate_items(repeat.items, context, repeat.where)):
        scope = {**context, repeat.var: item}
        try:
            name = repeat.name(scope).strip() if repeat.name else ""
        except ExpressionError as exc:
            raise TemplateError(str(exc), cell=repeat.where) from None
        result.append((name or f"{sheet.name}{k + 1}", scope))
    return result


class _SheetRenderer:
    def __init__(self, template: Template, sheet: TemplateSheet, layout: Layout, layouts: dict[str, Layout],
                 name: str) -> None:
        self.template = template
        self.sheet = sheet
        self.name = name
        self.layouts = layouts
        self.layout = layout
        self._chains: dict[int, list[Block]] = {}
        self._cells: dict[tuple[int, int], TemplateCell] = {
            (cell.row, cell.col): cell for cells in sheet.cells.values() for cell in cells}
        self._values: dict[int, Any] = {}  # merged columns' values, computed while planning (key: row << 14 | col)
        self.plan = MergePlan()

    def chain(self, row: int) -> list[Block]:
        chain = self._chains.get(row)
        if chain is None:
            chain = self._chains[row] = self.sheet.chain(row)
        return chain

    def where(self, row: int, col: int) -> str:
        cell = self._cells.get((row, col))
        return cell.where if cell else f"{self.template.name}!{self.sheet.name}"

    # -- the sheet, planned ------------------------------------------------------------------------

    def planned(self) -> Sheet:
        sheet = self.sheet
        formulas = {(c.row, c.col) for c in self._cells.values() if c.formula is not None or c.formula_text is not None}
        planner = MergePlanner(sheet, self.layout, self.chain, self._merge_key, self.where, formulas)
        self.plan = planner.plan(self.template.name)
        return Sheet(
            name=self.name,
            row_count=len(self.layout.rows),
            source=self._rows,
            col_widths={c - 1: w for c, w in sheet.col_widths.items()},
            hidden_cols={c - 1 for c in sheet.hidden_cols},
            merges=list(self.plan.areas),
            page=self._page(),
            validations=self._validations(),
            freeze=self._freeze(),
            default_row_height=sheet.default_row_height,
            default_col_width=sheet.default_col_width,
            show_gridlines=sheet.show_gridlines,
            default_font=self.template.default_font,
            palette=[(cell.style, cell.where) for cell in self._cells.values()],
            extras=map_rows(sheet.extras, self.layout.all_rows_of, self._span, self._first_row, runs, self._chart_ref),
        )

    def _chart_ref(self, ref: Ref) -> str:
        """A chart's reference: to every row a template row became (as from outside every area)."""
        absolute = dataclasses.replace(ref, abs_col1=True, abs_row1=True, abs_col2=True, abs_row2=True)
        if ref.sheet is None or ref.sheet == self.sheet.name:
            layout = self.layout
            absolute = dataclasses.replace(absolute, sheet=self.name)  # a copy of xl:sheet has its own name
        else:
            layout = self.layouts.get(ref.sheet)
            if layout is None:
                return area_text(absolute, ref.col1, ref.col2, [(ref.row1, ref.row2)])
        return _area(absolute, layout, lambda q: ((), None, None))

    def _first_row(self, trow: int) -> int | None:
        rows = self.layout.all_rows_of(trow)
        return rows[0] + 1 if rows else None

    def _merge_key(self, rule: MergeRule, o: int, col: int) -> Any:
        cell = self._cells[(rule.row, col)]
        scope = self.layout.rows[o].scope if cell.bindings is None else Bound(self.layout.rows[o].scope, cell.bindings)
        if rule.key is not None:
            try:
                return rule.key(scope)
            except ExpressionError as exc:
                raise TemplateError(str(exc), cell=cell.where) from None
        if cell.formula is not None or cell.formula_text is not None:
            return None
        value = self._value(cell, scope)
        self._values[o << COLUMN_BITS | col] = value
        return value

    # -- the rows, streamed ------------------------------------------------------------------------

    def _rows(self) -> Iterator[Row]:
        sheet, plan = self.sheet, self.plan
        heights = HeightEstimator({c - 1: w for c, w in sheet.col_widths.items()}, sheet.default_col_width,
                                  sheet.default_row_height, self.template.default_font, plan.span)
        default_size = heights.font_size
        plans = {row: [(cell.col - 1, cell, _kind(cell), bool(cell.style and cell.style.wrap),
                        (cell.style.font_size if cell.style else None) or default_size) for cell in cells]
                 for row, cells in sheet.cells.items()}
        row_heights, hidden_rows = sheet.row_heights, sheet.hidden_rows
        values, covered_rows = self._values, plan.covered
        for o, row in enumerate(self.layout.rows):
            covered = covered_rows.get(o, 0)
            cells: dict[int, Cell] = {}
            wrapped: list[tuple[int, str, float]] = []
            for col, cell, kind, wraps, size in plans.get(row.trow, ()):
                if covered >> col & 1:
                    cells[col] = Cell(None, cell.style, None, cell.where)
                    continue
                if kind is _FORMULA:
                    cells[col] = self._formula(cell, o)
                    continue
                if kind is _LITERAL:
                    value = cell.literal
                else:
                    key = o << COLUMN_BITS | cell.col
                    value = values.pop(key) if key in values else self._value(cell, self._scope(row.scope, cell))
                cells[col] = Cell(value, cell.style, None, cell.where)
                if wraps and value and type(value) is str:
                    wrapped.append((col, value, size))
            height = heights.row(o, wrapped, row_heights.get(row.trow))
            yield Row(o, cells, height, row.trow in hidden_rows)

    @staticmethod
    def _scope(scope: Mapping[str, Any], cell: TemplateCell) -> Mapping[str, Any]:
        return scope if cell.bindings is None else Bound(scope, cell.bindings)

    @staticmethod
    def _value(cell: TemplateCell, scope: Mapping[str, Any]) -> Any:
        try:
            if cell.value is not None:
                return _cell_value(cell.value(scope))
            if cell.text is not None:
                return cell.text(scope)
        except (ExpressionError, ValueError) as exc:
            raise TemplateError(str(exc), cell=cell.where) from None
        return cell.literal

    def _formula(self, cell: TemplateCell, o: int) -> Cell:
        row = self.layout.rows[o]
        group = self.plan.groups.get((id(cell.merge), o)) if cell.merge else None
        scope = self._scope(row.scope, cell)
        try:
            formula = cell.formula
            if formula is None:
                source = cell.formula_text(scope)
                if not source.lstrip("=").strip():  # "&=" that rendered nothing: an empty cell
                    return Cell(None, cell.style, None, cell.where)
                formula = remap_parsed(Formula.parse(source), cell.ref_map)
            text = formula.render(lambda ref: self._resolve(ref, row.trow, row.path, group))
            cached = _cell_value(cell.cached(scope)) if cell.cached is not None else None
        except (ExpressionError, ValueError) as exc:
            raise TemplateError(str(exc), cell=cell.where) from None
        return Cell(cached, cell.style, text, cell.where)

    # -- formula references ----------------------------------------------------------------------

    def _resolve(self, ref: Ref, trow: int, path: tuple[int, ...], group) -> str:
        if ref.sheet is not None and ref.sheet != self.sheet.name:
            other = self.layouts.get(ref.sheet)
            if other is None:
                return area_text(ref, ref.col1, ref.col2, [(ref.row1, ref.row2)])
            return _area(ref, other, lambda q: ((), None, None))
        chain_t = self.chain(trow)

        def scope(q: int):
            chain_q = self.chain(q)
            if group is not None:
                depth, lo, hi = group
                if len(chain_q) >= depth and chain_q[depth - 1] is chain_t[depth - 1]:
                    return path[:depth - 1], lo, hi
            common = 0
            for a, b in zip(chain_t, chain_q, strict=False):
                if a is not b:
                    break
                common += 1
            return path[:common], None, None

        return _area(ref, self.layout, scope)

    # -- what is mapped through the layout ------------------------------------------------------------

    def _span(self, first: int, last: int) -> tuple[int, int] | None:
        """The output rows covered by template rows ``first``..``last``."""
        start = end = None
        for q in range(first, last + 1):
            rows = self.layout.all_rows_of(q)
            if rows:
                start = rows[0] if start is None else min(start, rows[0])
                end = rows[-1] if end is None else max(end, rows[-1])
        return None if start is None else (start, end)

    def _validations(self) -> list[DataValidation]:
        result = []
        for validation in self.sheet.validations:
            areas = []
            for r1, c1, r2, c2 in validation.areas:
                rows = sorted(o for q in range(r1, r2 + 1) for o in self.layout.all_rows_of(q))
                areas.extend((a, c1 - 1, b, c2 - 1) for a, b in runs(rows))
            if areas:
                result.append(DataValidation(areas, dict(validation.options)))
        return result

    def _page(self) -> Page:
        """The template's page setup with its areas and breaks mapped to output rows."""
        source = self.sheet.page
        page = dataclasses.replace(source, margins=dict(source.margins), print_area=None, repeat_rows=None,
                                   repeat_cols=None, row_breaks=[])
        if source.print_area:
            r1, c1, r2, c2 = source.print_area
            span = self._span(r1, r2)
            if span:
                page.print_area = (span[0], c1 - 1, span[1], c2 - 1)
        if source.repeat_rows:
            page.repeat_rows = self._span(*source.repeat_rows)
        if source.repeat_cols:
            page.repeat_cols = (source.repeat_cols[0] - 1, source.repeat_cols[1] - 1)
        breaks = {o + 1 for q in source.row_breaks for o in self.layout.all_rows_of(q)}
        breaks.update(o + 1 for o in self.layout.page_breaks)
        page.row_breaks = sorted(b for b in breaks if 0 < b < len(self.layout.rows))
        return page

    def _freeze(self) -> tuple[int, int] | None:
        if not self.sheet.freeze:
            return None
        row, col = self.sheet.freeze
        rows = self.layout.all_rows_of(row)
        if rows:
            return rows[0], col - 1
        below = [o for q in range(row, self.sheet.max_row + 1) for o in self.layout.all_rows_of(q)[:1]]
        return (min(below) if below else len(self.layout.rows)), col - 1


_LITERAL, _EXPRESSION, _FORMULA = "literal", "expression", "formula"


def _kind(cell: TemplateCell) -> str:
    if cell.formula is not None or cell.formula_text is not None:
        return _FORMULA
    return _EXPRESSION if cell.value is not None or cell.text is not None else _LITERAL


def _area(ref: Ref, layout: Layout, scope) -> str:
    if ref.row1 == ref.row2:
        prefix, lo, hi = scope(ref.row1)
        rows = layout.rows_of(ref.row1, prefix, lo, hi)
        return area_text(ref, ref.col1, ref.col2, runs([r + 1 for r in rows]))
    first = last = None
    for q in range(ref.row1, ref.row2 + 1):
        rows = layout.rows_of(q, *scope(q))
        if rows:
            first = rows[0]
            break
    for q in range(ref.row2, ref.row1 - 1, -1):
        rows = layout.rows_of(q, *scope(q))
        if rows:
            last = rows[-1]
            break
    if first is None or last is None:
        return "0"
    return area_text(ref, ref.col1, ref.col2, [(first + 1, last + 1)])


def _cell_value(value: Any) -> Any:
    """A value an Excel cell can hold, or a ValueError saying why not."""
    if type(value) is str or value is None or isinstance(value, int | dt.date | dt.time):
        return value
    if isinstance(value, str):
        return str(value)  # a Markup or other str subclass becomes plain text
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError("值为无穷大，不能写入单元格")
        return value
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars from pandas
        return _cell_value(value.item())
    raise ValueError(f"表达式的值是 {type(value).__name__}，不能写入单元格（需要文字、数字或日期）")
