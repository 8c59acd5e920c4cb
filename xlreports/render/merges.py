"""Merged areas of a rendered sheet, planned before its rows are written.

Three sources, all mapped through the layout:

* ``xl:merge`` down a row block — runs of equal, non-blank adjacent values (a one-row group stays
  unmerged; a run never crosses an iteration of an enclosing block nor a change of its ``parent``
  column's value);
* ``xl:merge`` across a column block — the same along a row (three-level headers);
* the template's own merged cells — copied with each iteration, stretched over nested copies.

The plan also records, for each output row of a merged rule, the group it belongs to (a formula in
a merged column sums only its group) and which cells a merge covers (they keep their style but
no value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..problems import TemplateError
from .layout import Layout
from .template import Block, MergeRule, TemplateSheet

Area0 = tuple[int, int, int, int]
KeyOf = Callable[[MergeRule, int, int], Any]  # (rule, output row, column) -> the value that groups


COLUMN_BITS = 14  # Excel has 16,384 columns: (row << 14) | col is a cell's key


@dataclass
class MergePlan:
    areas: list[Area0] = field(default_factory=list)
    # (id of a vertical rule, output row) -> (depth of its block, first and last iteration of the group);
    # kept only for merged columns that hold a formula (a per-group subtotal)
    groups: dict[tuple[int, int], tuple[int, int, int]] = field(default_factory=dict)
    # output row -> bit mask of its columns covered by a merge (not a top-left cell)
    covered: dict[int, int] = field(default_factory=dict)
    # output row -> bit mask of its columns that are the top-left cell of a merge
    tops: dict[int, int] = field(default_factory=dict)
    # cell key of a top-left cell -> (last row, last col)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add(self, area: Area0) -> None:
        self.areas.append(area)

    def is_covered(self, row: int, col: int) -> bool:
        return bool(self.covered.get(row, 0) >> col & 1)

    def span(self, row: int, col: int) -> tuple[int, int]:
        """(last row, last col) of the merge whose top-left cell this is, else the cell itself."""
        return self.spans.get(row << COLUMN_BITS | col, (row, col))


def present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


class MergePlanner:
    def __init__(self, sheet: TemplateSheet, layout: Layout, chain: Callable[[int], list[Block]], key_of: KeyOf,
                 where: Callable[[int, int], str], formulas: set[tuple[int, int]]) -> None:
        self.sheet = sheet
        self.layout = layout
        self.chain = chain
        self.key_of = key_of
        self.where = where
        self.formulas = formulas  # template cells holding a formula: their groups scope the formula

    def plan(self, template_name: str) -> MergePlan:
        plan = MergePlan()
        self._vertical(plan)
        self._horizontal(plan)
        self._template(plan)
        _index(plan, template_name, self.sheet.name)
        return plan

    # -- xl:merge down a row block ----------------------------------------------------------------

    def _vertical(self, plan: MergePlan) -> None:
        rules = sorted((r for r in self.sheet.merge_rules if not r.horizontal),
                       key=lambda r: (r.row, r.parent is not None, r.col))
        signatures: dict[tuple[int, int], dict[int, tuple]] = {}
        for rule in rules:
            depth = len(self.chain(rule.row))
            parent = None
            if rule.parent is not None:
                parent = signatures.get((rule.row, rule.parent))
                if parent is None:
                    raise TemplateError("xl:merge 的 parent 列在同一行没有 xl:merge", cell=self.where(rule.row, rule.col))
            own: dict[int, tuple] = {}
            group: list[int] = []
            previous = None
            for o in self.layout.all_rows_of(rule.row):
                row = self.layout.rows[o]
                key = self.key_of(rule, o, rule.col)
                signature = (parent[o] if parent else row.path[:depth - 1], key)
                own[o] = signature
                iteration = row.path[depth - 1]
                joins = (previous is not None and present(key) and signature == previous[0]
                         and iteration == previous[1] + 1)
                if not joins:
                    self._close(plan, rule, depth, group)
                    group = []
                group.append(o)
                previous = (signature, iteration) if present(key) else None
            self._close(plan, rule, depth, group)
            signatures[(rule.row, rule.col)] = own

    def _close(self, plan: MergePlan, rule: MergeRule, depth: int, group: list[int]) -> None:
        if not group:
            return
        if (rule.row, rule.col) in self.formulas:
            rows = self.layout.rows
            span = (depth, rows[group[0]].path[depth - 1], rows[group[-1]].path[depth - 1])
            for o in group:
                plan.groups[(id(rule), o)] = span
        if len(group) > 1:
            plan.add((group[0], rule.col - 1, group[-1], rule.col - 1))

    # -- xl:merge across a column block ------------------------------------------------------------

    def _horizontal(self, plan: MergePlan) -> None:
        """``parent`` names a row above whose runs a run may not cross; it is read at its first output
        row, as header rows are not repeated."""
        rules = [r for r in self.sheet.merge_rules if r.horizontal]
        by_row = {rule.row: rule for rule in rules}
        signatures: dict[int, dict[int, tuple]] = {}

        def signature_of(rule: MergeRule, o: int) -> dict[int, tuple]:
            parent = None
            if rule.parent is not None:
                parent_rule = by_row.get(rule.parent)
                parent_rows = self.layout.all_rows_of(rule.parent)
                if parent_rule is None or not parent_rows:
                    raise TemplateError(f"xl:merge 的 parent 行 {rule.parent} 没有向右合并的 xl:merge",
                                        cell=self.where(rule.row, rule.col))
                parent = signatures.get(rule.parent) or signature_of(parent_rule, parent_rows[0])
            found = {col: ((parent or {}).get(col), self.key_of(rule, o, col)) for col in rule.cols}
            signatures.setdefault(rule.row, found)
            return found

        for rule in sorted(rules, key=lambda r: r.row):
            for o in self.layout.all_rows_of(rule.row):
                found = signature_of(rule, o)
                run: list[int] = []
                for col in [*rule.cols, None]:
                    joins = (col is not None and run and present(found[col][1]) and found[col] == found[run[-1]]
                             and col == run[-1] + 1)
                    if joins:
                        run.append(col)
                        continue
                    if len(run) > 1:
                        plan.add((o, run[0] - 1, o, run[-1] - 1))
                    run = [] if col is None or not present(found[col][1]) else [col]

    # -- the template's merged cells ---------------------------------------------------------------

    def _template(self, plan: MergePlan) -> None:
        layout = self.layout
        for r1, c1, r2, c2 in self.sheet.merges:
            chain = self.chain(r1)
            if all(self.chain(r) == chain for r in range(r1 + 1, r2 + 1)):
                # every row of the area in the same block and no block between them: each copy of the
                # area is the rows of one iteration, one after the other
                if r1 != r2 or c1 != c2:
                    plan.areas.extend((o, c1 - 1, o + r2 - r1, c2 - 1) for o in layout.all_rows_of(r1))
                continue
            depth = 0
            for a, b in zip(self.chain(r1), self.chain(r2), strict=False):
                if a is not b:
                    break
                depth += 1
            seen = set()
            for o in layout.all_rows_of(r1):
                prefix = layout.rows[o].path[:depth]
                if prefix in seen:
                    continue
                seen.add(prefix)
                last = None
                for q in range(r2, r1 - 1, -1):
                    rows = layout.rows_of(q, prefix)
                    if rows:
                        last = rows[-1]
                        break
                if last is None or (last == o and c1 == c2):
                    continue
                plan.add((o, c1 - 1, last, c2 - 1))


def _index(plan: MergePlan, template: str, sheet: str) -> None:
    """Record covered cells and spans; overlapping areas are a template error (Excel rejects them)."""
    covered, tops = plan.covered, plan.tops
    for r1, c1, r2, c2 in plan.areas:
        corner = 1 << c1
        if (covered.get(r1, 0) | tops.get(r1, 0)) & corner:
            raise _overlap(template, sheet, r1, c1)
        tops[r1] = tops.get(r1, 0) | corner
        plan.spans[r1 << COLUMN_BITS | c1] = (r2, c2)
        width = (1 << (c2 + 1)) - corner  # the bits c1..c2
        for r in range(r1, r2 + 1):
            mask = width & ~corner if r == r1 else width
            if (covered.get(r, 0) | tops.get(r, 0) & ~(corner if r == r1 else 0)) & mask:
                raise _overlap(template, sheet, r, c1)
            covered[r] = covered.get(r, 0) | mask


def _overlap(template: str, sheet: str, r: int, c: int) -> TemplateError:
    return TemplateError(f"合并区域相互重叠（输出第 {r + 1} 行第 {c + 1} 列）：请检查模板中的合并单元格与 xl:merge 列",
                         cell=f"{template}!{sheet}")
