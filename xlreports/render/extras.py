"""What an officer adds to a template besides cells: pictures, conditional formats, defined names,
sheet protection — read from the template, mapped through the layout, handed to the writer.

The model here knows neither openpyxl's classes (only :func:`read_extras` reads them) nor
xlsxwriter's (only :mod:`xlreports.write.extras` writes them).  Rows follow the layout as everything
else does: a picture anchored in a repeated row is repeated with it, one below a repeated block moves
down with the rows; a conditional format's range is stretched over the copies of its rows and its
formulas re-pointed to the new first row (JXLS's rule); a defined name covers the rows its area became.
What cannot be carried (charts, shapes, unusual rules) is a warning naming the template object.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from ..load.xlsx_parts import cell_name
from .formulas import Formula, Ref
from .styles import color_hex

Area = tuple[int, int, int, int]
EMU_PER_PIXEL = 9525


@dataclass(frozen=True)
class Picture:
    row: int  # 1-based in a template sheet, 0-based in a rendered one
    col: int
    data: bytes
    x_offset: int = 0  # pixels from the cell's corner
    y_offset: int = 0
    x_scale: float = 1.0
    y_scale: float = 1.0
    where: str = ""


@dataclass(frozen=True)
class CondStyle:
    font_color: str | None = None
    bold: bool = False
    italic: bool = False
    fill_color: str | None = None
    num_format: str | None = None


@dataclass
class CondRule:
    kind: str  # cell, formula, text, duplicate, unique, blanks, no_blanks, 2_color_scale, 3_color_scale, data_bar
    criteria: str | None = None
    formulas: list[Any] = field(default_factory=list)  # Formula in a template, text in a rendered sheet
    text: str | None = None
    style: CondStyle | None = None
    stop: bool = False
    colors: list[str] = field(default_factory=list)


@dataclass
class CondFormat:
    areas: list[Area]
    rules: list[CondRule]


@dataclass
class Name:
    name: str
    areas: list[Area]  # on the sheet it belongs to; empty: a constant or formula, copied as ``text``
    text: str = ""
    local: bool = False  # scoped to its sheet
    hidden: bool = False


@dataclass
class Protection:
    allowed: frozenset[str]  # actions left to the user: format_cells, insert_rows, select_locked_cells …
    password_hash: str | None = None  # Excel's legacy 16-bit hash, as stored


@dataclass
class Series:
    values: Any  # a Ref in a template sheet, the reference text in a rendered one
    categories: Any = None
    name: Any = None  # a Ref, or a plain text


@dataclass
class Chart:
    kind: str  # column, bar, line, pie, doughnut, area, scatter (xlsxwriter's names, which are Excel's)
    subtype: str | None
    series: list[Series]
    row: int
    col: int
    width: float  # pixels
    height: float
    title: str | None = None
    where: str = ""


@dataclass
class Extras:
    pictures: list[Picture] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    cond_formats: list[CondFormat] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    protection: Protection | None = None


# -- reading (openpyxl) ----------------------------------------------------------------------------

_CELL_CRITERIA = {"between": "between", "notBetween": "not between", "equal": "==", "notEqual": "!=",
                  "greaterThan": ">", "lessThan": "<", "greaterThanOrEqual": ">=", "lessThanOrEqual": "<="}
_SIMPLE = {"duplicateValues": "duplicate", "uniqueValues": "unique", "containsBlanks": "blanks",
           "notContainsBlanks": "no_blanks"}
# openpyxl's SheetProtection flags are "locked when true"; these are the actions they lock
_ACTIONS = {"objects": "objects", "scenarios": "scenarios", "formatCells": "format_cells",
            "formatColumns": "format_columns", "formatRows": "format_rows", "insertColumns": "insert_columns",
            "insertRows": "insert_rows", "insertHyperlinks": "insert_hyperlinks", "deleteColumns": "delete_columns",
            "deleteRows": "delete_rows", "selectLockedCells": "select_locked_cells", "sort": "sort",
            "autoFilter": "autofilter", "pivotTables": "pivot_tables", "selectUnlockedCells": "select_unlocked_cells"}


def read_extras(ws, where, parse_area, warn) -> Extras:
    """The extras of an openpyxl worksheet; ``warn(message)`` for what cannot be carried."""
    extras = Extras()
    for image in getattr(ws, "_images", []):
        picture = _picture(ws, image, where)
        if picture is not None:
            extras.pictures.append(picture)
    for chart in getattr(ws, "_charts", []):
        anchor = getattr(chart.anchor, "_from", None)
        place = where(anchor.row + 1, anchor.col + 1) if anchor is not None else where(1, 1)
        converted = _chart(ws, chart, anchor, place)
        if converted is None:
            warn(f"{place}：图表（{chart.tagname}）不能保留到生成的文件中（请在生成后的文件中插入图表）")
        else:
            extras.charts.append(converted)
    for formatting in ws.conditional_formatting:
        areas = [a for a in (parse_area(str(r)) for r in formatting.sqref.ranges) if a]
        rules = []
        for rule in formatting.rules:
            converted = _rule(rule)
            if converted is None:
                first = areas[0] if areas else (1, 1, 1, 1)
                warn(f"{where(first[0], first[1])}：条件格式（{rule.type}）不能保留到生成的文件中")
            else:
                rules.append(converted)
        if areas and rules:
            extras.cond_formats.append(CondFormat(areas, rules))
    layout = ws.HeaderFooter
    if layout.differentFirst or layout.differentOddEven:
        warn(f"{where(1, 1)}：首页不同或奇偶页不同的页眉页脚不能保留，生成的文件每页都用奇数页的页眉页脚")
    if ws.auto_filter.ref:
        first = parse_area(ws.auto_filter.ref) or (1, 1, 1, 1)
        warn(f"{where(first[0], first[1])}：自动筛选（{ws.auto_filter.ref}）不能保留到生成的文件中")
    protection = ws.protection
    if protection.sheet:
        allowed = frozenset(action for attr, action in _ACTIONS.items() if not getattr(protection, attr, False))
        password = protection.password or None
        if getattr(protection, "hashValue", None) and not password:
            warn(f"{where(1, 1)}：工作表保护的密码（{protection.algorithmName}）不能保留，生成的文件受保护但没有密码")
        extras.protection = Protection(allowed, password)
    return extras


def _picture(ws, image, where) -> Picture | None:
    anchor = image.anchor
    start = getattr(anchor, "_from", None)
    if start is None:  # an absolute anchor: place it at A1
        return Picture(1, 1, image._data(), where=where(1, 1))
    width, height = _displayed_size(ws, anchor, image)
    native_w, native_h = image.width or width or 1, image.height or height or 1
    return Picture(start.row + 1, start.col + 1, image._data(),
                   x_offset=round((start.colOff or 0) / EMU_PER_PIXEL), y_offset=round((start.rowOff or 0) / EMU_PER_PIXEL),
                   x_scale=width / native_w if width else 1.0, y_scale=height / native_h if height else 1.0,
                   where=where(start.row + 1, start.col + 1))


_CHART_KINDS = {"barChart": None, "lineChart": "line", "pieChart": "pie", "doughnutChart": "doughnut",
                "areaChart": "area", "scatterChart": "scatter"}
_GROUPING = {"stacked": "stacked", "percentStacked": "percent_stacked"}


def _chart(ws, chart, anchor, place: str) -> Chart | None:
    """A chart xlsxwriter can draw again: one of the common kinds, every series a plain reference."""
    from .formulas import parse_ref

    if chart.tagname not in _CHART_KINDS or anchor is None:
        return None
    kind = _CHART_KINDS[chart.tagname] or ("bar" if chart.barDir == "bar" else "column")
    subtype = _GROUPING.get(getattr(chart, "grouping", None) or "")
    series = []
    for item in chart.series:
        values = item.yVal if kind == "scatter" else item.val
        categories = item.xVal if kind == "scatter" else item.cat
        value_ref = _series_ref(values, parse_ref)
        if value_ref is None:
            return None
        category_ref = _series_ref(categories, parse_ref) if categories is not None else None
        name = None
        if item.tx is not None:
            name = parse_ref(item.tx.strRef.f) if item.tx.strRef is not None else item.tx.v
        series.append(Series(value_ref, category_ref, name))
    width, height = _displayed_size(ws, chart.anchor, None)
    return Chart(kind, subtype, series, anchor.row + 1, anchor.col + 1, width, height, _title(chart), place)


def _series_ref(data, parse_ref):
    for attr in ("numRef", "strRef"):
        ref = getattr(data, attr, None) if data is not None else None
        if ref is not None and ref.f:
            return parse_ref(ref.f.strip())
    return None


def _title(chart) -> str | None:
    title = chart.title
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or [])) or None


def _displayed_size(ws, anchor, image) -> tuple[float, float]:
    ext = getattr(anchor, "ext", None)
    if ext is not None and getattr(ext, "width", None):
        return ext.width / EMU_PER_PIXEL, ext.height / EMU_PER_PIXEL
    end = getattr(anchor, "to", None)
    start = anchor._from
    if end is None:
        return (float(image.width or 0), float(image.height or 0)) if image is not None else (480.0, 288.0)
    width = sum(_col_px(ws, c) for c in range(start.col, end.col)) - start.colOff / EMU_PER_PIXEL + end.colOff / EMU_PER_PIXEL
    height = sum(_row_px(ws, r) for r in range(start.row, end.row)) - start.rowOff / EMU_PER_PIXEL + end.rowOff / EMU_PER_PIXEL
    return max(width, 1.0), max(height, 1.0)


def _col_px(ws, col0: int) -> float:
    from openpyxl.utils import get_column_letter

    dim = ws.column_dimensions.get(get_column_letter(col0 + 1))
    width = dim.width if dim is not None and dim.width else (ws.sheet_format.defaultColWidth or 8.43)
    return width * 7 + 5


def _row_px(ws, row0: int) -> float:
    dim = ws.row_dimensions.get(row0 + 1)
    height = dim.height if dim is not None and dim.height else (ws.sheet_format.defaultRowHeight or 15)
    return height * 4 / 3


def _rule(rule) -> CondRule | None:
    style = _style(rule.dxf)
    stop = bool(rule.stopIfTrue)
    formulas = [Formula.parse(f) for f in (rule.formula or [])]
    if rule.type == "cellIs" and rule.operator in _CELL_CRITERIA:
        return CondRule("cell", _CELL_CRITERIA[rule.operator], formulas, style=style, stop=stop)
    if rule.type == "expression" and formulas:
        return CondRule("formula", None, formulas[:1], style=style, stop=stop)
    if rule.type in _SIMPLE:
        return CondRule(_SIMPLE[rule.type], style=style, stop=stop)
    if rule.type in ("containsText", "notContainsText", "beginsWith", "endsWith") and rule.text is not None:
        criteria = {"containsText": "containing", "notContainsText": "not containing", "beginsWith": "begins with",
                    "endsWith": "ends with"}[rule.type]
        return CondRule("text", criteria, text=rule.text, style=style, stop=stop)
    if rule.type == "colorScale" and rule.colorScale is not None:
        colors = [color_hex(c) or "FFFFFF" for c in rule.colorScale.color]
        if all(v.type in ("min", "max", "percentile") for v in rule.colorScale.cfvo) and len(colors) in (2, 3):
            return CondRule(f"{len(colors)}_color_scale", colors=colors)
    if rule.type == "dataBar" and rule.dataBar is not None and rule.dataBar.color is not None:
        return CondRule("data_bar", colors=[color_hex(rule.dataBar.color) or "638EC6"])
    return None


def _style(dxf) -> CondStyle | None:
    if dxf is None:
        return None
    font, fill = dxf.font, dxf.fill
    fill_color = None
    if fill is not None and getattr(fill, "patternType", None) in (None, "solid"):
        fill_color = color_hex(fill.bgColor) or color_hex(fill.fgColor)
    return CondStyle(
        font_color=color_hex(font.color) if font is not None and font.color is not None else None,
        bold=bool(font is not None and font.b),
        italic=bool(font is not None and font.i),
        fill_color=fill_color,
        num_format=dxf.numFmt.formatCode if dxf.numFmt is not None else None,
    )


def read_names(book, sheet_names: list[str], parse_area) -> dict[str, list[Name]]:
    """Defined names of a workbook by the template sheet they point into (print areas excluded)."""
    found: dict[str, list[Name]] = {}
    scoped = [(None, book.defined_names)] + [(ws.title, getattr(ws, "defined_names", {})) for ws in book.worksheets]
    for local, names in scoped:
        for name, defined in (names.items() if hasattr(names, "items") else []):
            if name.startswith("_xlnm.") or defined.attr_text is None:
                continue
            text = defined.attr_text
            target = local
            areas = []
            for part in text.split(","):
                sheet, _, ref = part.rpartition("!")
                sheet = sheet.strip("'").replace("''", "'") if sheet else local
                area = parse_area(ref) if sheet in sheet_names else None
                if area is None:
                    areas = []
                    break
                target = sheet
                areas.append(area)
            found.setdefault(target or sheet_names[0], []).append(
                Name(name, areas, text, local is not None, bool(defined.hidden)))
    return found


# -- mapping through a layout (rows) -----------------------------------------------------------------


def map_rows(extras: Extras, rows_of, span, first_rows, runs, resolve=None) -> Extras:
    """``extras`` in output rows: ``rows_of(q)`` all output rows of template row q (0-based);
    ``resolve(ref)``: a chart's reference as text, re-pointed as a formula outside every area is."""
    pictures = [dataclasses.replace(p, row=o, col=p.col - 1) for p in extras.pictures for o in rows_of(p.row)]
    charts = []
    for chart in extras.charts:
        rows = rows_of(chart.row)
        if not rows or resolve is None:
            continue
        series = [Series(resolve(s.values), resolve(s.categories) if s.categories is not None else None,
                         resolve(s.name) if isinstance(s.name, Ref) else s.name) for s in chart.series]
        charts.append(dataclasses.replace(chart, series=series, row=rows[0], col=chart.col - 1))
    formats = []
    for fmt in extras.cond_formats:
        areas = []
        for r1, c1, r2, c2 in fmt.areas:
            rows = sorted(o for q in range(r1, r2 + 1) for o in rows_of(q))
            areas.extend((a, c1 - 1, b, c2 - 1) for a, b in runs(rows))
        if not areas:
            continue
        delta = areas[0][0] + 1 - fmt.areas[0][0]  # the new first row, relative to the template's
        rules = [dataclasses.replace(rule, formulas=[_shifted(f, delta, first_rows) for f in rule.formulas])
                 for rule in fmt.rules]
        formats.append(CondFormat(areas, rules))
    names = []
    for name in extras.names:
        if not name.areas:
            names.append(name)
            continue
        areas = []
        for r1, c1, r2, c2 in name.areas:
            covered = span(r1, r2)
            if covered:
                areas.append((covered[0], c1 - 1, covered[1], c2 - 1))
        if areas:
            names.append(dataclasses.replace(name, areas=areas))
    return Extras(pictures, charts, formats, names, extras.protection)


def _shifted(formula: Formula, delta: int, first_rows) -> str:
    """A conditional format's formula: relative rows move with the range, absolute rows follow the layout."""

    def resolve(ref: Ref) -> str:
        r1 = ref.row1 if ref.abs_row1 else ref.row1 + delta
        r2 = ref.row2 if ref.abs_row2 else ref.row2 + delta
        if ref.abs_row1:
            r1 = first_rows(ref.row1) or r1
        if ref.abs_row2:
            r2 = first_rows(ref.row2) or r2
        text = ref.sheet_prefix + _cell(ref.col1, r1, ref.abs_col1, ref.abs_row1)
        if ref.is_range or (ref.col1, ref.row1) != (ref.col2, ref.row2):
            text += ":" + _cell(ref.col2, r2, ref.abs_col2, ref.abs_row2)
        return text

    return formula.render(resolve)[1:]


def _cell(col: int, row: int, abs_col: bool, abs_row: bool) -> str:
    name = cell_name(max(row, 1) - 1, col - 1)
    letters, digits = re.match(r"([A-Z]+)(\d+)", name).groups()
    return ("$" if abs_col else "") + letters + ("$" if abs_row else "") + digits


def shift_columns(extras: Extras, areas_of, col_of) -> Extras:
    """``extras`` after a column block's expansion: areas as merges are, pictures with their column."""
    pictures = [dataclasses.replace(p, col=c) for p in extras.pictures for c in col_of(p.col)]
    formats = [CondFormat(areas_of(f.areas), f.rules) for f in extras.cond_formats]
    names = [dataclasses.replace(n, areas=areas_of(n.areas)) if n.areas else n for n in extras.names]
    charts = [dataclasses.replace(c, col=col_of(c.col)[0]) for c in extras.charts if col_of(c.col)]
    return Extras(pictures, charts, [f for f in formats if f.areas], names, extras.protection)
