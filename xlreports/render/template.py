"""The engine's model of a template: cells, blocks, merges, page setup (1-based, as in Excel).

Nothing here knows the data or the output library; :mod:`reader` builds these from an ``.xlsx``
with openpyxl.  A template is read once and can then render any number of contexts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .expressions import Evaluator
from .extras import Extras
from .formulas import Formula, Ref
from .sheet import Page
from .styles import Style

if TYPE_CHECKING:
    from .commands import BlockCommand
    from .markup import Command

Area = tuple[int, int, int, int]  # first row, first col, last row, last col (1-based, inclusive)


@dataclass(slots=True)
class TemplateCell:
    row: int
    col: int
    style: Style | None
    literal: Any = None
    value: Evaluator | None = None       # whole-cell {{ expr }}: typed value
    text: Evaluator | None = None        # text with markup: a string
    formula: Formula | None = None
    formula_text: Evaluator | None = None  # "&=" formula holding markup, rendered before parsing
    cached: Evaluator | None = None      # xl:value for a formula cell
    merge: MergeRule | None = None
    bindings: dict[str, Any] | None = None  # variables of the column copy this cell belongs to
    ref_map: Callable[[Ref], Ref | None] | None = None  # column re-pointing for "&=" formulas
    where: str = ""  # "模板.xlsx!工作表!C5", for messages
    source: str | None = None  # the text of an expression or "&=" cell, for checks and listings
    commands: tuple[Command, ...] = ()  # its note's commands, for checks and listings


@dataclass(slots=True)
class MergeRule:
    """``xl:merge``: merge equal adjacent values along the enclosing block.

    Down a row block (``col`` fixed, ``parent`` a column) or, in a column block, across it
    (``row`` fixed, ``parent`` a row); ``cols`` lists the column copies once columns are expanded.
    """

    col: int
    row: int
    key: Evaluator | None
    parent: int | None
    horizontal: bool = False
    cols: tuple[int, ...] = ()
    name: str | None = None     # other rules stay within this one's groups by naming it
    within: str | None = None   # the name of the rule whose groups this one does not cross
    legacy_parent: int | None = None  # the old address form, ``parent="B"``


@dataclass(eq=False)
class ColumnBlock:
    """Columns ``first``..``last`` repeated to the right per item (``xl:each direction="right"``)."""

    first: int
    last: int
    items: Evaluator
    var: str
    where: str
    legacy: str | None = None  # the old ``lastCell`` that ended it, if any
    command: BlockCommand | None = None  # what decides its iterations


@dataclass
class SheetRepeat:
    """``xl:sheet``: the whole sheet repeated per item, each copy named by ``name``."""

    items: Evaluator
    var: str
    name: Evaluator | None
    where: str


@dataclass(eq=False)
class Block:
    """Rows ``first``..``last`` repeated per item (``each``) or kept only if a test holds (``if``)."""

    kind: str
    first: int
    last: int
    items: Evaluator | None = None
    var: str | None = None
    test: Evaluator | None = None
    page_break: bool = False
    parent: Block | None = None
    children: list[Block] = field(default_factory=list)
    where: str = ""
    command: BlockCommand | None = None  # what decides its iterations
    label: str | None = None   # the name an ``xl:end(if="…")`` closes it by
    legacy: str | None = None  # the old ``lastCell`` that ended it, if any

    @property
    def depth(self) -> int:
        depth, block = 0, self.parent
        while block is not None:
            depth, block = depth + 1, block.parent
        return depth

    def contains(self, row: int) -> bool:
        return self.first <= row <= self.last


@dataclass
class Validation:
    areas: list[Area]
    options: dict[str, Any]


@dataclass
class TemplateSheet:
    name: str
    cells: dict[int, list[TemplateCell]]
    max_row: int
    max_col: int
    merges: list[Area]
    row_heights: dict[int, float]
    hidden_rows: set[int]
    col_widths: dict[int, float]
    hidden_cols: set[int]
    default_row_height: float | None
    default_col_width: float | None
    page: Page  # areas and breaks in template rows (1-based)
    validations: list[Validation]
    freeze: tuple[int, int] | None
    root: Block
    merge_rules: list[MergeRule]
    show_gridlines: bool = True
    col_blocks: list[ColumnBlock] = field(default_factory=list)
    repeat: SheetRepeat | None = None
    refs: dict[str, str] = field(default_factory=dict)  # xl:ref names -> template cell ("F14")
    notes_only: list[TemplateCell] = field(default_factory=list)  # empty cells holding a note (xl:end)
    extras: Extras = field(default_factory=Extras)  # pictures, conditional formats, names, protection

    def chain(self, row: int) -> list[Block]:
        """The blocks enclosing ``row``, outermost first (the root excluded)."""
        chain, block = [], self.root
        while True:
            inner = next((b for b in block.children if b.contains(row)), None)
            if inner is None:
                return chain
            chain.append(inner)
            block = inner


@dataclass
class Template:
    path: Path
    sheets: list[TemplateSheet]
    form: Command | None
    default_font: tuple[str, float] | None = None
    warnings: list[str] = field(default_factory=list)
    kept_out: list[str] = field(default_factory=list)  # sheets not written (instructions), not read
    sheet_names: list[str] = field(default_factory=list)  # every sheet, in the workbook's order

    @property
    def name(self) -> str:
        return self.path.name
