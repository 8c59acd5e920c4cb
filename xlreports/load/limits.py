"""Limits a workbook must keep before calamine or openpyxl may read it.

A workbook arrives by e-mail from anyone; so does a template.  A 10 KB file can make a reader ask for
hundreds of gigabytes (one cell at ``XFD1048576``), expand a few megabytes into gigabytes (a zip bomb,
4 GB of whitespace between two tags) or expand entities (billion laughs, external entities).
:func:`check_workbook` measures the file with the standard library, in bounded memory, and returns a
located Chinese refusal for the first limit it passes; the limits are far above any real workbook (a
province's largest has about 100,000 rows of 30 columns) and are explained in ``docs/limits.md``.

Every reader of a workbook calls it first: the input loader, the importer and the template reader.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

KB, MB, GB = 1 << 10, 1 << 20, 1 << 30

MAX_FILE_BYTES = 200 * MB  # on disk, .xlsx/.xlsm/.ods
MAX_BINARY_FILE_BYTES = 64 * MB  # on disk, .xls/.xlsb: read whole by calamine, not checked cell by cell
MAX_PARTS = 10_000  # zip entries
MAX_PART_BYTES = 512 * MB  # one part, uncompressed
MAX_TOTAL_BYTES = 2 * GB  # all parts, uncompressed
MAX_RATIO = 250  # uncompressed : compressed, for a part of more than RATIO_FROM bytes
RATIO_FROM = 32 * MB  # below this, a repetitive but real part (32,767 × 「长」 in one cell: 393:1) is no threat
MAX_TEXT_BYTES = 1 * MB  # one cell's text, one attribute, one run of whitespace between two tags
MAX_SHARED_BYTES = 256 * MB  # xl/sharedStrings.xml, kept whole in memory by calamine
MAX_SHARED_STRINGS = 5_000_000
MAX_CELL_TEXT_TOTAL = 512 * MB  # the text of every shared-string cell read (each becomes its own string)

SheetFilter = Callable[[str], bool]



@dataclass(frozen=True)
class Profile:
    """The limits of what is read from the sheets: an input (calamine: a grid of every cell from A1)
    or a template (openpyxl: an object for every cell, merged cells included)."""

    area: int  # rows × columns, from A1 to the last cell, summed over the sheets read
    cells: int  # cells with content, summed over the sheets read
    merged: int  # cells covered by merged ranges, summed over the sheets read


INPUT = Profile(area=6_000_000, cells=4_000_000, merged=6_000_000)
TEMPLATE = Profile(area=1_000_000, cells=100_000, merged=100_000)
MAX_AREA = INPUT.area


@dataclass(frozen=True)
class Refusal:
    """Why a workbook is not read: a Chinese message, and the sheet and cell when there is one."""

    message: str
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}：" if self.sheet and self.cell else ""
        return where + self.message


RESAVE = "请在 Excel 或 WPS 中打开、另存为一个新文件后再试；若文件来自他人，请对方重新保存后发送"
TRIM = "请删除工作表右侧和下方多余的行和列（选中后“删除”，不是“清除内容”），保存后再试"
NOT_A_WORKBOOK = "这不是一个正常的工作簿（可能被恶意构造或已损坏），已拒绝读取"


def size(value: int) -> str:
    """Bytes as people read them: ``4 GB``, ``512 MB``, ``1.5 KB``."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if value >= unit:
            return f"{value / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{value} 字节"


def check_workbook(path: Path, sheets: SheetFilter | None = None, profile: Profile = INPUT) -> Refusal | None:
    """The first limit ``path`` passes, or ``None``; ``sheets`` chooses the sheets that will be read
    (all when ``None``)."""
    name = path.name
    try:
        on_disk = path.stat().st_size
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError:
        return None  # the reader says what is wrong with a file it cannot open
    binary = not magic.startswith(b"PK") or path.suffix.lower() in (".xls", ".xlsb")
    limit = MAX_BINARY_FILE_BYTES if binary else MAX_FILE_BYTES
    if on_disk > limit:
        return Refusal(f"{name} 有 {size(on_disk)}，超过上限 {size(limit)}：一个填报工作簿不会这么大；"
                       "请确认选对了文件，或删除不需要的工作表、图片后另存再试")
    if not zipfile.is_zipfile(path):
        return None  # .xls or not a workbook: the reader says so
    from .package import ZipCheck

    try:
        with zipfile.ZipFile(path) as archive:
            return ZipCheck(name, archive, sheets, profile).check()
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return Refusal(f"{name} 无法读取（文件已损坏：{_zip_error(exc)}）：{RESAVE}")


def _zip_error(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "校验值不符"
    if isinstance(exc, zlib.error):
        return "压缩数据错误"
    return "zip 结构错误"


def check_grid(sheet: str, start: tuple[int, int] | None, height: int, width: int, so_far: int = 0) -> Refusal | None:
    """The grid a sheet becomes (from A1), checked once calamine knows its extent and before its rows
    become Python lists: the last check for the formats whose cells are not measured beforehand."""
    top, left = start or (0, 0)
    rows, columns = top + height, left + width
    if so_far + grid_area(start, height, width) <= MAX_AREA:
        return None
    last = cell(rows, columns)
    return Refusal(f"工作表的使用范围到 {last}（{rows:,} 行 × {columns:,} 列），超过上限 {MAX_AREA:,} 个单元格：{TRIM}",
                   sheet, last)


def grid_area(start: tuple[int, int] | None, height: int, width: int) -> int:
    """Cells of the grid a sheet becomes, from A1 to its last cell."""
    top, left = start or (0, 0)
    return (top + height) * (left + width)


def cell(row: int, column: int) -> str:
    """The address of a 1-based row and column: ``(1048576, 16384)`` → ``XFD1048576``."""
    from .xlsx_parts import cell_name

    return cell_name(max(row, 1) - 1, max(column, 1) - 1)
