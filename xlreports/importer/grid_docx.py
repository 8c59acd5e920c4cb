"""Read the tables of a Word ``.docx`` into grids (``word/document.xml``, standard library only).

Merges: ``w:gridSpan`` spans columns, ``w:vMerge`` (``restart`` then continuing cells) spans rows;
covered positions repeat the merged text, flagged ``covered``.  Paragraphs of the body before a
table (titles, 单位：万元) become one-cell rows above it; each paragraph of a cell is a line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..problems import Problems
from .cells import clean_text
from .grid import Cell, Grid, Row, text_rows

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag in (f"{_W}tab",):
            parts.append(" ")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def read_docx_grids(path: Path, problems: Problems) -> list[Grid] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        problems.error(f"{path.name} 不是可以读取的 Word 文档（.docx）：{exc}",
                       expected="在 Word 或 WPS 中另存为 .docx（不设密码）后再试")
        return None
    body = root.find(f"{_W}body")
    grids: list[Grid] = []
    before: list[str] = []
    for element in list(body) if body is not None else []:
        if element.tag == f"{_W}p":
            text = _paragraph_text(element).strip()
            if text:
                before.append(text)
        elif element.tag == f"{_W}tbl":
            name = f"表格{len(grids) + 1}"
            grid = Grid(path, name, "docx")
            grid.rows = text_rows(before, name, "表前文字")
            grid.rows += _table_rows(element, name)
            grids.append(grid)
            before = []
    if grids and before:
        last = grids[-1]
        last.rows += text_rows(before, last.name, "表后文字")
    if not grids:
        problems.error(f"{path.name} 中没有表格", expected="含有绩效目标表表格的 Word 文档")
        return None
    return grids


def _table_rows(table, name: str) -> list[Row]:
    rows: list[Row] = []
    above: dict[int, Cell] = {}   # column → the cell a vMerge continues
    for r, tr in enumerate(table.findall(f"{_W}tr")):
        cells: list[Cell] = []
        for tc in tr.findall(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span = 1
            merge = None
            if props is not None:
                grid_span = props.find(f"{_W}gridSpan")
                if grid_span is not None:
                    span = max(1, int(grid_span.get(f"{_W}val", "1")))
                vmerge = props.find(f"{_W}vMerge")
                if vmerge is not None:
                    merge = vmerge.get(f"{_W}val", "continue")
            column = len(cells)
            if merge == "continue" and column in above:
                origin = above[column]
                cell = Cell(origin.text, name, origin.cell, covered=True)
            else:
                text = "\n".join(_paragraph_text(p) for p in tc.findall(f"{_W}p"))
                cell = Cell(clean_text(text) or "", name, f"第{r + 1}行第{column + 1}格")
            for offset in range(span):
                cells.append(cell if offset == 0 else Cell(cell.text, name, cell.cell, covered=True))
                if not cell.covered:
                    above[column + offset] = cell
        rows.append(Row(cells, name, f"第{r + 1}行"))
    return rows
