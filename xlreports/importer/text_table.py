"""Read 项目支出绩效目标表 flattened to text: one line per row, cells separated by tabs.

Lines above the header give 部门名称 and 单位; lines below it are the rows.  A line without any tab
right after a row whose last cell is unfinished (no closing ``。``) is the rest of that cell, spilled
onto its own line; other lines without tabs are not rows and are reported, not guessed at.  Rows
whose first cells are empty but whose later cells hold text (seed 003, line 17) are continuations,
joined to the row above by :mod:`.rows`.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Problems
from .header import header_columns, is_header, locate
from .records import SourceRow, SourceTable

ENCODINGS = ("utf-8-sig", "gb18030")
_FINISHED = ("。", ".", "</p>", "</P>")


def decode(data: bytes) -> str | None:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_text_table(path: Path, problems: Problems) -> SourceTable | None:
    text = decode(path.read_bytes())
    if text is None:
        problems.error(f"{path.name} 不是 UTF-8 或 GB18030 编码的文本，无法读取",
                       expected="制表符分隔的文本（.txt），或 .xlsx 工作簿")
        return None
    grid = [line.rstrip("\r").split("\t") for line in text.split("\n")]
    header = next((i for i, cells in enumerate(grid) if is_header(header_columns(cells))), None)
    if header is None:
        problems.error(f"{path.name} 中找不到表头行",
                       expected="一行写有 项目名称（资金使用单位）、总计、财政拨款、绩效目标、绩效指标 等列名，列之间用制表符分隔")
        return None
    mapping, start, department, unit = locate(grid, header)
    rows = _rows(grid, start, mapping, problems)
    columns = tuple(sorted(mapping, key=mapping.get))
    return SourceTable(path, department, unit, rows, columns)


def _rows(grid: list[list[str]], start: int, mapping: dict[str, int], problems: Problems) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for index in range(start, len(grid)):
        cells = grid[index]
        line = index + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) == 1:
            if rows and _spilled_into(rows[-1], cells[0]):
                continue
            problems.warning("这一行不是表格的一行（没有用制表符分列），未导入", cell=f"第{line}行", value=cells[0].strip())
            continue
        values = {key: (cells[col] if col < len(cells) else None)
                  for key, col in sorted(mapping.items(), key=lambda item: item[1])}
        extra = [cell for col, cell in enumerate(cells) if col not in mapping.values() and cell.strip()]
        if extra:
            problems.warning("这一行在表头以外的列中有内容，未导入", cell=f"第{line}行", value=" ".join(extra))
        rows.append(SourceRow(values, line))
    return rows


def _spilled_into(row: SourceRow, text: str) -> bool:
    """Append ``text`` to the last filled cell of ``row`` if that cell is unfinished."""
    filled = [key for key, value in row.cells.items() if isinstance(value, str) and value.strip()]
    if not filled:
        return False
    last = max(filled, key=list(row.cells).index)
    current = row.cells[last].rstrip()
    if current.endswith(_FINISHED):
        return False
    row.cells[last] = current + text.strip()
    return True
