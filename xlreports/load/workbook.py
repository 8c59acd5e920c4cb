"""Open an input workbook with pandas on the calamine engine and hand back its known sheets.

The file is opened by pandas' calamine engine (``pd.ExcelFile``); each known sheet is then parsed
once by calamine, which gives both its cells and its merged ranges.

Officers' workbooks are taken as they really are: merged cells apply to every cell they cover
(a unit name merged over its projects), formulas count by their stored result, and a formula
without one is reported with its cell instead of being read as empty.  Files that are not
``.xlsx`` (an old ``.xls``, a password-protected file) get a message that says what to do.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import contract
from ..problems import Problems
from . import limits
from .xlsx_parts import XlsxParts

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


@dataclass
class RawSheet:
    """One known sheet as a grid of cell values (0-based rows and columns, as in Excel)."""

    name: str
    spec: contract.SheetSpec
    grid: list[list[object]]
    missing_results: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row: int, col: int) -> object:
        if row < len(self.grid) and col < len(self.grid[row]):
            return self.grid[row][col]
        return None


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]
    parts: XlsxParts | None = None

    def close(self) -> None:
        if self.parts:
            self.parts.close()


def open_workbook(path: Path, problems: Problems) -> RawWorkbook | None:
    """Read the contract's sheets of ``path``; ``None`` (with an error added) if it cannot be read."""
    name = path.name
    if not path.exists():
        problems.error(f"找不到文件 {path}")
        return None
    refusal = limits.check_workbook(path, lambda sheet: contract.sheet_spec(sheet) is not None)
    if refusal is not None:
        problems.error(refusal.message, sheet=refusal.sheet, cell=refusal.cell)
        return None
    if path.suffix.lower() == ".xls":
        problems.error(f"{name} 是旧版 Excel 97-2003 (.xls) 文件：请在 Excel 或 WPS 中“另存为” .xlsx 格式后再试")
        return None
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        if _ENCRYPTION_INFO in path.read_bytes():
            problems.error(f"{name} 设置了打开密码（已加密）：请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再试")
        else:
            problems.error(f"{name} 是旧版 Excel 97-2003 (.xls) 文件：请在 Excel 或 WPS 中“另存为” .xlsx 格式后再试")
        return None
    if not zipfile.is_zipfile(path):
        problems.error(f"{name} 不是有效的 Excel (.xlsx) 文件：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试")
        return None

    import pandas as pd  # deferred: importing pandas costs more than a CLI --help should

    try:
        book = pd.ExcelFile(path, engine="calamine")
    except Exception as exc:  # calamine raises its own types for broken zips and XML
        problems.error(f"{name} 无法读取（文件可能已损坏）：{exc}")
        return None

    parts = XlsxParts.open(path)
    sheets: dict[str, RawSheet] = {}
    area = 0
    with book:
        for sheet_name in book.sheet_names:
            spec = contract.sheet_spec(sheet_name)
            if spec is None:
                continue
            if spec.name in sheets:
                problems.error(f"工作表「{sheet_name}」与「{sheets[spec.name].name}」重复，请只保留一个", sheet=sheet_name)
                continue
            # pandas opened the file with calamine; its sheet is parsed once for cells and merged ranges
            sheet = book.book.get_sheet_by_name(sheet_name)
            refusal = limits.check_grid(sheet_name, sheet.start, sheet.height, sheet.width, area)
            if refusal is not None:
                problems.error(refusal.message, sheet=refusal.sheet, cell=refusal.cell)
                parts.close()
                return None
            area += limits.grid_area(sheet.start, sheet.height, sheet.width)
            grid = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            _fill_merged(grid, sheet.merged_cell_ranges or [])
            sheets[spec.name] = RawSheet(sheet_name, spec, grid, parts.formulas_without_result(sheet_name))
    return RawWorkbook(path, sheets, parts)


def _fill_merged(grid: list[list[object]], merges) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for (top, left), (bottom, right) in merges:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        if value is None or value == "":
            continue
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if row[c] is None or row[c] == "":
                    row[c] = value
