"""Open an input workbook with pandas on the calamine engine and hand back its known sheets.

The file is opened by pandas' calamine engine (``pd.ExcelFile``); each known sheet is then parsed
once by calamine, which gives both its cells and its merged ranges.

Officers' workbooks are taken as they really are: ``.xlsx``/``.xlsm``, ``.xls``, ``.xlsb`` and ``.ods``
alike (the kind is told by the content, not the name).  Merged cells apply to every cell they
cover (a unit name merged over its projects; :mod:`.tables` refuses a per-row number merged over
rows), formulas count by their stored result, and a formula without one is reported with its cell
instead of being read as empty.  A password-protected or unreadable file gets a message that says
what to do.  What calamine does not tell (merges of an ``.ods``, percentage formats, formulas
without a result) is read from the file's parts by :mod:`.xlsx_parts` and :mod:`.ods_parts`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import contract
from ..problems import Problems
from . import limits
from .ods_parts import OdsParts, is_ods
from .xlsx_parts import XlsxParts

Parts = XlsxParts | OdsParts

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
"""The kinds of workbook read (the kind itself is told by the content; these name the files to look at)."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


Merge = tuple[int, int, int, int]
"""A merged range as 0-based (top, left, bottom, right), bounds included."""


@dataclass
class RawSheet:
    """One known sheet as a grid of cell values (0-based rows and columns, as in Excel)."""

    name: str
    spec: contract.SheetSpec
    grid: list[list[object]]
    missing_results: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)

    def value(self, row: int, col: int) -> object:
        if row < len(self.grid) and col < len(self.grid[row]):
            return self.grid[row][col]
        return None


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]
    parts: Parts | None = None

    def close(self) -> None:
        if self.parts:
            self.parts.close()


def open_workbook(path: Path, problems: Problems) -> RawWorkbook | None:
    """Read the contract's sheets of ``path``; ``None`` (with an error added) if it cannot be read."""
    name = path.name
    if not path.exists():
        problems.error(f"找不到文件 {path}")
        return None
    if not path.is_file():
        problems.error(f"{path} 是文件夹，不是工作簿：请写出其中工作簿的路径（例如 {path / '工作簿.xlsx'}）")
        return None
    refusal = limits.check_workbook(path, lambda sheet: contract.sheet_spec(sheet) is not None)
    if refusal is not None:
        problems.error(refusal.message, sheet=refusal.sheet, cell=refusal.cell)
        return None
    kind = _kind(path)
    if kind in _REFUSED:
        problems.error(_REFUSED[kind].format(name=name))
        return None

    import pandas as pd  # deferred: importing pandas costs more than a CLI --help should

    try:
        book = pd.ExcelFile(path, engine="calamine")
        parts = _parts(path, kind)
    except Exception as exc:  # calamine raises its own types (in English) for broken files
        refusal = "encrypted" if "password" in str(exc).lower() else "broken"
        problems.error(_REFUSED[refusal].format(name=name))
        return None

    sheets: dict[str, RawSheet] = {}
    area = 0
    unknown_merges = False
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
                if parts:
                    parts.close()
                return None
            area += limits.grid_area(sheet.start, sheet.height, sheet.width)
            grid = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            merges = _merges(sheet, parts)
            unknown_merges = unknown_merges or merges is None
            merges = merges or []
            _fill_merged(grid, merges)
            missing = parts.formulas_without_result(sheet_name) if parts else {}
            sheets[spec.name] = RawSheet(sheet_name, spec, grid, missing, merges)
    if unknown_merges:
        problems.warning(f"{name}：这种文件格式（{path.suffix or kind}）中的合并单元格无法识别，合并区域只有左上角的格子有值、"
                         "其余格子按空白读取；如有合并单元格，请在 Excel 或 WPS 中另存为 .xlsx 后再试")
    return RawWorkbook(path, sheets, parts)


_REFUSED = {
    "encrypted": "{name} 设置了打开密码（已加密）：请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再试",
    "unknown": "{name} 不是有效的 Excel (.xlsx) 文件：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试",
    "broken": "{name} 无法读取（文件可能已损坏，或不是 Excel 工作簿）：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试",
}


def _kind(path: Path) -> str:
    """What the file really is, by its content: ``xlsx``, ``xlsb``, ``ods``, ``xls``, or a refusal."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        return "encrypted" if _ENCRYPTION_INFO in path.read_bytes() else "xls"
    if not zipfile.is_zipfile(path):
        return "unknown"
    try:
        with zipfile.ZipFile(path) as archive:
            if is_ods(archive):
                return "ods"
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "unknown"
    return "xlsb" if "xl/workbook.bin" in names else "xlsx"  # calamine says what else is wrong


def _parts(path: Path, kind: str) -> Parts | None:
    """The reader of what calamine does not tell, for the kinds that have one."""
    if kind == "xlsx":
        return XlsxParts.open(path)
    if kind == "ods":
        return OdsParts.open(path)
    return None  # .xls and .xlsb: calamine's values and merged ranges are all there is


def _merges(sheet, parts: Parts | None) -> list[Merge] | None:
    """A sheet's merged ranges; ``None`` when the file's format does not tell them."""
    if isinstance(parts, OdsParts):
        return parts.merges(sheet.name)
    ranges = sheet.merged_cell_ranges
    if ranges is None:
        return None
    return [(top, left, bottom, right) for (top, left), (bottom, right) in ranges]


def _fill_merged(grid: list[list[object]], merges: list[Merge]) -> None:
    """Give every cell of a merged range the value of its top-left cell.

    This is right for text that labels a group (a unit merged over its projects); the readers of
    :mod:`.tables` refuse a merge over the rows of a per-row number.
    """
    for top, left, bottom, right in merges:
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
