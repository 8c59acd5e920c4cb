"""Read the tables of an HTML page (saved from a browser) into grids, merges by rowspan/colspan.

Parsed with the standard library's :class:`html.parser.HTMLParser`.  Text outside any table
(titles, 单位：万元) becomes one-cell rows of the first table's grid, above it, so that the layouts
see it as they see the lines above a copied table.  ``<p>``, ``<div>`` and ``<br>`` inside a cell
become line breaks.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from ..problems import Problems
from .cells import clean_text
from .grid import Cell, Grid, Row, text_rows
from .grid_text import decode

_BREAKS = {"p", "div", "br", "li", "tr"}
_SPACES = re.compile(r"\s+")


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []   # table → rows → (text, rowspan, colspan)
        self.before: list[list[str]] = []   # text lines before each table
        self.loose: list[str] = [""]
        self.depth = 0
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.before.append([line for line in self.loose if line.strip()])
                self.loose = [""]
                self.tables.append([])
        elif tag == "tr" and self.depth == 1:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.depth == 1:
            self.cell = []
            self.span = (_int(attributes.get("rowspan")), _int(attributes.get("colspan")))
        elif tag in _BREAKS:
            self._text("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            self.depth = max(0, self.depth - 1)
        elif tag in ("td", "th") and self.depth == 1 and self.cell is not None:
            if not self.tables[-1]:
                self.tables[-1].append([])
            self.tables[-1][-1].append(("".join(self.cell), *self.span))
            self.cell = None
        elif tag in _BREAKS:
            self._text("\n")

    def handle_data(self, data):
        if not self.skip:
            self._text(_SPACES.sub(" ", data))

    def _text(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.depth == 0:
            parts = data.split("\n")
            self.loose[-1] += parts[0]
            self.loose.extend(parts[1:])


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_html_grids(path: Path, problems: Problems) -> list[Grid] | None:
    text = decode(path.read_bytes())
    if text is None:
        problems.error(f"{path.name} 的编码无法识别", expected="UTF-8 或 GB18030 编码的网页")
        return None
    parser = _Tables()
    parser.feed(text)
    parser.close()
    grids = []
    for number, (table, before) in enumerate(zip(parser.tables, parser.before, strict=True), start=1):
        name = f"表格{number}"
        grid = Grid(path, name, "html")
        grid.rows = text_rows(before, name, "表前文字")
        grid.rows += resolve_spans(table, name)
        grids.append(grid)
    after = [line for line in parser.loose if line.strip()]
    if grids and after:
        last = grids[-1]
        last.rows += text_rows(after, last.name, "表后文字")
    if not grids:
        problems.error(f"{path.name} 中没有表格（<table>）", expected="在浏览器中打开有表格的页面，另存为网页（.html）")
        return None
    return grids


def resolve_spans(table: list[list[tuple[str, int, int]]], name: str) -> list[Row]:
    """Rows with merged cells repeated (``covered``) over every position they span."""
    taken: dict[tuple[int, int], Cell] = {}
    rows = []
    for r, source_cells in enumerate(table):
        cells: list[Cell] = []
        c = 0
        for text, rowspan, colspan in source_cells:
            while (r, c) in taken:
                cells.append(taken.pop((r, c)))
                c += 1
            label = f"第{r + 1}行第{c + 1}格"
            cell = Cell(clean_text(text) or "", name, label)
            cells.append(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        copy = Cell(cell.text, name, label, covered=True)
                        if dr == 0:
                            cells.append(copy)
                        else:
                            taken[(r + dr, c + dc)] = copy
            c += colspan
        while (r, c) in taken:
            cells.append(taken.pop((r, c)))
            c += 1
        rows.append(Row(cells, name, f"第{r + 1}行"))
    return rows
