"""Merged areas of a rendered sheet, planned before its rows are written.

Three sources, all mapped through the layout (the first two planned by ``xl:merge``'s command,
:mod:`commands.merge`):

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
from .commands import REGISTRY
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
        REGISTRY["merge"].plan(self, plan)  # xl:merge's runs: commands/merge.py
        self._template(plan)
        _index(plan, template_name, self.sheet.name)
        return plan

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
