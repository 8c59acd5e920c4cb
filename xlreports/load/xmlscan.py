"""Streaming measurements of the XML parts of a workbook, in bounded memory, before any parser sees them.

Every part is read in chunks straight from the zip; nothing keeps more than one chunk.  What is
measured is what costs memory in the real readers:

* the uncompressed size (counted, not taken from the zip's directory, which can lie);
* the longest run of bytes between two tags (one cell's text, an attribute, a run of whitespace):
  calamine's XML reader keeps such a run in memory whole;
* a document type declaration (``<!DOCTYPE``/``<!ENTITY``: entity expansion, external entities),
  comments, CDATA sections and processing instructions, none of which Excel writes;
* for a worksheet: the cells with content, and the extent — the last row and column a cell is at.

The worksheet scan is a few byte counts and one regular expression per chunk, exact for the way every
spreadsheet program writes a sheet (every ``<c>`` and ``<row>`` with an ``r="…"`` attribute).  When the
counts do not add up (cells without ``r``, another namespace prefix, odd quoting), the sheet is read
again with expat, which places cells the way calamine does.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

CHUNK = 1 << 20
HEAD = 64 * 1024

_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)"')
_SHARED_VALUE = re.compile(rb't="s"[^>]*>\s*<v>(\d+)</v>')
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="([A-Za-z0-9:$]+)"')
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


class Malformed(Exception):
    """A part that is not plain XML as a spreadsheet program writes it; ``str`` is a Chinese reason."""


class TooLarge(Exception):
    """A measured value over its limit."""

    def __init__(self, what: str, value: int, limit: int, cell: str | None = None) -> None:
        super().__init__(what)
        self.what, self.value, self.limit, self.cell = what, value, limit, cell


@dataclass
class PartLimits:
    part_bytes: int
    text_bytes: int


@dataclass
class SheetScan:
    """What one worksheet holds: cells with content and the last row and column (1-based)."""

    cells: int = 0
    rows: int = 0
    columns: int = 0
    shared_cells: int = 0  # cells of type "s" (an index into the shared strings)
    declared: str | None = None  # the <dimension ref="…"> as written
    shared_indexes: list[int] | None = None  # filled only when asked for (see shared_text)
    merged: int = 0  # cells covered by merged ranges (openpyxl makes an object of each)
    size: int = 0  # bytes, uncompressed


@dataclass
class SharedScan:
    count: int = 0
    lengths: array = field(default_factory=lambda: array("I"))  # an upper bound of each string's bytes

    @property
    def longest(self) -> int:
        return max(self.lengths, default=0)


def column_number(letters: bytes | str) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    number = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + (ord(ch) - 64)
    return number


def merged_area(ref: tuple[bytes, bytes, bytes, bytes]) -> int:
    """Cells of a merged range ``(left letters, top digits, right letters, bottom digits)``."""
    left, top, right, bottom = ref
    rows = abs(_number(bottom) - _number(top)) + 1
    return rows * (abs(column_number(right[:4]) - column_number(left[:4])) + 1)


def _number(digits: bytes) -> int:
    """A row number; one of more than 9 digits (a hostile file's) counts as 10⁹."""
    digits = digits.lstrip(b"0") or b"0"
    return int(digits) if len(digits) <= 9 else 10**9


def check_head(head: bytes) -> int:
    """Where the root element starts in the first chunk of a part.

    Refused: a document type declaration (or anything but comments and the XML declaration) before
    the root element, another encoding than UTF-8, no root element in the first chunk.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        if re.search("<!(?:DOCTYPE|ENTITY)", head.decode("utf-16", "replace")):
            raise Malformed(_DTD)
        raise Malformed("不是 UTF-8 编码（Excel 保存的文件都是 UTF-8）")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        start = head.find(b"<", pos)
        if start == -1 or head[pos:start].strip():
            if not head.strip():
                raise Malformed("是空的（没有 XML 元素）")
            raise Malformed(f"开头 {HEAD // 1024} KB 内没有 XML 元素")
        if head.startswith(b"<?", start):
            close = b"?>"
        elif head.startswith(b"<!--", start):
            close = b"-->"
        elif head.startswith(b"<!", start):
            raise Malformed(_DTD)
        else:
            return start
        end = head.find(close, start)
        if end == -1:
            raise Malformed(f"开头 {HEAD // 1024} KB 内没有 XML 元素")
        pos = end + len(close)


_DTD = "含有文档类型声明（<!DOCTYPE>/<!ENTITY>），可能是 XML 实体攻击（实体展开或读取外部文件）"


def scan_part(stream: BinaryIO, limits: PartLimits, counter=None, strict: bool = True) -> int:
    """Read a whole part, refusing DTDs, an oversize part or an oversize run between tags; its size.

    ``counter(data)`` is called with the part from its root element on, in pieces that each end
    just before a ``<`` (so that no tag is cut in two).  ``strict`` also refuses comments, CDATA and
    processing instructions (for the parts calamine reads, which keeps each whole in memory).
    """
    head = stream.read(HEAD)
    root = check_head(head)
    total, run = len(head), 0
    carry = b""
    chunk = head[root:]
    while chunk:
        lt = chunk.find(b"<")
        if lt == -1:
            run += len(chunk)
            if run > limits.text_bytes:
                raise TooLarge("text", run, limits.text_bytes)
            carry += chunk
        else:
            if run + lt > limits.text_bytes:
                raise TooLarge("text", run + lt, limits.text_bytes)
            last = chunk.rfind(b"<")
            run = len(chunk) - last
            _pass(carry + chunk[:last], counter, strict)
            carry = chunk[last:]
        chunk = stream.read(CHUNK)
        total += len(chunk)
        if total > limits.part_bytes:
            raise TooLarge("part", total, limits.part_bytes)
    _pass(carry, counter, strict)
    return total


def _pass(data: bytes, counter, strict: bool = True) -> None:
    if b"<!" in data:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise Malformed(_DTD)
        if strict:
            raise Malformed("含有 XML 注释或 CDATA 段（Excel 保存的文件中不会有）")
    if strict and b"<?" in data:
        raise Malformed("含有 XML 处理指令（Excel 保存的文件中不会有）")
    if counter is not None and data:
        counter(data)


def scan_sheet(open_part, limits: PartLimits, want_shared: bool = False) -> SheetScan:
    """Measure a worksheet; ``open_part()`` gives a fresh stream of it (called again for expat)."""
    with open_part() as stream:
        fast = _FastSheet(want_shared)
        measured = scan_part(stream, limits, fast.count)
    if fast.consistent():
        scan = fast.result()
    else:
        with open_part() as stream:
            scan = _exact_sheet(stream, want_shared)
    scan.size = measured
    return scan


class _FastSheet:
    """Byte counts inside ``<sheetData>`` (where the only tags starting ``<c`` and ``<row`` are cells
    and rows), one regular expression for the ``r="…"`` of both, and the merged ranges after it."""

    def __init__(self, want_shared: bool) -> None:
        self.prefix: bytes | None = None
        self.state = 0  # 0 before <sheetData>, 1 inside, 2 after
        self.want_shared = want_shared
        self.cell_tags = self.row_tags = self.closed = 0
        self.cell_refs = self.row_refs = 0
        self.rows = self.columns = 0
        self.declared: str | None = None
        self.merged = 0
        self.indexes: list[int] = []
        self.shared = 0

    def count(self, data: bytes) -> None:
        if self.prefix is None:  # the first piece starts with the root element
            root = _ROOT.match(data)
            self.prefix = (root.group(1) or b"") if root else b""
        p = self.prefix
        if self.state == 0:
            start = data.find(b"<" + p + b"sheetData")
            if start == -1:
                self._dimension(data)
                return
            self._dimension(data[:start])
            empty = data.startswith(b"/", start + len(p) + 10)
            data, self.state = data[start:], 2 if empty else 1
        if self.state == 1:
            end = data.find(b"</" + p + b"sheetData")
            if end != -1:
                self._cells(data[:end])
                data, self.state = data[end:], 2
            else:
                self._cells(data)
        if self.state == 2:
            self.merged += sum(map(merged_area, _MERGE.findall(data)))

    def _dimension(self, data: bytes) -> None:
        dimension = _DIMENSION.search(data)
        if dimension:
            self.declared = dimension.group(1).decode("ascii")

    def _cells(self, data: bytes) -> None:
        p = self.prefix
        self.cell_tags += data.count(b"<" + p + b"c")
        self.row_tags += data.count(b"<" + p + b"row")
        self.closed += data.count(b"</" + p + b"c>")
        cells, rows, last_row, last_column = _references(data)
        self.cell_refs += cells
        self.row_refs += rows
        self.rows = max(self.rows, last_row)
        self.columns = max(self.columns, last_column)
        if self.want_shared:
            self.shared += data.count(b't="s"')
            self.indexes.extend(int(i) for i in _SHARED_VALUE.findall(data))

    def consistent(self) -> bool:
        return (self.state == 2 and self.cell_tags == self.cell_refs and self.row_tags == self.row_refs
                and (not self.want_shared or len(self.indexes) == self.shared))

    def result(self) -> SheetScan:
        return SheetScan(self.closed, self.rows, self.columns, self.shared, self.declared,
                         self.indexes if self.want_shared else None, self.merged)


_WINDOW = 16  # bytes read after r=": up to 4 letters, 10 digits and the closing quote


def _references(data: bytes) -> tuple[int, int, int, int]:
    """The ``r="…"`` attributes of a piece of ``<sheetData>``, vectorised: how many are cell references
    (``AB12``) and how many row numbers (``12``), the last row and the last column they name.

    A reference that is neither (lower case, a leading zero, too long) counts as neither, so that the
    counts do not add up and the sheet is read with expat instead.
    """
    import numpy as np  # deferred: pandas brings it, only a workbook check needs it

    raw = np.frombuffer(data + b"\0" * _WINDOW, dtype=np.uint8)
    r = np.flatnonzero(raw[1:len(data) - 3] == ord("r")) + 1
    r = r[(raw[r - 1] == ord(" ")) & (raw[r + 1] == ord("=")) & (raw[r + 2] == ord('"'))]
    if not len(r):
        return 0, 0, 0, 0
    span = np.arange(_WINDOW)
    window = raw[(r + 3)[:, None] + span]
    letters = ((window >= 65) & (window <= 90)).argmin(axis=1)  # the first position that is not a letter
    end = (((window < 48) | (window > 57)) & (span >= letters[:, None])).argmax(axis=1)
    each = np.arange(len(r))
    digits = end - letters
    valid = ((letters <= 4) & (digits >= 1) & (digits <= 10) & (window[each, end] == ord('"'))
             & (window[each, np.minimum(letters, _WINDOW - 1)] != ord("0")))
    cells = valid & (letters > 0)
    return (int(cells.sum()), int((valid & (letters == 0)).sum()),
            _largest(window, letters, np.where(valid, digits, 0), 48, 10),
            _largest(window, np.zeros_like(letters), np.where(cells, letters, 0), 64, 26))


def _largest(window, starts, lengths, zero: int, base: int) -> int:
    """The largest number written from ``starts`` over ``lengths`` bytes (digits, or letters A=1…)."""
    import numpy as np

    longest = int(lengths.max())
    if not longest:
        return 0
    rows = np.flatnonzero(lengths == longest)
    picked = window[rows[:, None], starts[rows][:, None] + np.arange(longest)].astype(np.int64) - zero
    return int((picked @ (base ** np.arange(longest - 1, -1, -1, dtype=np.int64))).max())


def _exact_sheet(stream: BinaryIO, want_shared: bool) -> SheetScan:
    """Place every cell the way calamine does: its ``r``, else one right of the previous cell."""
    scan = SheetScan(shared_indexes=[] if want_shared else None)
    state = {"row": 0, "col": 0, "in_cell": False, "shared": False, "value": None, "content": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            r = attrs.get("r")
            state["row"] = _number(r.encode()) if r and r.isdigit() else state["row"] + 1
            state["col"] = 0
            scan.rows = max(scan.rows, state["row"])
        elif local == "c":
            written = attrs.get("r")
            ref = re.fullmatch(r"\$?([A-Za-z]{1,4})\$?0*(\d{1,9})", written or "")
            if written and not ref:
                raise Malformed(f"有无效的单元格地址 r=\"{written[:20]}\"")
            if ref:
                state["col"] = column_number(ref.group(1).upper())
                row = _number(ref.group(2).encode())
            else:
                state["col"] += 1
                row = state["row"]
            scan.rows = max(scan.rows, row)
            scan.columns = max(scan.columns, state["col"])
            state.update(in_cell=True, shared=attrs.get("t") == "s", content=False)
        elif local == "v" and state["in_cell"]:
            state["value"] = []
            state["content"] = True
        elif local == "dimension" and scan.declared is None:
            scan.declared = attrs.get("ref")
        elif local == "mergeCell":
            merge = _MERGE.match(f'<mergeCell ref="{attrs.get("ref", "")}"'.encode())
            if merge:
                scan.merged += merged_area(merge.groups())
        elif state["in_cell"]:
            state["content"] = True

    def end(name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "c":
            scan.cells += state["content"]
            state["in_cell"] = False
        elif local == "v" and state["value"] is not None:
            text = "".join(state["value"]).strip()
            if state["shared"]:
                scan.shared_cells += 1
                if want_shared and text.isdigit():
                    scan.shared_indexes.append(int(text))
            state["value"] = None

    def chars(data: str) -> None:
        if state["value"] is not None and len(state["value"]) < 64:
            state["value"].append(data)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Malformed(f"不是有效的 XML（第 {exc.lineno} 行第 {exc.offset + 1} 列）") from None
    return scan


def scan_shared_strings(stream: BinaryIO, limits: PartLimits) -> SharedScan:
    """Count the shared strings and bound the length of each (the bytes from one ``<si>`` to the next)."""
    result = SharedScan()
    state = {"offset": 0, "last": None}

    def count(data: bytes) -> None:
        base = state["offset"]
        for match in _SI.finditer(data):
            pos = base + match.start()
            if state["last"] is not None:
                result.lengths.append(min(pos - state["last"], 0xFFFFFFFF))
            state["last"] = pos
        state["offset"] = base + len(data)

    scan_part(stream, limits, count)
    if state["last"] is not None:
        result.lengths.append(min(state["offset"] - state["last"], 0xFFFFFFFF))
    result.count = len(result.lengths)
    return result
