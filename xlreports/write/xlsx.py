"""Write rendered sheets to an ``.xlsx`` file with xlsxwriter.

* Text is written as text (``write_string``; ``strings_to_formulas`` off): a project named
  ``=HYPERLINK(…)`` stays a name.
* Every formula carries the value Python computed, so previews, phones, PDF converters and pandas
  show numbers, not 0.
* The file is written under a temporary name and renamed when complete (:mod:`.files`), so the
  output folder never holds half a file.
* Text longer than Excel's 32,767-character cell limit is an error, never a silent truncation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..load.xlsx_parts import MAX_CELL_TEXT, cell_name
from ..render.sheet import Sheet
from ..render.styles import Style
from .extras import write_extras
from .files import FileSet, write_failed
from .formats import FormatCache
from .manifest import digest

STREAMED_ROWS = 5000  # above this many rows a file is streamed to disk (constant_memory); below, built in memory
MAX_PAGE_BREAKS = 1023
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CRITERIA = {
    "between": "between", "notBetween": "not between", "equal": "==", "notEqual": "!=",
    "greaterThan": ">", "lessThan": "<", "greaterThanOrEqual": ">=", "lessThanOrEqual": "<=",
}
_VALIDATE = {"whole": "integer", "decimal": "decimal", "list": "list", "date": "date", "time": "time",
             "textLength": "length", "custom": "custom", "any": "any"}


class WriteError(Exception):
    """Content that Excel cannot hold, with the output cell and the template cell it came from."""


def write_workbook(sheets: list[Sheet], path: Path, created: dt.datetime | None = None) -> list[str]:
    """Write ``sheets`` to ``path`` atomically; returns warnings (in Chinese) about Excel limits."""
    with Outputs(path.parent, created) as outputs:
        warnings = outputs.write(sheets, path)
    return warnings


class Outputs:
    """The forms of one build: written under temporary names, renamed together when all are written.

    A thin layer over :class:`~xlreports.write.files.FileSet` (which owns the temporary names,
    the checks before renaming and the kept copies of edited files).  Used as a context manager:
    leaving it with an exception removes every temporary file, so an output folder never holds a
    broken file nor a partial set of forms.
    """

    def __init__(self, root: Path, created: dt.datetime | None = None, tracked: bool = False,
                 boundary: Path | None = None, files: FileSet | None = None) -> None:
        """``created`` is stamped into every file; the same date gives the same bytes for the same sheets."""
        self.files = files or FileSet(root, tracked=tracked, boundary=boundary)
        self.created = created or dt.datetime(2000, 1, 1)
        self.last: tuple[Path, Path, str | None] | None = None

    @property
    def kept(self) -> list[tuple[Path, Path]]:
        """(file, dated copy) for every file staff had changed since the last build."""
        return self.files.kept

    def write(self, sheets: list[Sheet], path: Path, adopt: bool = True) -> list[str]:
        """Write ``path`` under a temporary name; ``adopt=False`` leaves renaming to whoever adopts it."""
        temporary = self.files.temporary(path)
        try:
            warnings = _write(sheets, temporary, self.created)
        except BaseException as exc:
            refusal = write_failed(exc, path, temporary)
            if refusal is None:
                raise
            raise refusal from None
        self.last = (temporary, path, digest(temporary) if self.files.tracked else None)
        if adopt:
            self.adopt(*self.last)
        return warnings

    def adopt(self, temporary: Path, path: Path, sha: str | None = None) -> None:
        """A file written elsewhere (another process) joins this set."""
        self.files.add(temporary, path, sha)

    def remove(self, path: Path) -> None:
        """A file that goes with this set (a city no longer in the workbook)."""
        self.files.remove(path)

    def spawn(self) -> Outputs:
        """An empty set with the same stamp and owner, for a worker process."""
        return Outputs(self.files.root, self.created, files=self.files.spawn())

    def __enter__(self) -> Outputs:
        self.files.__enter__()
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.files.__exit__(kind, error, trace)


# xlsxwriter would turn text that looks like a formula, a number or a URL into one: never for user text.
TEXT_STAYS_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def plain_workbook(path: Path, **options: Any):
    """An xlsxwriter workbook in which text stays text: for the input workbooks ``init`` and ``import`` write."""
    import xlsxwriter  # deferred: only writing needs it

    return xlsxwriter.Workbook(str(path), {**TEXT_STAYS_TEXT, **options})


def _write(sheets: list[Sheet], path: Path, created: dt.datetime) -> list[str]:
    import xlsxwriter  # deferred: only writing needs it

    # Rows arrive in order either way; a large file streams them to disk, a small one is faster in memory.
    streamed = sum(sheet.row_count for sheet in sheets) > STREAMED_ROWS
    options: dict[str, Any] = {**TEXT_STAYS_TEXT, "constant_memory": streamed, "in_memory": not streamed}
    font = next((s.default_font for s in sheets if s.default_font), None)
    if font:
        options["default_format_properties"] = {"font_name": font[0], "font_size": font[1]}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"created": created})
    formats = FormatCache(workbook)
    warnings: list[str] = []
    try:
        used: set[str] = set()
        names: set[str] = set()
        for sheet in sheets:
            name = _sheet_name(sheet.name, used)
            worksheet = workbook.add_worksheet(name)
            _SheetWriter(worksheet, sheet, formats, name, warnings).write()
            write_extras(workbook, worksheet, sheet.extras, name, warnings, names)  # pictures, names …
    finally:
        workbook.close()
        _release(workbook)
    return warnings


def _release(workbook) -> None:
    """Drop what a closed workbook holds (a large sheet's row and merge lists).

    xlsxwriter's objects refer to each other, so without this only a run of the cycle collector,
    which a build keeps rare (:mod:`xlreports.collector`), would give that memory back.
    """
    for worksheet in workbook.worksheets():
        worksheet.__dict__.clear()


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


class _SheetWriter:
    """Writes one sheet row by row, in order (as xlsxwriter's ``constant_memory`` mode requires)."""

    def __init__(self, worksheet, sheet: Sheet, formats: FormatCache, name: str, warnings: list[str]) -> None:
        self.ws = worksheet
        self.sheet = sheet
        self.formats = formats
        self.name = name
        self.warnings = warnings

    def write(self) -> None:
        ws, sheet = self.ws, self.sheet
        if sheet.default_row_height:
            ws.set_default_row(sheet.default_row_height)
        for col, width in sorted(sheet.col_widths.items()):
            ws.set_column(col, col, width, None, {"hidden": col in sheet.hidden_cols})
        for col in sorted(sheet.hidden_cols - sheet.col_widths.keys()):
            ws.set_column(col, col, None, None, {"hidden": True})
        for area in sheet.merges:
            _add_merge(ws, area)
        blank = self.formats.blank()
        fmt_of = self.formats.get
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for row in sheet.iter_rows():
            r = row.index
            for c, cell in row.cells.items():
                value, kind = cell.value, type(cell.value)
                if cell.formula is None and kind is str and len(value) <= MAX_CELL_TEXT:
                    write_string(r, c, value, fmt_of(cell.style))
                elif cell.formula is None and (kind is float or kind is int):
                    write_number(r, c, value, fmt_of(cell.style))
                elif cell.formula is None and value is None:
                    if cell.style is not None:
                        write_blank(r, c, None, fmt_of(cell.style))
                else:
                    self._cell(r, c, cell)
            if row.height is not None or row.hidden:
                if not row.cells:
                    ws.write_blank(r, 0, None, blank)  # constant_memory keeps no height for a row without cells
                ws.set_row(r, row.height, None, {"hidden": True} if row.hidden else None)
        self._page()
        for validation in sheet.validations:
            self._validation(validation)
        if sheet.freeze:
            ws.freeze_panes(*sheet.freeze)
        if not sheet.show_gridlines:
            ws.hide_gridlines(2)

    def _cell(self, r: int, c: int, cell) -> None:
        ws = self.ws
        style = cell.style
        value = cell.value
        if cell.formula is not None:
            if isinstance(value, str):
                self._check_length(r, c, cell, value)
            ws.write_formula(r, c, cell.formula, self.formats.get(style), value)
        elif value is None:
            if style is not None:
                ws.write_blank(r, c, None, self.formats.get(style))
        elif isinstance(value, str):
            self._check_length(r, c, cell, value)
            ws.write_string(r, c, value, self.formats.get(style))
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, self.formats.get(style))
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, self.formats.get(style))
        elif isinstance(value, dt.date | dt.time):
            if style is None or not style.num_format:
                fmt = "hh:mm:ss" if isinstance(value, dt.time) else (
                    "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd")
                style = dataclasses.replace(style or Style(), num_format=fmt)
            ws.write_datetime(r, c, value, self.formats.get(style))
        else:
            raise WriteError(f"{self.name}!{cell_name(r, c)}：无法写入 {type(value).__name__} 类型的值（来自 {cell.where}）")

    def _check_length(self, r: int, c: int, cell, value: str) -> None:
        if len(value) > MAX_CELL_TEXT:
            raise WriteError(
                f"{self.name}!{cell_name(r, c)}：文字长度 {len(value)} 超过 Excel 单元格上限 {MAX_CELL_TEXT} 个字符"
                f"（来自模板 {cell.where}），请缩短内容")

    def _page(self) -> None:
        ws, page = self.ws, self.sheet.page
        if page.orientation == "landscape":
            ws.set_landscape()
        elif page.orientation == "portrait":
            ws.set_portrait()
        if page.paper_size:
            ws.set_paper(page.paper_size)
        if page.fit_width is not None or page.fit_height is not None:
            ws.fit_to_pages(page.fit_width or 0, page.fit_height or 0)
        elif page.scale:
            ws.set_print_scale(page.scale)
        margins = page.margins
        if margins:
            ws.set_margins(margins.get("left", 0.7), margins.get("right", 0.7),
                           margins.get("top", 0.75), margins.get("bottom", 0.75))
        if page.header:
            ws.set_header(page.header, {"margin": margins.get("header", 0.3)})
        if page.footer:
            ws.set_footer(page.footer, {"margin": margins.get("footer", 0.3)})
        if page.center_horizontally:
            ws.center_horizontally()
        if page.center_vertically:
            ws.center_vertically()
        if page.gridlines:
            ws.hide_gridlines(0)
        if page.print_area:
            ws.print_area(*page.print_area)
        if page.repeat_rows:
            ws.repeat_rows(*page.repeat_rows)
        if page.repeat_cols:
            ws.repeat_columns(*page.repeat_cols)
        if page.row_breaks:
            breaks = page.row_breaks
            if len(breaks) > MAX_PAGE_BREAKS:
                self.warnings.append(f"{self.name}：分页符有 {len(breaks)} 个，超过 Excel 上限 {MAX_PAGE_BREAKS}，"
                                     f"只保留前 {MAX_PAGE_BREAKS} 个")
                breaks = breaks[:MAX_PAGE_BREAKS]
            ws.set_h_pagebreaks(breaks)

    def _validation(self, validation) -> None:
        source = validation.options
        kind = _VALIDATE.get(source.get("type") or "any", "any")
        options: dict[str, Any] = {"validate": kind, "ignore_blank": source.get("allow_blank", True)}
        formula1, formula2 = source.get("formula1"), source.get("formula2")
        if kind == "list":
            options["source"] = _list_source(formula1)
            options["dropdown"] = source.get("show_dropdown", True)
        elif kind == "custom":
            options["value"] = "=" + (formula1 or "").lstrip("=")
        elif kind != "any":
            criteria = _CRITERIA.get(source.get("operator") or "between", "between")
            options["criteria"] = criteria
            if criteria in ("between", "not between"):
                options["minimum"], options["maximum"] = _number(formula1), _number(formula2)
            else:
                options["value"] = _number(formula1)
        for key, target in (("prompt_title", "input_title"), ("prompt", "input_message"),
                            ("error_title", "error_title"), ("error", "error_message")):
            if source.get(key):
                options[target] = source[key]
        if source.get("error_style") in ("stop", "warning", "information"):
            options["error_type"] = source["error_style"]
        options["show_input"] = bool(source.get("show_input", True))
        options["show_error"] = bool(source.get("show_error", True))
        first, *rest = validation.areas
        if rest:
            options["multi_range"] = " ".join(_area(a) for a in validation.areas)
        self.ws.data_validation(*first, options)


def _add_merge(worksheet, area) -> None:
    """Register a merged area whose cells are written in row order by the caller.

    ``merge_range()`` writes the whole area at once, which ``constant_memory`` mode cannot take
    once its first row is written; the engine has already checked that no areas overlap, so the
    area goes straight into the list xlsxwriter writes out as ``<mergeCells>``.
    """
    worksheet.merge.append(list(area))


def _area(area) -> str:
    r1, c1, r2, c2 = area
    first, last = cell_name(r1, c1), cell_name(r2, c2)
    return first if first == last else f"{first}:{last}"


def _list_source(formula: str | None):
    text = (formula or "").strip()
    if text.startswith('"') and text.endswith('"'):
        return [item for item in text[1:-1].split(",")]
    return "=" + text.lstrip("=")


def _number(text: str | None):
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return "=" + text.lstrip("=")
    return int(value) if value.is_integer() else value
