"""The floor: plain xlsxwriter writing the same cells, formats and merges, and nothing else.

    python bench/floor.py INPUT OUTDIR      # prints {"seconds": …} for the writing alone

The cells come from xlreports itself (rendered and materialized before the clock starts), so the
floor writes exactly what ``xlreports build`` writes: every file, every cell with its value or
formula and cached result, its format, every merge, row height and column width.  What it does not
do is everything that makes the cells: reading, checking, computing, rendering.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout


def prepared(source: Path):
    """Every output file as plain data: (file name, sheets of (name, widths, heights, merges, cells))."""
    from xlreports.build import CITY_FOLDER
    from xlreports.compute import build_context, city_context, city_keys
    from xlreports.forms import load_forms
    from xlreports.problems import Problems
    from xlreports.render import render
    from xlreports.resources import default_templates_dir
    from xlreports.validate import read_input
    from xlreports.write.formats import format_properties

    problems = Problems()
    data = read_input(source, problems)
    context = build_context(data, problems)
    forms = load_forms(default_templates_dir())
    files = [(f"{form.name}.xlsx", render(form.template, context)) for form in forms if form.applies(context)]
    if data.allocations:
        for city in city_keys(data):
            narrowed = city_context(data, context, city)
            sheets = [s for form in forms if form.split == "地市" and form.applies(narrowed)
                      for s in render(form.template, narrowed)]
            files.append((f"{CITY_FOLDER}/{city.key}.xlsx", sheets))
    styles: dict[object, int] = {}
    properties: list[dict] = []
    plain = []
    for name, sheets in files:
        plain_sheets = []
        for sheet in sheets:
            rows = sheet.materialize()
            cells = []
            for row in rows:
                for col, cell in row.cells.items():
                    style = None
                    if cell.style is not None:
                        style = styles.get(cell.style)
                        if style is None:
                            style = styles[cell.style] = len(properties)
                            properties.append(format_properties(cell.style))
                    cells.append((row.index, col, cell.value, cell.formula, style))
            heights = [(row.index, row.height) for row in rows if row.height is not None]
            plain_sheets.append((sheet.name, dict(sheet.col_widths), heights, list(sheet.merges), cells))
        plain.append((name, plain_sheets))
    return plain, properties


def write(prepared_files, outdir: Path) -> float:
    """Write the files with xlsxwriter; the seconds it took."""
    import xlsxwriter

    files, properties = prepared_files
    start = time.perf_counter()
    for name, sheets in files:
        path = outdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                               "strings_to_urls": False})
        formats: dict[int, object] = {}
        for sheet_name, widths, heights, merges, cells in sheets:
            ws = book.add_worksheet(sheet_name)
            for col, width in widths.items():
                ws.set_column(col, col, width)
            for row, height in heights:
                ws.set_row(row, height)
            for r1, c1, r2, c2 in merges:
                ws.merge_range(r1, c1, r2, c2, None)
            for row, col, value, formula, style in cells:
                fmt = None
                if style is not None:
                    fmt = formats.get(style)
                    if fmt is None:
                        fmt = formats[style] = book.add_format(properties[style])
                if formula is not None:
                    ws.write_formula(row, col, formula, fmt, value)
                elif value is None:
                    ws.write_blank(row, col, None, fmt)
                elif isinstance(value, str):
                    ws.write_string(row, col, value, fmt)
                elif isinstance(value, bool):
                    ws.write_boolean(row, col, value, fmt)
                else:
                    ws.write_number(row, col, value, fmt)
        book.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    files = prepared(Path(sys.argv[1]))
    print(json.dumps({"seconds": write(files, Path(sys.argv[2]))}))
