"""Columns repeated to the right: a template expanded column-wise before its rows are laid out.

``xl:each(items="d.columns" var="ind" direction="right")`` on D3 with ``xl:end(each="ind")`` on E3 repeats columns D..E of
every row once per item.  The result is an ordinary :class:`TemplateSheet` whose cells carry the
item as a binding, so the row machinery (blocks, merges, formulas) needs no change.  Everything
that names columns follows the copies, by the same rules as rows: a reference inside a copy stays in
that copy, one from outside becomes the range of all copies, columns to the right shift; merges,
widths, validations, the print area and ``xl:merge`` rules are re-pointed alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .extras import shift_columns
from .formulas import Formula, Ref
from .template import Area, ColumnBlock, MergeRule, TemplateCell, TemplateSheet, Validation


def expand_columns(sheet: TemplateSheet, scope: Mapping[str, Any]) -> TemplateSheet:
    """``sheet`` with every column block repeated for its items (right-most block first)."""
    for block in sorted(sheet.col_blocks, key=lambda b: b.first, reverse=True):
        items = [item for _, item in block.command.iterations(block, scope)]  # the command decides (commands.py)
        sheet = _Expansion(sheet, block, items).sheet()
    return sheet


class _Expansion:
    def __init__(self, sheet: TemplateSheet, block: ColumnBlock, items: list[Any]) -> None:
        self.source = sheet
        self.block = block
        self.items = items
        self.width = block.last - block.first + 1
        self.count = len(items)
        self.shift = (self.count - 1) * self.width

    # -- column arithmetic -----------------------------------------------------------------------

    def inside(self, col: int) -> bool:
        return self.block.first <= col <= self.block.last

    def copy_col(self, col: int, k: int) -> int:
        return col + k * self.width

    def left_edge(self, col: int) -> int:
        """Where a range starting at ``col`` starts after expansion."""
        return col if col <= self.block.last else col + self.shift

    def right_edge(self, col: int) -> int:
        """Where a range ending at ``col`` ends after expansion."""
        if col < self.block.first:
            return col
        return col + self.shift

    def ref_map(self, copy: int | None):
        """How a reference from a cell in copy ``copy`` (``None``: outside the block) is re-pointed."""

        def remap(ref: Ref) -> Ref | None:
            if ref.sheet is not None and ref.sheet != self.source.name:
                return ref
            c1, c2 = ref.col1, ref.col2
            if copy is not None and self.inside(c1) and self.inside(c2):
                return dataclasses.replace(ref, col1=self.copy_col(c1, copy), col2=self.copy_col(c2, copy))
            if self.count == 0 and self.inside(c1) and self.inside(c2):
                return None
            new1, new2 = self.left_edge(c1), self.right_edge(c2)
            if (new1, new2) == (c1, c2):
                return ref
            return dataclasses.replace(ref, col1=new1, col2=new2, is_range=ref.is_range or new1 != new2)

        return remap

    # -- the expanded sheet ------------------------------------------------------------------------

    def sheet(self) -> TemplateSheet:
        s = self.source
        cells, rules = self._cells()
        widths, hidden = self._columns()
        page = dataclasses.replace(s.page)
        if s.page.print_area:
            r1, c1, r2, c2 = s.page.print_area
            page.print_area = (r1, c1, r2, self.right_edge(c2))
        if s.page.repeat_cols:
            first, last = s.page.repeat_cols
            page.repeat_cols = (first, self.right_edge(last))
        freeze = s.freeze
        if freeze and freeze[1] > self.block.last:
            freeze = (freeze[0], freeze[1] + self.shift)
        return dataclasses.replace(
            s,
            cells=cells,
            max_col=max(self.right_edge(s.max_col), 1),
            merges=self._areas(s.merges),
            col_widths=widths,
            hidden_cols=hidden,
            page=page,
            validations=[Validation(self._areas(v.areas), v.options) for v in s.validations],
            freeze=freeze,
            merge_rules=rules,
            col_blocks=[b for b in s.col_blocks if b is not self.block],
            extras=shift_columns(s.extras, self._areas, self._targets),
        )

    def _cells(self) -> tuple[dict[int, list[TemplateCell]], list[MergeRule]]:
        cells: dict[int, list[TemplateCell]] = {}
        rules: list[MergeRule] = []
        for row, row_cells in self.source.cells.items():
            out = cells.setdefault(row, [])
            for cell in row_cells:
                if self.inside(cell.col):
                    for k, item in enumerate(self.items):
                        out.append(self._copy(cell, self.copy_col(cell.col, k), k, {self.block.var: item}, rules))
                else:
                    col = cell.col if cell.col < self.block.first else cell.col + self.shift
                    out.append(self._copy(cell, col, None, None, rules))
            out.sort(key=lambda c: c.col)
        horizontal = (self._horizontal(rule) for rule in self.source.merge_rules if rule.horizontal)
        return cells, rules + [rule for rule in horizontal if rule is not None]

    def _copy(self, cell: TemplateCell, col: int, copy: int | None, binding, rules) -> TemplateCell:
        remap = self.ref_map(copy)
        formula = cell.formula
        if formula is not None:
            formula = _remap_formula(formula, remap)
        ref_map = _compose(cell.ref_map, remap) if cell.formula_text is not None else cell.ref_map
        bindings = {**(cell.bindings or {}), **binding} if binding else cell.bindings
        merge = cell.merge
        if merge is not None and not merge.horizontal:
            merge = dataclasses.replace(merge, col=col, parent=self._shifted(merge.parent))
            rules.append(merge)
        return dataclasses.replace(cell, col=col, formula=formula, ref_map=ref_map, bindings=bindings, merge=merge)

    def _shifted(self, col: int | None) -> int | None:
        """A column outside the block after expansion (columns to its right move)."""
        if col is None or col < self.block.first or self.inside(col):
            return col
        return col + self.shift

    def _horizontal(self, rule: MergeRule) -> MergeRule | None:
        """A rule merging across a column block: its copies are the columns it merges over."""
        if not rule.cols and self.inside(rule.col):
            cols = tuple(self.copy_col(rule.col, k) for k in range(self.count))
            return dataclasses.replace(rule, cols=cols) if cols else None
        return dataclasses.replace(rule, col=self._shifted(rule.col),
                                   cols=tuple(self._shifted(c) for c in rule.cols))

    def _columns(self) -> tuple[dict[int, float], set[int]]:
        widths: dict[int, float] = {}
        hidden: set[int] = set()
        for col, width in self.source.col_widths.items():
            for new in self._targets(col):
                widths[new] = width
        for col in self.source.hidden_cols:
            hidden.update(self._targets(col))
        return widths, hidden

    def _targets(self, col: int) -> list[int]:
        if col < self.block.first:
            return [col]
        if self.inside(col):
            return [self.copy_col(col, k) for k in range(self.count)]
        return [col + self.shift]

    def _areas(self, areas: list[Area]) -> list[Area]:
        result: list[Area] = []
        for r1, c1, r2, c2 in areas:
            if self.inside(c1) and self.inside(c2):
                result.extend((r1, self.copy_col(c1, k), r2, self.copy_col(c2, k)) for k in range(self.count))
            else:
                new1, new2 = self.left_edge(c1), self.right_edge(c2)
                if new2 >= new1:
                    result.append((r1, new1, r2, new2))
        return result


def _remap_formula(formula: Formula, remap) -> Formula:
    parts: list[str | Ref] = []
    for part in formula.parts:
        if isinstance(part, Ref):
            new = remap(part)
            part = "0" if new is None else new
        if isinstance(part, str) and parts and isinstance(parts[-1], str):
            parts[-1] += part
        else:
            parts.append(part)
    return Formula(formula.text, tuple(parts))


def _compose(first, second):
    if first is None:
        return second

    def both(ref: Ref) -> Ref | None:
        mapped = first(ref)
        return None if mapped is None else second(mapped)

    return both


def remap_parsed(formula: Formula, ref_map) -> Formula:
    """Apply a cell's column re-pointing to a formula parsed at render time (``&=`` cells)."""
    return formula if ref_map is None else _remap_formula(formula, ref_map)
