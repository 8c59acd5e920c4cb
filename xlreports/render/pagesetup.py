"""Page setup and data validation of a template sheet, read from openpyxl as they are."""

from __future__ import annotations

from typing import Any

from ..load.xlsx_parts import column_index
from .commands import split_cell
from .sheet import Page
from .template import Area, Validation


def read_page(ws) -> Page:
    """The page setup of an openpyxl worksheet, in template coordinates."""
    setup = ws.page_setup
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    margins = ws.page_margins
    page = Page(
        orientation=setup.orientation,
        paper_size=int(setup.paperSize) if setup.paperSize else None,
        fit_width=(int(setup.fitToWidth) if setup.fitToWidth is not None else 1) if fit else None,
        fit_height=(int(setup.fitToHeight) if setup.fitToHeight is not None else 1) if fit else None,
        scale=int(setup.scale) if setup.scale else None,
        margins={k: float(getattr(margins, k)) for k in ("left", "right", "top", "bottom", "header", "footer")},
        center_horizontally=bool(ws.print_options.horizontalCentered),
        center_vertically=bool(ws.print_options.verticalCentered),
        header=header_text(ws.oddHeader),
        footer=header_text(ws.oddFooter),
        gridlines=bool(ws.print_options.gridLines),
        row_breaks=[brk.id for brk in ws.row_breaks.brk],
    )
    if ws.print_area:
        areas = [parse_area(a) for a in ws.print_area.split(",")]
        areas = [a for a in areas if a]
        if areas:
            page.print_area = areas[0]
    if ws.print_title_rows:
        first, _, last = ws.print_title_rows.replace("$", "").partition(":")
        page.repeat_rows = (int(first), int(last or first))
    if ws.print_title_cols:
        first, _, last = ws.print_title_cols.replace("$", "").partition(":")
        page.repeat_cols = (column_index(first) + 1, column_index(last or first) + 1)
    return page

def read_validations(ws) -> list[Validation]:
    """The data validations (dropdowns) of an openpyxl worksheet."""
    result = []
    for dv in ws.data_validations.dataValidation:
        areas = [a for a in (parse_area(str(r)) for r in dv.sqref.ranges) if a]
        options: dict[str, Any] = {
            "type": dv.type or "any",
            "operator": dv.operator,
            "formula1": dv.formula1,
            "formula2": dv.formula2,
            "allow_blank": bool(dv.allow_blank),
            "show_dropdown": not dv.showDropDown,
            "show_input": bool(dv.showInputMessage),
            "show_error": bool(dv.showErrorMessage),
            "error_style": dv.errorStyle,
            "error_title": dv.errorTitle,
            "error": dv.error,
            "prompt_title": dv.promptTitle,
            "prompt": dv.prompt,
        }
        result.append(Validation(areas, options))
    return result


def header_text(header_footer) -> str | None:
    """A page header/footer in Excel's ``&L…&C…&R…`` notation with its fonts (``&"宋体"&10``), or ``None``."""
    parts = []
    for code, part in (("&L", header_footer.left), ("&C", header_footer.center), ("&R", header_footer.right)):
        if part is not None and part.text:
            parts.append(code + str(part))  # str() keeps the part's font, size and colour
    return "".join(parts) or None


def parse_area(text: str) -> Area | None:
    text = text.split("!")[-1].replace("$", "").strip()
    first, _, last = text.partition(":")
    a = split_cell(first)
    b = split_cell(last) if last else a
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
