"""Expand a template's blocks into output rows, and remember where every template row went.

Each output row records its template row and its *path*: the iteration number of every block
enclosing that template row, outermost first.  Formulas, merges, validations and the print area
are all re-pointed through one question, :meth:`Layout.rows_of`: *which output rows did template
row q become within this iteration?*  Paths of one template row are emitted in sorted order, so
the answer is a bisection, whatever the size of the sheet.
"""

from __future__ import annotations

import contextlib
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..problems import TemplateError
from .expressions import ExpressionError
from .template import Block, TemplateSheet

_END = sys.maxsize


@dataclass(frozen=True, slots=True)
class Loop:
    """The ``loop`` variable of a repeated block, as in Jinja: ``loop.index`` is 1-based."""

    index0: int
    length: int
    parent: Loop | None = None

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self.index0 == self.length - 1


class Scope(Mapping):
    """The variables of one block iteration: its item and ``loop``, then its parent's.

    A row of a repeated block holds one of these instead of a copied dict: 100,000 rows stay small.
    """

    __slots__ = ("parent", "var", "item", "loop")

    def __init__(self, parent: Mapping[str, Any], var: str, item: Any, loop: Loop) -> None:
        self.parent = parent
        self.var = var
        self.item = item
        self.loop = loop

    def __getitem__(self, key: str) -> Any:
        if key == self.var:
            return self.item
        if key == "loop":
            return self.loop
        return self.parent[key]

    def __iter__(self):
        yield self.var
        yield "loop"
        for key in self.parent:
            if key not in (self.var, "loop"):
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Bound(Mapping):
    """A scope with the bindings of a column copy on top (``xl:each direction="right"``)."""

    __slots__ = ("parent", "bindings")

    def __init__(self, parent: Mapping[str, Any], bindings: dict[str, Any]) -> None:
        self.parent = parent
        self.bindings = bindings

    def __getitem__(self, key: str) -> Any:
        try:
            return self.bindings[key]
        except KeyError:
            return self.parent[key]

    def __iter__(self):
        yield from self.bindings
        yield from (key for key in self.parent if key not in self.bindings)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(slots=True)
class OutRow:
    trow: int
    path: tuple[int, ...]
    scope: Mapping[str, Any]


@dataclass
class Layout:
    sheet: TemplateSheet
    rows: list[OutRow] = field(default_factory=list)
    page_breaks: list[int] = field(default_factory=list)
    _paths: dict[int, list[tuple[int, ...]]] = field(default_factory=dict)
    _outs: dict[int, list[int]] = field(default_factory=dict)

    def emit(self, trow: int, path: tuple[int, ...], scope: Mapping[str, Any]) -> None:
        self._paths.setdefault(trow, []).append(path)
        self._outs.setdefault(trow, []).append(len(self.rows))
        self.rows.append(OutRow(trow, path, scope))

    def rows_of(self, trow: int, prefix: tuple[int, ...] = (), lo: int | None = None,
                hi: int | None = None) -> list[int]:
        """Output rows (0-based) of template row ``trow`` whose path starts with ``prefix``.

        With ``lo``/``hi``, the iteration that follows the prefix must lie in ``lo..hi``: the rows of
        one merged group.
        """
        paths = self._paths.get(trow)
        if not paths:
            return []
        start = prefix + (lo,) if lo is not None else prefix
        end = prefix + (hi if hi is not None else _END, _END)
        i = bisect_left(paths, start)
        j = bisect_right(paths, end)
        return self._outs[trow][i:j]

    def all_rows_of(self, trow: int) -> list[int]:
        return self._outs.get(trow, [])


def expand(sheet: TemplateSheet, context: Mapping[str, Any]) -> Layout:
    layout = Layout(sheet)
    _expand(sheet.root, dict(context), (), layout, None)
    return layout


def _expand(block: Block, scope: Mapping[str, Any], path: tuple[int, ...], layout: Layout, loop: Loop | None) -> None:
    row = block.first
    children = iter(block.children)
    child = next(children, None)
    while row <= block.last:
        if child is not None and child.first == row:
            iterations = _iterations(child, scope, loop)
            for k, (inner_scope, inner_loop) in enumerate(iterations):
                _expand(child, inner_scope, path + (k,), layout, inner_loop)
                if child.page_break and k < len(iterations) - 1:
                    layout.page_breaks.append(len(layout.rows) - 1)
            row = child.last + 1
            child = next(children, None)
        else:
            layout.emit(row, path, scope)
            row += 1


def evaluate_items(items, scope: Mapping[str, Any], where: str) -> list[Any]:
    """The list an ``xl:each`` / ``xl:sheet`` repeats over; anything but a list is a template error."""
    try:
        value = items(scope)
    except ExpressionError as exc:
        raise TemplateError(str(exc), cell=where) from None
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise TemplateError(f"items 必须是列表（实际是 {type(value).__name__}）", cell=where)
    return list(value)


def _iterations(block: Block, scope: Mapping[str, Any], loop: Loop | None) -> list[tuple[Mapping[str, Any], Loop | None]]:
    """The scopes of a block's iterations: its command decides them (:mod:`commands`)."""
    pairs = block.command.iterations(block, scope)
    result = []
    for k, (var, item) in enumerate(pairs):
        if var is None:
            result.append((scope, loop))
            continue
        inner_loop = Loop(k, len(pairs), loop)
        result.append((Scope(scope, var, item, inner_loop), inner_loop))
    return result


def estimate_rows(sheet: TemplateSheet, context: Mapping[str, Any]) -> int:
    """Roughly how many rows ``sheet`` will have: each outer block's height times its number of items.

    Cheap (only the outer ``items`` are evaluated); used to start the longest file of a build first.
    """
    root = sheet.root
    total = root.last - root.first + 1 - sum(b.last - b.first + 1 for b in root.children)
    for block in root.children:
        height = block.last - block.first + 1
        if block.kind != "each":
            total += height
            continue
        with contextlib.suppress(TemplateError):  # rendering will report it
            total += height * len(evaluate_items(block.items, context, block.where))
    return total
