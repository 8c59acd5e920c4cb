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
from ..names import compact
from ..numbers import show_number
from ..problems import Problems
from .workbook import RawSheet, RawWorkbook
from .xlsx_parts import MAX_CELL_TEXT, cell_name, column_letters

HEADER_SEARCH_ROWS = 20
NEAR_CELL_LIMIT = MAX_CELL_TEXT - 1000  # a text this long is named: a template's own words may push it over

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
    merged: dict[str, str] = field(default_factory=dict)  # key → merged range its value shares with other keys


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
    errors = _error_cells(book, raw)
    for (r, c), text in errors.items():
        if r < len(grid) and c < len(grid[r]) and not _present(grid[r][c]):
            grid[r][c] = CellError(text)
    data_rows = [r for r in range(header_index + 1, len(grid)) if any(_present(grid[r][c]) for c in used)]
    _refuse_merged_numbers(raw, mapping, data_rows, problems)
    _warn_unknown_columns(raw, header_index, header_cells, mapping, data_rows, problems)
    _report_missing_results(raw, mapping, data_rows, header_index, problems)

    columns: dict[str, list[object]] = {}
    percent_styles = book.parts is not None and book.parts.has_percent_styles()
    for key, col in mapping.items():
        values = [grid[r][col] for r in data_rows]
        _refuse_long_texts(raw, col, data_rows, values, problems)
        if spec.column(key).kind == "text":
            if book.parts is None:
                _warn_unknown_formats(raw, col, data_rows, values, problems)
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
    errors = _error_cells(book, raw)
    merged = _shared_values(raw, key_col, value_col, first)
    cells_merged: dict[str, str] = {}
    for r in range(first, len(raw.grid)):
        key = _text(raw.value(r, key_col), False)
        if key is None:
            continue
        key = compact(key)
        value = raw.value(r, value_col)
        _refuse_long_texts(raw, value_col, [r], [value], problems)
        if (r, value_col) in raw.missing_results:
            problems.error(_MISSING_RESULT, sheet=raw.name, cell=cell_name(r, value_col),
                           value=raw.missing_results[(r, value_col)])
        if key in values:
            problems.warning(f"字段「{key}」重复，使用后面的值", sheet=raw.name, cell=cell_name(r, key_col))
        if (r, value_col) in errors:
            value = CellError(errors[(r, value_col)])
        values[key] = _marked(value) if _present(value) else None
        cells[key] = cell_name(r, value_col)
        if r in merged:
            cells_merged[key] = merged[r]
    return KeyValues(raw.name, values, cells, cells_merged)


def merged_number_message(header: str, span: str, amount: bool, each: str = "每一行") -> str:
    """What to do about a per-row number merged over several cells (``span`` = `` 3 行``; ``each`` = 每一行)."""
    what = "金额" if amount else "数值"
    return (f"「{header}」的合并单元格跨越{span}：{each}的{what}必须分别填写，程序不会把合并的数值拆分或复制到各行。"
            f"请取消合并，在{each}填写它自己的{what}")


def _per_row_number(spec: contract.SheetSpec, key: str) -> bool:
    return spec.column(key).refuses_merge


def _refuse_merged_numbers(raw: RawSheet, mapping: dict[str, int], data_rows: list[int], problems: Problems) -> None:
    """A merge over several data rows (or several columns) of a per-row number is an error naming the range.

    The copies that :func:`~.workbook.open_workbook` made stay (an empty-cell error for each covered
    row would only repeat this one); the error stops the build before any figure is computed.
    """
    if not raw.merges:
        return
    rows = set(data_rows)
    numbers = {key: col for key, col in mapping.items() if _per_row_number(raw.spec, key)}
    for top, left, bottom, right in raw.merges:
        keys = [key for key, col in numbers.items() if left <= col <= right]
        covered = [r for r in range(top, bottom + 1) if r in rows]
        if not keys or not covered or (len(covered) < 2 and len(keys) < 2):
            continue
        column = raw.spec.column(keys[0])
        over_rows = len(covered) > 1
        span = f" {bottom - top + 1} 行" if over_rows else f" {right - left + 1} 列"
        problems.error(merged_number_message(column.header, span, column.kind == "amount",
                                             "每一行" if over_rows else "每一列"),
                       sheet=raw.name, cell=f"{cell_name(top, left)}:{cell_name(bottom, right)}",
                       value=raw.value(top, left))


def _shared_values(raw: RawSheet, key_col: int, value_col: int, first: int) -> dict[int, str]:
    """Rows of a 字段 | 值 sheet whose value is one merged cell shared with another field's row."""
    shared: dict[int, str] = {}
    for top, left, bottom, right in raw.merges:
        if not left <= value_col <= right or left <= key_col <= right:
            continue
        keyed = [r for r in range(max(top, first), bottom + 1) if _present(raw.value(r, key_col))]
        if len(keyed) > 1:
            shared.update(dict.fromkeys(keyed, f"{cell_name(top, left)}:{cell_name(bottom, right)}"))
    return shared


_MISSING_RESULT = "公式没有保存计算结果（文件可能由程序生成、从未在 Excel 中打开）：请在 Excel 或 WPS 中打开、保存后再试，或直接填写数值"


def _header_lookup(spec: contract.SheetSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names:
            lookup.setdefault(compact(name), column.key)
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


def _refuse_long_texts(raw: RawSheet, col: int, rows: list[int], values: list[object], problems: Problems) -> None:
    """A text longer than an Excel cell holds cannot go into a form whole: an error before anything is written.

    A text just under the limit is named with a warning: a template that adds words around it makes
    a form cell over the limit, and the writer's error can name only the template cell.
    """
    for r, value in zip(rows, values, strict=True):
        if type(value) is not str or len(value) < NEAR_CELL_LIMIT:
            continue
        if len(value) > MAX_CELL_TEXT:
            problems.error(f"文字长度 {len(value):,} 个字符，超过 Excel 单元格的上限 {MAX_CELL_TEXT:,} 个字符，"
                           f"表格中无法完整写入：请缩短到 {MAX_CELL_TEXT:,} 个字符以内", sheet=raw.name,
                           cell=cell_name(r, col))
        else:
            problems.warning(f"文字长度 {len(value):,} 个字符，接近 Excel 单元格的上限 {MAX_CELL_TEXT:,} 个字符："
                             "模板在它前后加上文字后可能超过上限", sheet=raw.name, cell=cell_name(r, col))


def _warn_unknown_formats(raw: RawSheet, col: int, rows: list[int], values: list[object], problems: Problems) -> None:
    """A fraction in a text column of a file whose number formats cannot be read (``.xls``, ``.xlsb``).

    ``90%`` typed in Excel is stored as ``0.9``; without the cell's format it cannot be told from
    the number 0.9, so the cell is named rather than guessed.
    """
    for r, value in zip(rows, values, strict=True):
        if isinstance(value, float) and 0 < abs(value) < 1:
            shown = show_number(value * 100) + "%"
            problems.warning(f"这种文件格式无法识别百分比格式，此格按数字「{show_number(value)}」读取；"
                             f"如在 Excel 中显示为「{shown}」，请把它改写为文本 {shown}，或另存为 .xlsx 后再试",
                             sheet=raw.name, cell=cell_name(r, col))


def _error_cells(book: RawWorkbook, raw: RawSheet) -> dict[tuple[int, int], str]:
    """Error cells (``#NUM!``) of a sheet, which calamine reads as empty (known for .xlsx only)."""
    errors = getattr(book.parts, "error_cells", None)
    return errors(raw.name) if errors is not None else {}


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
        return show_number(value * 100) + "%" if percent else show_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
