"""Render a template with a context into :class:`~xlreports.render.sheet.Sheet` values.

The steps, in order, for each sheet:

1. **layout** – blocks expanded into output rows (:mod:`layout`);
2. **values** – every cell's literal, expression or text evaluated in its row's scope;
3. **group merges** – ``xl:merge`` columns: runs of equal, non-blank adjacent values, computed
   from the data (a one-row group stays unmerged);
4. **formulas** – references re-pointed through the layout, each with the value Python computed
   (``xl:value``) as its cached result;
5. **template merges, validations, page setup and row heights**, mapped through the layout.

Formula references follow the JXLS rules: a reference within the same iteration stays in that
copy; a reference to a row repeated below the referring cell's level becomes the range of all its
copies in the current iteration (``=SUM(C5)`` → ``=SUM(C5:C25)``); in an ``xl:merge`` column the
range is that of the merged group (a per-group subtotal); a reference to rows that rendered
nothing becomes ``0``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..load.xlsx_parts import cell_name
from ..problems import TemplateError
from . import rowheight
from .expressions import ExpressionError
from .formulas import Formula, Ref, area_text, runs
from .layout import Layout, expand
from .sheet import Area0, Cell, DataValidation, Page, Sheet
from .template import Block, MergeRule, Template, TemplateCell, TemplateSheet


def render(template: Template, context: Mapping[str, Any]) -> list[Sheet]:
    """Render every sheet of ``template``; raises :class:`TemplateError` naming the template cell."""
    layouts = {sheet.name: expand(sheet, context) for sheet in template.sheets}
    return [_SheetRenderer(template, sheet, layouts).render() for sheet in template.sheets]


class _SheetRenderer:
    def __init__(self, template: Template, sheet: TemplateSheet, layouts: dict[str, Layout]) -> None:
        self.template = template
        self.sheet = sheet
        self.layouts = layouts
        self.layout = layouts[sheet.name]
        self._chains: dict[int, list[Block]] = {}
        # (rule, output row) -> (depth of the rule's block, first and last iteration of its group)
        self.groups: dict[tuple[int, int], tuple[int, int, int]] = {}

    def where(self, cell: TemplateCell) -> str:
        return f"{self.template.name}!{self.sheet.name}!{cell_name(cell.row - 1, cell.col - 1)}"

    def chain(self, row: int) -> list[Block]:
        chain = self._chains.get(row)
        if chain is None:
            chain = self._chains[row] = self.sheet.chain(row)
        return chain

    # -- steps ------------------------------------------------------------------------------

    def render(self) -> Sheet:
        sheet, layout = self.sheet, self.layout
        out = Sheet(
            name=sheet.name,
            rows=[{} for _ in layout.rows],
            row_heights=[sheet.row_heights.get(r.trow) for r in layout.rows],
            hidden_rows={i for i, r in enumerate(layout.rows) if r.trow in sheet.hidden_rows},
            col_widths={c - 1: w for c, w in sheet.col_widths.items()},
            hidden_cols={c - 1 for c in sheet.hidden_cols},
            default_row_height=sheet.default_row_height,
            default_col_width=sheet.default_col_width,
            show_gridlines=sheet.show_gridlines,
            default_font=self.template.default_font,
        )
        pending = self._values(out)
        out.merges.extend(self._group_merges(out))
        self._formulas(out, pending)
        out.merges.extend(self._template_merges())
        _check_overlaps(out.merges, self.template.name, sheet.name)
        _clear_covered(out)
        out.validations = self._validations()
        out.page = self._page()
        out.freeze = self._freeze()
        rowheight.fit(out)
        return out

    def _values(self, out: Sheet) -> list[tuple[int, TemplateCell]]:
        pending: list[tuple[int, TemplateCell]] = []
        cells_by_row = self.sheet.cells
        for index, row in enumerate(self.layout.rows):
            target = out.rows[index]
            for cell in cells_by_row.get(row.trow, ()):
                if cell.formula is not None or cell.formula_text is not None:
                    pending.append((index, cell))
                    continue
                try:
                    if cell.value is not None:
                        value = _cell_value(cell.value(row.scope))
                    elif cell.text is not None:
                        value = cell.text(row.scope)
                    else:
                        value = cell.literal
                except (ExpressionError, ValueError) as exc:
                    raise TemplateError(str(exc), cell=self.where(cell)) from None
                target[cell.col - 1] = Cell(value, cell.style, None, self.where(cell))
        return pending

    def _group_merges(self, out: Sheet) -> list[Area0]:
        """Merge runs of equal, non-blank adjacent values of each ``xl:merge`` column.

        A run never crosses an iteration of an enclosing block nor a change of its ``parent``
        column's value (a 二级 group stays inside its 一级 group; under a blank 一级 equal 二级
        values still merge).
        """
        rules = sorted(self.sheet.merge_rules, key=lambda r: (r.row, r.parent is not None, r.col))
        signatures: dict[tuple[int, int], dict[int, tuple]] = {}
        areas: list[Area0] = []
        for rule in rules:
            depth = len(self.chain(rule.row))
            parent = None
            if rule.parent is not None:
                parent = signatures.get((rule.row, rule.parent))
                if parent is None:
                    raise TemplateError("xl:merge 的 parent 列在同一行没有 xl:merge",
                                        cell=self.where(self._cell_at(rule.row, rule.col)))
            own: dict[int, tuple] = {}
            group: list[int] = []
            previous = None
            for o in self.layout.all_rows_of(rule.row):
                row = self.layout.rows[o]
                key = self._merge_key(rule, o, out)
                signature = (parent[o] if parent else row.path[:depth - 1], key)
                own[o] = signature
                iteration = row.path[depth - 1]
                joins = (previous is not None and _present(key) and signature == previous[0]
                         and iteration == previous[1] + 1)
                if not joins:
                    areas.extend(self._close_group(rule, depth, group))
                    group = []
                group.append(o)
                previous = (signature, iteration) if _present(key) else None
            areas.extend(self._close_group(rule, depth, group))
            signatures[(rule.row, rule.col)] = own
        return areas

    def _close_group(self, rule: MergeRule, depth: int, group: list[int]) -> list[Area0]:
        if not group:
            return []
        first, last = self.layout.rows[group[0]], self.layout.rows[group[-1]]
        span = (depth, first.path[depth - 1], last.path[depth - 1])
        for o in group:
            self.groups[(id(rule), o)] = span
        if len(group) < 2:
            return []
        return [(group[0], rule.col - 1, group[-1], rule.col - 1)]

    def _merge_key(self, rule: MergeRule, o: int, out: Sheet) -> Any:
        if rule.key is not None:
            try:
                return rule.key(self.layout.rows[o].scope)
            except ExpressionError as exc:
                raise TemplateError(str(exc), cell=self.where(self._cell_at(rule.row, rule.col))) from None
        cell = out.rows[o].get(rule.col - 1)
        return None if cell is None else cell.value

    def _cell_at(self, row: int, col: int) -> TemplateCell:
        return next(c for c in self.sheet.cells.get(row, ()) if c.col == col)

    def _formulas(self, out: Sheet, pending: list[tuple[int, TemplateCell]]) -> None:
        for index, cell in pending:
            row = self.layout.rows[index]
            group = self.groups.get((id(cell.merge), index)) if cell.merge else None
            try:
                formula = cell.formula
                if formula is None:
                    source = cell.formula_text(row.scope)
                    if not source.lstrip("=").strip():  # "&=" that rendered nothing: an empty cell
                        out.rows[index][cell.col - 1] = Cell(None, cell.style, None, self.where(cell))
                        continue
                    formula = Formula.parse(source)
                text = formula.render(lambda ref, row=row, group=group: self._resolve(ref, row.trow, row.path, group))
                cached = _cell_value(cell.cached(row.scope)) if cell.cached is not None else None
            except (ExpressionError, ValueError) as exc:
                raise TemplateError(str(exc), cell=self.where(cell)) from None
            out.rows[index][cell.col - 1] = Cell(cached, cell.style, text, self.where(cell))

    def _resolve(self, ref: Ref, trow: int, path: tuple[int, ...], group) -> str:
        if ref.sheet is not None and ref.sheet != self.sheet.name:
            other = self.layouts.get(ref.sheet)
            if other is None:
                return area_text(ref, ref.col1, ref.col2, [(ref.row1, ref.row2)])
            return self._area(ref, other, lambda q: ((), None, None))
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

        return self._area(ref, self.layout, scope)

    @staticmethod
    def _area(ref: Ref, layout: Layout, scope) -> str:
        if ref.row1 == ref.row2:
            prefix, lo, hi = scope(ref.row1)
            rows = layout.rows_of(ref.row1, prefix, lo, hi)
            return area_text(ref, ref.col1, ref.col2, runs([r + 1 for r in rows]))
        first = last = None
        for q in range(ref.row1, ref.row2 + 1):
            rows = layout.rows_of(q, *scope(q))
            if rows:
                first = rows[0] if first is None else first
                break
        for q in range(ref.row2, ref.row1 - 1, -1):
            rows = layout.rows_of(q, *scope(q))
            if rows:
                last = rows[-1]
                break
        if first is None or last is None:
            return "0"
        return area_text(ref, ref.col1, ref.col2, [(first + 1, last + 1)])

    def _template_merges(self) -> list[Area0]:
        areas = []
        for r1, c1, r2, c2 in self.sheet.merges:
            chain1, chain2 = self.chain(r1), self.chain(r2)
            depth = 0
            for a, b in zip(chain1, chain2, strict=False):
                if a is not b:
                    break
                depth += 1
            seen = set()
            for o in self.layout.all_rows_of(r1):
                prefix = self.layout.rows[o].path[:depth]
                if prefix in seen:
                    continue
                seen.add(prefix)
                last = None
                for q in range(r2, r1 - 1, -1):
                    rows = self.layout.rows_of(q, prefix)
                    if rows:
                        last = rows[-1]
                        break
                if last is None or (last == o and c1 == c2):
                    continue
                areas.append((o, c1 - 1, last, c2 - 1))
        return areas

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
        source = self.sheet.page
        page = Page(
            orientation=source.orientation,
            paper_size=source.paper_size,
            fit_width=source.fit_width if source.fit_to_page else None,
            fit_height=source.fit_height if source.fit_to_page else None,
            scale=source.scale,
            margins=dict(source.margins),
            center_horizontally=source.center_horizontally,
            center_vertically=source.center_vertically,
            header=source.header,
            footer=source.footer,
            gridlines=source.gridlines,
        )
        if source.print_area:
            r1, c1, r2, c2 = source.print_area
            span = self._span(r1, r2)
            if span:
                page.print_area = (span[0], c1 - 1, span[1], c2 - 1)
        if source.repeat_rows:
            span = self._span(*source.repeat_rows)
            if span:
                page.repeat_rows = span
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


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def _cell_value(value: Any) -> Any:
    """A value an Excel cell can hold, or a ValueError saying why not."""
    if value is None or isinstance(value, int | dt.date | dt.time):
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


def _check_overlaps(merges: list[Area0], template: str, sheet: str) -> None:
    owner: dict[tuple[int, int], Area0] = {}
    for area in merges:
        r1, c1, r2, c2 = area
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                other = owner.get((r, c))
                if other is not None:
                    raise TemplateError(f"合并区域相互重叠（输出第 {r + 1} 行第 {c + 1} 列）："
                                        "请检查模板中的合并单元格与 xl:merge 列", cell=f"{template}!{sheet}")
                owner[(r, c)] = area


def _clear_covered(out: Sheet) -> None:
    """Only the top-left cell of a merged area keeps its value; the others keep their style."""
    for r1, c1, r2, c2 in out.merges:
        for r in range(r1, r2 + 1):
            row = out.rows[r]
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and c in row:
                    cell = row[c]
                    cell.value = None
                    cell.formula = None
