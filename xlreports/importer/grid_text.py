"""Read a text into a :class:`~.grid.Grid`: tab-separated rows, or one cell per line.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 「Unicode 文本」), UTF-16 LE
without BOM, then GB18030 (which also reads GBK).

Two shapes are recognised:

* **tab-separated**: one line per row (as a browser or Excel copies a table).  A cell holding
  several paragraphs spills over several lines; the layouts join them, since only they know how
  many cells a row has.
* **one cell per line** (a Word or web table saved as text, seeds 000 and 001): a line starting
  with a tab starts a cell; a line without a tab right after it, or after one blank line, is
  another paragraph of that cell; a blank line before a tab line ends the row.  Lines after two
  blank lines are text outside the table (titles), one row each.

A text without any tab has no cell boundaries (a copy of a PDF): it is refused with what to do.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Problems
from .cells import clean_text
from .grid import Cell, Grid, Row

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
PDF_ADVICE = ("在 Excel、WPS 或浏览器中打开原表格，选中整个表格复制（列之间是制表符），或把 PDF 转换为 Excel"
              "（例如 WPS 的「PDF 转 Excel」）后导入 .xlsx")


def decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) % 2 == 0 and (b"\t\x00" in data or b"\n\x00" in data):  # UTF-16 LE without BOM
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def read_text_grid(path: Path, problems: Problems) -> Grid | None:
    text = decode(path.read_bytes())
    if text is None:
        problems.error(f"{path.name} 不是 UTF-8、UTF-16 或 GB18030 编码的文本，无法读取",
                       expected="制表符分隔的文本（.txt），或 .xlsx/.xls/.ods/.docx/.html 文件")
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any("\t" in line for line in lines):
        filled = sum(1 for line in lines if line.strip())
        problems.error(f"{path.name} 的 {filled} 行文字中没有一个制表符，分不清单元格（从 PDF 复制的文字就是这样）",
                       cell="第1行", expected=PDF_ADVICE)
        return None
    grid = Grid(path, path.name, "text")
    grid.rows = _cell_per_line(lines) if _is_cell_per_line(lines) else _tab_rows(lines)
    return grid


def _tab_rows(lines: list[str]) -> list[Row]:
    rows = []
    for number, line in enumerate(lines, start=1):
        label = f"第{number}行"
        rows.append(Row([Cell(clean_text(part) or "", None, label) for part in line.split("\t")], None, label))
    return rows


def _is_cell_per_line(lines: list[str]) -> bool:
    tabbed = [line for line in lines if "\t" in line]
    leading = [line for line in tabbed if line.startswith("\t") and line.count("\t") == 1]
    return len(leading) >= 0.8 * len(tabbed) and len(leading) >= 4


def _cell_per_line(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    cells: list[tuple[int, list[str]]] = []   # (line of the cell, its paragraphs)
    first_line = 0
    blanks = 0

    def close() -> None:
        if cells:
            label = f"第{first_line}行"
            rows.append(Row([Cell(clean_text("\n".join(parts)) or "", None, f"第{line}行")
                             for line, parts in cells], None, label))
            cells.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
            continue
        if line.startswith("\t"):
            if blanks:
                close()
            if not cells:
                first_line = number
            cells.append((number, [line[1:]]))
        elif cells and blanks < 2:
            cells[-1][1].append(line)
        else:
            close()
            label = f"第{number}行"
            rows.append(Row([Cell(clean_text(line) or "", None, label)], None, label))
        blanks = 0
    close()
    return rows
