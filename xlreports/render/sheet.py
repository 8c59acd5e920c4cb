"""A rendered sheet: what the engine hands to the writer.

Everything but the cells is known before the first row is written (merges, widths, page setup,
validations); the rows themselves are produced in order, on demand, so that a sheet of 100,000
rows never has to exist in memory all at once.  :meth:`Sheet.materialize` keeps them (tests do).
Rows and columns are 0-based here, as in xlsxwriter; templates and formulas speak 1-based.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .extras import Extras
from .styles import Style

Area0 = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


@dataclass(slots=True)
class Cell:
    """A value, or a formula with the value Python computed for it (``value``)."""

    value: Any
    style: Style | None = None
    formula: str | None = None
    where: str = ""  # the template cell, for messages


@dataclass(slots=True)
class Row:
    index: int
    cells: dict[int, Cell]
    height: float | None = None
    hidden: bool = False


@dataclass
class Page:
    orientation: str | None = None
    paper_size: int | None = None
    fit_width: int | None = None
    fit_height: int | None = None
    scale: int | None = None
    margins: dict[str, float] = field(default_factory=dict)
    center_horizontally: bool = False
    center_vertically: bool = False
    header: str | None = None
    footer: str | None = None
    print_area: Area0 | None = None
    repeat_rows: tuple[int, int] | None = None
    repeat_cols: tuple[int, int] | None = None
    row_breaks: list[int] = field(default_factory=list)
    gridlines: bool = False


@dataclass
class DataValidation:
    areas: list[Area0]
    options: dict[str, Any]


@dataclass
class Sheet:
    name: str
    row_count: int
    source: Callable[[], Iterator[Row]] | None = None
    col_widths: dict[int, float] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)
    merges: list[Area0] = field(default_factory=list)
    page: Page = field(default_factory=Page)
    validations: list[DataValidation] = field(default_factory=list)
    freeze: tuple[int, int] | None = None
    default_row_height: float | None = None
    default_col_width: float | None = None
    show_gridlines: bool = True
    default_font: tuple[str, float] | None = None
    palette: list[tuple[Style | None, str]] = field(default_factory=list)  # (style, template cell) of every cell
    extras: Extras | None = None  # pictures, conditional formats, defined names, protection (output rows)
    _rows: list[Row] | None = None

    @classmethod
    def from_rows(cls, name: str, rows: list[dict[int, Cell]], heights: list[float | None] | None = None,
                  **meta: Any) -> Sheet:
        heights = heights or [None] * len(rows)
        sheet = cls(name, len(rows), **meta)
        sheet._rows = [Row(i, cells, height) for i, (cells, height) in enumerate(zip(rows, heights, strict=True))]
        return sheet

    def iter_rows(self) -> Iterator[Row]:
        if self._rows is not None:
            return iter(self._rows)
        if self.source is None:
            return iter(())
        return self.source()

    def materialize(self) -> list[Row]:
        if self._rows is None:
            self._rows = list(self.iter_rows())
        return self._rows

    # -- reading a materialized sheet (tests and checks) --------------------------------------------

    @property
    def rows(self) -> list[dict[int, Cell]]:
        return [row.cells for row in self.materialize()]

    @property
    def row_heights(self) -> list[float | None]:
        return [row.height for row in self.materialize()]

    @property
    def hidden_rows(self) -> set[int]:
        return {row.index for row in self.materialize() if row.hidden}

    def cell(self, row: int, col: int) -> Cell | None:
        rows = self.materialize()
        return rows[row].cells.get(col) if 0 <= row < len(rows) else None

    def value(self, row: int, col: int) -> Any:
        cell = self.cell(row, col)
        return None if cell is None else cell.value

    def formulas(self) -> list[tuple[int, int, Cell]]:
        return [(row.index, c, cell) for row in self.materialize() for c, cell in row.cells.items() if cell.formula]
