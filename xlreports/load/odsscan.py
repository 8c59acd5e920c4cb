"""The extent of each table of an OpenDocument spreadsheet (.ods), measured from ``content.xml``.

In an .ods a cell or a row may stand for many (``table:number-columns-repeated``,
``table:number-rows-repeated``): a few bytes can mean a million filled rows, and calamine writes each
of them out.  The repeats of cells that hold something are multiplied out here, with expat, before
calamine reads the file; trailing empty cells and rows (LibreOffice writes a repeat to the end of
the sheet) cost nothing and are not counted.
"""

from __future__ import annotations

from typing import BinaryIO
from xml.parsers import expat

from .xmlscan import Malformed, SheetScan

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CHUNK = 1 << 20


def scan_ods_tables(stream: BinaryIO) -> dict[str, SheetScan]:
    tables: dict[str, SheetScan] = {}
    state = {"table": None, "row": 0, "column": 0, "row_cells": 0, "row_right": 0, "cell": None, "depth": 0}

    def repeat(attrs: dict[str, str], name: str) -> int:
        text = attrs.get(f"{_TABLE} {name}", "1")
        return int(text) if text.isdigit() and len(text) <= 9 else (10**9 if text.isdigit() else 1)

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["cell"] is not None:
            state["cell"][1] = True  # a cell with an element inside holds something
            state["depth"] += 1
            return
        if name == f"{_TABLE} table":
            state["table"] = tables.setdefault(attrs.get(f"{_TABLE} name", f"表{len(tables) + 1}"), SheetScan())
            state["row"] = 0
        elif name == f"{_TABLE} table-row":
            state.update(column=0, row_cells=0, row_right=0, row_repeat=repeat(attrs, "number-rows-repeated"))
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            state["cell"] = [repeat(attrs, "number-columns-repeated"), f"{_OFFICE} value-type" in attrs]
            state["depth"] = 0

    def end(name: str) -> None:
        cell = state["cell"]
        if cell is not None:
            if state["depth"]:
                state["depth"] -= 1
                return
            times, filled = cell
            state["column"] += times
            if filled:
                state["row_cells"] += times
                state["row_right"] = state["column"]
            state["cell"] = None
        elif name == f"{_TABLE} table-row":
            table, times = state["table"], state.get("row_repeat", 1)
            if table is not None and state["row_cells"]:
                table.rows = state["row"] + times
                table.columns = max(table.columns, state["row_right"])
                table.cells += state["row_cells"] * times
            state["row"] += times

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Malformed(f"不是有效的 XML（第 {exc.lineno} 行第 {exc.offset + 1} 列）") from None
    return tables
