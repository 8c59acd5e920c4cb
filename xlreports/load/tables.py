"""Find a sheet's header row, map its columns to the contract, and clean the cells below it.

A header may sit under a title row or two; it is the row (among the first 20) that names the most
of the sheet's columns.  Headers match after :func:`contract.header_candidates` normalisation, so
``资金需求（万元）`` and ``资金需求`` are one column.  Text cells are kept as written (only trimmed);
a number in a text column becomes the text Excel showed (``3000``, ``90%``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .. import contract
from ..amounts import format_number
from ..problems import Problems
from .workbook import RawSheet, RawWorkbook
from .xlsx_parts import cell_name, column_letters

HEADER_SEARCH_ROWS = 20


class CellError(str):
    """A cell that holds something, but no usable value: an error (``#NUM!``, ``#DIV/0!``, which
    calamine reads as empty) or a number that is not finite (``NaN``, ``INF``).

    It is text, so that every number column refuses it with its cell (「资金需求」不是数字（值为「#NUM!」）)
    instead of reading an empty cell.
    """


def _marked(value: object) -> object:
    """A non-finite float as a :class:`CellError`; anything else as it is."""
    if type(value) is float and not math.isfinite(value):
        return CellError("NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF"))
    return value


@dataclass
class Table:
    """The data rows of one sheet, column by column, keyed by the contract's English keys."""

    spec: contract.SheetSpec
    sheet: str
    header_row: int
    rows: list[int]
    columns: dict[str, list[object]]
    letters: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)  # unit written in a header: 工作量（家次） → 家次

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns

    def get(self, key: str) -> list[object]:
        return self.columns.get(key) or [None] * len(self.rows)

    def cell(self, key: str, index: int) -> str:
        """Address (``D7``) of the ``index``-th data row's cell in column ``key``."""
        return f"{self.letters.get(key, '?')}{self.rows[index]}"

    def records(self) -> list[dict[str, object]]:
        keys = list(self.columns)
        return [{k: self.columns[k][i] for k in keys} for i in range(len(self.rows))]


@dataclass
class KeyValues:
    """A two-column 字段 | 值 sheet."""

    sheet: str
    values: dict[str, object]
    cells: dict[str, str]


def read_table(book: RawWorkbook, spec: contract.SheetSpec, problems: Problems) -> Table | None:
    raw = book.sheets.get(spec.name)
    if raw is None:
        return None
    lookup = _header_lookup(spec)
    header_index, mapping = _find_header(raw, lookup)
    if header_index is None:
        expected = "、".join(c.header for c in spec.columns if c.required)
        problems.error(f"找不到表头行（前 {HEADER_SEARCH_ROWS} 行中没有任何已知列名）", sheet=raw.name,
                       expected=f"包含列 {expected}")
        return None

    missing = [c.header for c in spec.columns if c.required and c.key not in mapping]
    for header in missing:
        problems.error(f"缺少必填列「{header}」", sheet=raw.name, cell=f"第{header_index + 1}行",
                       expected=f"表头中有「{header}」")
    if missing:
        return None

    header_cells = raw.grid[header_index]
    grid = raw.grid
    width = max(mapping.values()) + 1
    for row in grid:  # calamine's rows all have the sheet's width; pad a narrower grid once
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    used = list(mapping.values())
    errors = book.parts.error_cells(raw.name) if book.parts is not None else {}
    for (r, c), text in errors.items():
        if r < len(grid) and c < len(grid[r]) and not _present(grid[r][c]):
            grid[r][c] = CellError(text)
    data_rows = [r for r in range(header_index + 1, len(grid)) if any(_present(grid[r][c]) for c in used)]
    _warn_unknown_columns(raw, header_index, header_cells, mapping, data_rows, problems)
    _report_missing_results(raw, mapping, data_rows, header_index, problems)

    columns: dict[str, list[object]] = {}
    percent_styles = book.parts is not None and book.parts.has_percent_styles()
    for key, col in mapping.items():
        values = [grid[r][col] for r in data_rows]
        if spec.column(key).kind == "text":
            percent = _percent_cells(book, raw, col, data_rows, values) if percent_styles else ()
            if percent:
                values = [_text(v, (r, col) in percent) for r, v in zip(data_rows, values, strict=True)]
            else:
                values = [_text(v, False) for v in values]
        else:
            values = [_marked(v) if _present(v) else None for v in values]
        columns[key] = values
    units = {key: unit for key, col in mapping.items() if (unit := contract.header_unit(header_cells[col]))}
    return Table(spec, raw.name, header_index + 1, [r + 1 for r in data_rows], columns,
                 {key: column_letters(col) for key, col in mapping.items()}, units)


def read_key_values(book: RawWorkbook, spec: contract.SheetSpec, problems: Problems) -> KeyValues | None:
    raw = book.sheets.get(spec.name)
    if raw is None:
        return None
    header_index, mapping = _find_header(raw, _header_lookup(spec))
    if header_index is not None and {"key", "value"} <= mapping.keys():
        key_col, value_col, first = mapping["key"], mapping["value"], header_index + 1
    else:
        key_col, first = _first_text_column(raw)
        value_col = key_col + 1
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    errors = book.parts.error_cells(raw.name) if book.parts is not None else {}
    for r in range(first, len(raw.grid)):
        key = _text(raw.value(r, key_col), False)
        if key is None:
            continue
        key = contract.normalize_name(key)
        value = raw.value(r, value_col)
        if (r, value_col) in raw.missing_results:
            problems.error(_MISSING_RESULT, sheet=raw.name, cell=cell_name(r, value_col),
                           value=raw.missing_results[(r, value_col)])
        if key in values:
            problems.warning(f"字段「{key}」重复，使用后面的值", sheet=raw.name, cell=cell_name(r, key_col))
        if (r, value_col) in errors:
            value = CellError(errors[(r, value_col)])
        values[key] = _marked(value) if _present(value) else None
        cells[key] = cell_name(r, value_col)
    return KeyValues(raw.name, values, cells)


_MISSING_RESULT = "公式没有保存计算结果（文件可能由程序生成、从未在 Excel 中打开）：请在 Excel 或 WPS 中打开、保存后再试，或直接填写数值"


def _header_lookup(spec: contract.SheetSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names:
            lookup.setdefault(contract.normalize_name(name), column.key)
    return lookup


def _match_header(text: object, lookup: dict[str, str]) -> str | None:
    if not _present(text):
        return None
    for candidate in contract.header_candidates(text):
        if candidate in lookup:
            return lookup[candidate]
    return None


def _find_header(raw: RawSheet, lookup: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    best_index, best = None, {}
    for r in range(min(HEADER_SEARCH_ROWS, len(raw.grid))):
        mapping: dict[str, int] = {}
        for c, text in enumerate(raw.grid[r]):
            key = _match_header(text, lookup)
            if key is not None and key not in mapping:
                mapping[key] = c
        if len(mapping) > len(best):
            best_index, best = r, mapping
    return best_index, best


def _first_text_column(raw: RawSheet) -> tuple[int, int]:
    for r, row in enumerate(raw.grid):
        for c, value in enumerate(row):
            if _present(value):
                return c, r
    return 0, 0


def _warn_unknown_columns(raw, header_index, header_cells, mapping, data_rows, problems) -> None:
    used = set(mapping.values())
    for c, text in enumerate(header_cells):
        if c in used or not _present(text):
            continue
        if any(text == header_cells[u] for u in used):
            continue  # the second half of a merged header cell
        if any(_present(raw.value(r, c)) for r in data_rows):
            problems.warning(f"未知的列「{text}」，其中的内容不会被使用", sheet=raw.name,
                             cell=cell_name(header_index, c))


def _report_missing_results(raw, mapping, data_rows, header_index, problems) -> None:
    if not raw.missing_results:
        return
    columns = set(mapping.values())
    rows = set(data_rows)
    for (r, c), formula in sorted(raw.missing_results.items()):
        if c in columns and r in rows:
            problems.error(_MISSING_RESULT, sheet=raw.name, cell=cell_name(r, c), value=formula)


def _percent_cells(book: RawWorkbook, raw: RawSheet, col: int, rows: list[int], values: list[object]):
    numeric = {(r, col) for r, v in zip(rows, values, strict=True)
               if isinstance(v, int | float) and not isinstance(v, bool)}
    if not numeric or book.parts is None:
        return set()
    return book.parts.percent_cells(raw.name, numeric)


def _present(value: object) -> bool:
    """Whether a cell holds something (calamine reads an empty cell as ``""``; NaN is a value)."""
    if value is None or value == "":
        return False
    if type(value) is str:
        return not value.isspace()
    return True


def _text(value: object, percent: bool) -> str | None:
    """A cell of a text column as the text Excel showed."""
    if type(value) is str:
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value.strip() or None
    if not _present(value):
        return None
    if isinstance(value, CellError):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return _marked(value)
    if isinstance(value, int | float):
        return format_number(value * 100) + "%" if percent else format_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
