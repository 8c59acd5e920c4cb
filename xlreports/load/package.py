"""The checks of :func:`~xlreports.load.limits.check_workbook` on a zip package (.xlsx, .xlsm, .xlsb, .ods):
its entries, every XML part, then the worksheets that will be read."""

from __future__ import annotations

import copy
import posixpath
import zipfile

from . import xmlscan
from .limits import (
    MAX_CELL_TEXT_TOTAL,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_SHARED_BYTES,
    MAX_SHARED_STRINGS,
    MAX_TEXT_BYTES,
    MAX_TOTAL_BYTES,
    MB,
    NOT_A_WORKBOOK,
    RATIO_FROM,
    RESAVE,
    TRIM,
    Profile,
    Refusal,
    SheetFilter,
    size,
)
from .limits import cell as _cell
from .odsscan import scan_ods_tables
from .xlsbscan import scan_xlsb_sheet
from .xmlscan import Malformed, PartLimits, TooLarge

# parts calamine reads besides the worksheets (each kept whole by its XML reader at some point):
# no comments, CDATA or processing instructions there; in other parts only DTDs are refused
_READ_WHOLE = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml",
               "content.xml", "styles.xml"}


class ZipCheck:
    """One package, checked in order: entry names, xl/workbook.xml (to know the sheets), declared sizes
    and ratios, every XML part, then the worksheets that will be read; the first refusal ends it."""

    def __init__(self, name: str, archive: zipfile.ZipFile, sheets: SheetFilter | None, profile: Profile) -> None:
        self.name = name
        self.profile = profile
        self.archive = archive
        self.wanted = sheets
        self.infos = {info.filename: info for info in archive.infolist()}
        self.parts: dict[str, str] = {}  # worksheet parts by sheet name, once workbook.xml is known safe
        # measured in full by _sheets when read; only their beginning is checked with the other parts
        self.worksheet_parts = {p for p in self.infos if p.startswith("xl/worksheets/") and p.endswith(".xml")}

    def check(self) -> Refusal | None:
        try:
            self._names()
            self.parts = self._workbook_parts()
            self._sizes()
            self._sheets(self._xml_parts())
        except _Refused as refused:
            return refused.refusal
        return None

    # --- the zip container ---------------------------------------------------------------------

    def _names(self) -> None:
        infos = self.archive.infolist()
        if len(infos) > MAX_PARTS:
            self._refuse(f"{self.name} 中有 {len(infos):,} 个部件（zip 条目），超过上限 {MAX_PARTS:,}：{NOT_A_WORKBOOK}")
        seen: dict[str, str] = {}
        for info in infos:
            part = info.filename
            odd = _odd_name(part)
            if odd:
                self._refuse(f"{self.name} 中有异常的部件名「{_printable(part)}」（{odd}）：{NOT_A_WORKBOOK}")
            key = part.lower()
            if key in seen:
                self._refuse(f"{self.name} 中的部件「{_printable(part)}」与「{_printable(seen[key])}」重名：{NOT_A_WORKBOOK}")
            seen[key] = part
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                self._refuse(f"{self.name} 中的部件 {part} 已加密：请在 Excel 或 WPS 中取消密码后另存再试")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self._refuse(f"{self.name} 中的部件 {part} 使用了不支持的压缩方式（{info.compress_type}）：{RESAVE}")

    def _workbook_parts(self) -> dict[str, str]:
        """The worksheet parts by sheet name, read once xl/workbook.xml and its relationships are known safe."""
        limits = PartLimits(min(MAX_PART_BYTES, 64 * MB), MAX_TEXT_BYTES)
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if part in self.infos:
                self._guard(part, lambda p=part: self._scan_whole(p, limits))
        return self._sheet_parts()

    def _sizes(self) -> None:
        total = 0
        for part, info in self.infos.items():
            if info.file_size > MAX_PART_BYTES:
                self._too_large_part(part, info.file_size)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
                self._refuse(f"{self.name} 中的部件 {part}（{self._sheet_of(part)}）从 {size(info.compress_size)} "
                             f"解压为 {size(info.file_size)}，压缩比 {ratio:,.0f}:1，超过上限 {MAX_RATIO}:1"
                             f"（压缩炸弹）：{NOT_A_WORKBOOK}")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            self._refuse(f"{self.name} 解压后共有 {size(total)}，超过上限 {size(MAX_TOTAL_BYTES)}：{NOT_A_WORKBOOK}")

    def _too_large_part(self, part: str, measured: int, limit: int = MAX_PART_BYTES, read: bool = False) -> None:
        amount = f"读到 {size(measured)} 仍未结束" if read else f"为 {size(measured)}"
        self._refuse(f"{self.name} 中的部件 {part}（{self._sheet_of(part)}）解压后{amount}，"
                     f"超过上限 {size(limit)}：{NOT_A_WORKBOOK}")

    def _open(self, part: str):
        """The part as it really is: read to the end of its data, whatever size the zip declares."""
        info = copy.copy(self.infos[part])
        info.file_size = MAX_PART_BYTES + 1
        return self.archive.open(info)

    # --- every XML part: no DTD, nothing oversize ----------------------------------------------

    def _xml_parts(self) -> dict[str, str]:
        """Check every XML part; the worksheet parts by sheet name."""
        limits = PartLimits(MAX_PART_BYTES, MAX_TEXT_BYTES)
        for part, info in self.infos.items():
            if info.is_dir():
                continue
            with self._open(part) as stream:
                head = stream.read(64)
            if not _looks_like_xml(head):
                continue
            if part in self.worksheet_parts:
                with self._open(part) as stream:  # the sheets read are measured below, in full
                    self._guard(part, lambda s=stream: xmlscan.check_head(s.read(xmlscan.HEAD)))
                continue
            self._guard(part, lambda p=part: self._scan_whole(p, limits))
        return self.parts

    def _scan_whole(self, part: str, limits: PartLimits) -> None:
        with self._open(part) as stream:
            measured = xmlscan.scan_part(stream, limits, strict=part in _READ_WHOLE)
        self._same_size(part, measured)

    def _same_size(self, part: str, measured: int) -> None:
        declared = self.infos[part].file_size
        if measured != declared:
            self._refuse(f"{self.name} 中的部件 {part} 声明解压后为 {size(declared)}，实际为 {size(measured)}"
                         f"（文件已损坏或被篡改）：{NOT_A_WORKBOOK}")

    def _sheet_parts(self) -> dict[str, str]:
        from .xlsx_parts import sheet_parts

        if "xl/workbook.xml" not in self.infos:
            return {}  # not an .xlsx (an .ods, an .xlsb): no worksheet parts to measure
        try:
            return sheet_parts(self.archive)
        except Exception:
            self._refuse(f"{self.name} 中的 xl/workbook.xml 无法解析（文件已损坏）：{RESAVE}")
            raise  # not reached: _refuse raises

    def _sheet_of(self, part: str) -> str:
        for sheet, sheet_part in self.parts.items():
            if sheet_part == part:
                return f"工作表「{sheet}」"
        return "共享字符串" if part == "xl/sharedStrings.xml" else "工作簿的一部分"

    # --- the sheets that will be read ----------------------------------------------------------

    def _sheets(self, parts: dict[str, str]) -> None:
        limits = PartLimits(MAX_PART_BYTES, MAX_TEXT_BYTES)
        shared = self._shared_strings()
        totals = [0, 0, 0]  # area, cells, merged cells of the sheets measured so far
        # every worksheet not read is skipped: calamine parses a sheet only when asked for it
        chosen = {sheet: part for sheet, part in parts.items() if self.wanted is None or self.wanted(sheet)}
        if any(part not in self.infos for part in chosen.values()):
            # a sheet whose part is not where its relationship says: calamine may look elsewhere, so
            # every part that may be a worksheet is measured as if it were read
            chosen.update({part: part for part in self.infos if _maybe_sheet(part)})
        for sheet, part in chosen.items():
            if part not in self.infos:
                continue
            scan = self._guard(part, lambda p=part: xmlscan.scan_sheet(lambda: self._open(p), limits), sheet)
            self._same_size(part, scan.size)
            self._declared(sheet, scan)
            self._count(sheet, scan, totals)
            if shared is not None and scan.cells:
                self._shared_text(sheet, part, scan, shared, limits)
        # an .xlsb: every binary worksheet, as the sheet names are in a binary part too
        for part in self.infos:
            if part.startswith("xl/worksheets/") and part.endswith(".bin"):
                def measure(p=part):
                    with self._open(p) as stream:
                        return scan_xlsb_sheet(stream, limits)

                self._count(part, self._guard(part, measure), totals)
        self._ods_tables(totals)

    def _ods_tables(self, totals: list[int]) -> None:
        """An .ods: the tables of content.xml, their repeated cells multiplied out."""
        if "content.xml" not in self.infos:
            return

        def measure():
            with self._open("content.xml") as stream:
                return scan_ods_tables(stream)

        for table, scan in self._guard("content.xml", measure).items():
            if self.wanted is None or self.wanted(table):
                self._count(table, scan, totals)

    def _count(self, sheet: str, scan: xmlscan.SheetScan, totals: list[int]) -> None:
        limit = self.profile
        totals[0] += scan.rows * scan.columns
        last = _cell(scan.rows, scan.columns)
        if totals[0] > limit.area:
            self._refuse(f"工作表的使用范围到 {last}（{scan.rows:,} 行 × {scan.columns:,} 列）"
                         f"{_sum_note(totals[0], scan.rows * scan.columns)}，超过上限 {limit.area:,} 个单元格：{TRIM}",
                         sheet, last)
        totals[1] += scan.cells
        if totals[1] > limit.cells:
            self._refuse(f"工作表有 {scan.cells:,} 个非空单元格{_sum_note(totals[1], scan.cells)}，"
                         f"超过上限 {limit.cells:,}：请把数据拆分到几个工作簿中", sheet)
        totals[2] += scan.merged
        if totals[2] > limit.merged:
            self._refuse(f"工作表的合并单元格共覆盖 {scan.merged:,} 个单元格{_sum_note(totals[2], scan.merged)}，"
                         f"超过上限 {limit.merged:,}：请取消多余的合并（尤其是整行、整列的合并）后保存再试", sheet)

    def _declared(self, sheet: str, scan: xmlscan.SheetScan) -> None:
        if not scan.declared:
            return
        last = scan.declared.replace("$", "").split(":")[-1]
        letters = last.rstrip("0123456789")
        digits = last[len(letters):]
        if not letters.isalpha() or not digits or len(letters) > 3 or len(digits) > 7:
            return  # an unreadable dimension is not used by any reader
        rows, columns = int(digits), xmlscan.column_number(letters.upper())
        if rows * columns > self.profile.area:
            self._refuse(f"工作表声明的范围（dimension）是 {scan.declared}（{rows:,} 行 × {columns:,} 列），"
                         f"超过上限 {self.profile.area:,} 个单元格：{TRIM}", sheet, last.upper())

    def _shared_strings(self) -> xmlscan.SharedScan | None:
        part = "xl/sharedStrings.xml"
        if part not in self.infos:
            return None
        if self.infos[part].file_size > MAX_SHARED_BYTES:
            self._refuse(f"{self.name} 中的共享字符串（{part}）解压后有 {size(self.infos[part].file_size)}，"
                         f"超过上限 {size(MAX_SHARED_BYTES)}：{NOT_A_WORKBOOK}")
        limits = PartLimits(MAX_SHARED_BYTES, MAX_TEXT_BYTES)

        def scan() -> xmlscan.SharedScan:
            with self._open(part) as stream:
                return xmlscan.scan_shared_strings(stream, limits)

        shared = self._guard(part, scan)
        if shared.count > MAX_SHARED_STRINGS:
            self._refuse(f"{self.name} 中有 {shared.count:,} 个不同的文字（共享字符串），"
                         f"超过上限 {MAX_SHARED_STRINGS:,}：请把数据拆分到几个工作簿中")
        return shared

    def _shared_text(self, sheet, part, scan, shared, limits) -> None:
        """Each cell gets its own copy of its shared string: a long one used by many cells multiplies."""
        if scan.cells * shared.longest <= MAX_CELL_TEXT_TOTAL:
            return
        exact = self._guard(part, lambda: xmlscan.scan_sheet(lambda: self._open(part), limits, want_shared=True), sheet)
        lengths = shared.lengths
        known = exact.shared_indexes or []
        total = sum(lengths[i] if i < len(lengths) else 0 for i in known)
        total += (exact.shared_cells - len(known)) * shared.longest
        if total > MAX_CELL_TEXT_TOTAL:
            self._refuse(f"工作表的单元格引用的文字共约 {size(total)}（同一段长文字被许多单元格重复引用），"
                         f"超过上限 {size(MAX_CELL_TEXT_TOTAL)}：{NOT_A_WORKBOOK}", sheet)

    # --- refusals ------------------------------------------------------------------------------

    def _guard(self, part: str, measure, sheet: str | None = None):
        """Run a measurement of ``part``, turning what it finds into a located refusal."""
        where = f"{self.name} 中的部件 {part}" + (f"（工作表「{sheet}」）" if sheet else f"（{self._sheet_of(part)}）")
        try:
            return measure()
        except Malformed as exc:
            self._refuse(f"{where}{exc}：{NOT_A_WORKBOOK}", sheet)
        except TooLarge as exc:
            if exc.what == "part":
                self._too_large_part(part, exc.value, exc.limit, read=True)
            self._refuse(f"{where}中有一段超过 {size(exc.value)} 的连续文字或空白（一个单元格最多 32,767 个字，"
                         f"约 96 KB），超过上限 {size(exc.limit)}：{NOT_A_WORKBOOK}", sheet)

    def _refuse(self, message: str, sheet: str | None = None, cell: str | None = None):
        raise _Refused(Refusal(message, sheet, cell))


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _odd_name(part: str) -> str | None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in part):
        return "含有控制字符"
    if "\\" in part:
        return "含有反斜杠"
    if part.startswith("/") or (len(part) > 1 and part[1] == ":"):
        return "是绝对路径"
    if ".." in part.split("/"):
        return "含有 .."
    if posixpath.normpath(part) != part.rstrip("/") and part.rstrip("/"):
        return "路径不规范"
    if len(part) > 1024:
        return "过长"
    return None


def _printable(part: str) -> str:
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in part)
    return text if len(text) <= 80 else text[:77] + "…"


def _maybe_sheet(part: str) -> bool:
    return part.endswith(".xml") and not part.startswith(("docProps/", "customXml/", "[")) and not any(
        word in part for word in ("/theme/", "/drawings/", "/charts/", "sharedStrings", "styles", "workbook.xml"))


def _looks_like_xml(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] == b"\x00<"


def _sum_note(total: int, own: int) -> str:
    return "" if own == total else f"（连同前面读取的工作表共 {total:,} 个）"


