"""A rendered sheet: what the engine hands to the writer.

Rows and columns are 0-based here, as in xlsxwriter; templates and formulas speak 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .styles import Style

Area0 = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


@dataclass(slots=True)
class Cell:
    """A value, or a formula with the value Python computed for it (``value``)."""

    value: Any
    style: Style | None = None
    formula: str | None = None
    where: str = ""  # the template cell, for messages


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
    rows: list[dict[int, Cell]]
    row_heights: list[float | None]
    hidden_rows: set[int] = field(default_factory=set)
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

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at 0-based ``row``, ``col`` (for tests and checks)."""
        if 0 <= row < len(self.rows):
            return self.rows[row].get(col)
        return None

    def value(self, row: int, col: int) -> Any:
        cell = self.cell(row, col)
        return None if cell is None else cell.value

    def formulas(self) -> list[tuple[int, int, Cell]]:
        return [(r, c, cell) for r, row in enumerate(self.rows) for c, cell in row.items() if cell.formula]
