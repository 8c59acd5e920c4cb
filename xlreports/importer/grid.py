"""The cell grid every container is read into: rows of cells, each with where it was read.

A reader (:mod:`.grid_text`, :mod:`.grid_html`, :mod:`.grid_sheet`, :mod:`.grid_docx`) turns a file
into one :class:`Grid` per table (a sheet, an HTML ``<table>``, a Word table, the lines of a text).
Merged cells are resolved the same way for every container: the value is written in the top-left
cell and repeated, flagged ``covered``, in every cell the merge covers.  A text copied from a
browser cannot say where merges were: there the covered cells are simply absent (the row is short),
and the layouts (:mod:`.layouts`) read such rows from the right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Cell:
    text: str                 # cleaned text; paragraphs separated by "\n"; "" when blank
    sheet: str | None         # the sheet (or table) name for a Problem; None for text
    cell: str                 # "C5", "第12行", "表格1 第3行第2格"
    covered: bool = False     # a copy of the merged cell above or to the left
    value: object = None      # the number a spreadsheet stored, when it stored one

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell


@dataclass
class Row:
    cells: list[Cell]
    sheet: str | None
    label: str                # "第12行", "5" (sheet row), "表格1 第3行"

    @property
    def where(self) -> str:
        if self.sheet is None:
            return self.label
        return f"{self.sheet}!{self.label}" if not self.label.isdigit() else f"{self.sheet} 第{self.label}行"

    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    def filled(self) -> list[Cell]:
        """The non-blank cells, a merged value once (covered copies dropped)."""
        return [cell for cell in self.cells if cell.text and not cell.covered]

    @property
    def blank(self) -> bool:
        return not any(cell.text for cell in self.cells)


@dataclass
class Grid:
    source: Path
    name: str                 # sheet name, "表格1", or the file name for a text
    kind: str                 # "text", "sheet", "html", "docx"
    rows: list[Row] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.kind == "text"



def text_rows(lines, name: str, label: str) -> list[Row]:
    """Paragraphs around a table (``表前文字1`` …), one cell a row, so that none is read without a place."""
    from .cells import clean_text

    return [Row([Cell(clean_text(line) or "", name, f"{label}{i}")], name, f"{label}{i}")
            for i, line in enumerate(lines, start=1)]


def only_titles_above(grid: Grid, index: int) -> bool:
    """Whether every row above ``index`` is blank or a single cell (a title, 附件号, 单位), not table rows
    another layout should read: a layout claims a grid only from its header down."""
    return all(len(row.filled()) <= 1 for row in grid.rows[:index])
