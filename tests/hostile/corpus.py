"""Hostile and broken files, each built by code in a temporary folder (nothing binary is checked in).

A case starts from a small, valid input workbook (made with openpyxl) and rewrites one of its parts,
or it is a template, a folder layout or a command line.  The big ones are cheap to make: 4 GB of
spaces are one deflate block of 1 MiB of spaces repeated 4,096 times (each block ends with a full
flush, so it does not depend on what came before), written into a zip by hand with ZIP64 sizes.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_HEADER = ["项目名称", "资金需求（万元）", "总体绩效目标"]
INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
ALLOCATION_HEADER = ["项目名称", "地市", "资金投入方向", "金额（万元）"]
SHEET1 = "xl/worksheets/sheet1.xml"  # 「项目」
SHARED = "xl/sharedStrings.xml"
MIB = 1 << 20


@dataclass
class Case:
    """A command to run in ``folder`` and what its output must say."""

    name: str
    folder: Path
    args: list[str]
    inputs: list[Path]
    expect: list[str]  # fragments of the output (all of them)
    exit_code: int = 1
    output: str = "out"  # the only folder the command may write into
    forbidden: list[str] = field(default_factory=list)  # fragments that must not appear


def base_workbook(path: Path, projects=None, indicators=None, extra: dict | None = None) -> Path:
    """A valid input workbook: 「项目」 first (sheet1.xml), 「指标」 second."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheets = {"项目": [PROJECT_HEADER, *(projects or [["甲项目", 100, "目标甲"]])],
              "指标": [INDICATOR_HEADER, *(indicators or [["甲项目", "产出指标", "数量指标", "培训次数", "≥2次"]])],
              **(extra or {})}
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def rewrite(path: Path, changes: dict[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """Rewrite parts of a zip in place: new bytes, or a function of the old ones."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, change in changes.items():
        parts[name] = change(parts[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def add_cell(xml: bytes, row_xml: str) -> bytes:
    """Add a ``<row>`` at the end of a sheet's ``<sheetData>``."""
    return xml.replace(b"</sheetData>", row_xml.encode() + b"</sheetData>")


def set_cell_value(xml: bytes, ref: str, value: str) -> bytes:
    """Replace the number stored in cell ``ref`` (a numeric cell written by openpyxl)."""
    import re

    pattern = re.compile(rb'(<c r="' + ref.encode() + rb'"[^>]*?)(?: t="\w+")?(>)<v>[^<]*</v>')
    new, count = pattern.subn(lambda m: m.group(1) + m.group(2) + b"<v>" + value.encode() + b"</v>", xml)
    assert count == 1, f"{ref} not found"
    return new


# --- deflate streams made of repeated blocks -----------------------------------------------------

def _deflated(data: bytes) -> bytes:
    """``data`` as raw deflate ending with a full flush (byte-aligned, no back-references)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _final_block() -> bytes:
    return zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


@dataclass
class Stream:
    """A part given as deflate pieces, with its CRC and size computed as it is written."""

    head: bytes
    filler: bytes  # repeated ``times`` times
    times: int
    tail: bytes

    def pieces(self) -> Iterator[tuple[bytes, bytes]]:
        """(uncompressed, compressed) pieces; the filler's compressed form is computed once."""
        yield self.head, _deflated(self.head)
        block = _deflated(self.filler)
        for _ in range(self.times):
            yield self.filler, block
        yield self.tail, _deflated(self.tail) + _final_block()


def write_zip(path: Path, parts: dict[str, bytes | Stream], declared: dict[str, int] | None = None) -> Path:
    """A zip with ZIP64 sizes, written by hand; ``declared`` overrides a part's size in its headers
    (a zip that lies about what it holds)."""
    declared = declared or {}
    entries = []
    with path.open("wb") as out:
        for name, content in parts.items():
            stream = content if isinstance(content, Stream) else Stream(content, b"", 0, b"")
            offset = out.tell()
            encoded = name.encode()
            # local header with a ZIP64 extra field; sizes and CRC follow in a data descriptor
            extra = struct.pack("<HHQQ", 1, 16, 0, 0)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0x08, 8, 0, 0x21, 0, 0xFFFFFFFF, 0xFFFFFFFF,
                                  len(encoded), len(extra)) + encoded + extra)
            crc, size, compressed = 0, 0, 0
            for plain, packed in stream.pieces():
                crc = zlib.crc32(plain, crc)
                size += len(plain)
                compressed += len(packed)
                out.write(packed)
            size = declared.get(name, size)
            out.write(struct.pack("<IIQQ", 0x08074B50, crc, compressed, size))
            entries.append((encoded, crc, compressed, size, offset))
        start = out.tell()
        for encoded, crc, compressed, size, offset in entries:
            extra = struct.pack("<HHQQQ", 1, 24, size, compressed, offset)
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0x08, 8, 0, 0x21, crc, 0xFFFFFFFF,
                                  0xFFFFFFFF, len(encoded), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + encoded + extra)
        end = out.tell()
        out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                              end - start, start))
        out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    return path


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def whitespace_bomb(path: Path, gigabytes: float, lie: bool = False) -> Path:
    """``gigabytes`` of spaces inside 「项目」's ``<sheetData>``; with ``lie`` the zip declares 10 KB."""
    parts = parts_of(base_workbook(path))
    sheet = parts[SHEET1]
    cut = sheet.index(b"</sheetData>")
    times = int(gigabytes * 1024)
    parts[SHEET1] = Stream(sheet[:cut], b" " * MIB, times, sheet[cut:])
    return write_zip(path, parts, {SHEET1: 10_000} if lie else None)


def ratio_bomb(path: Path) -> Path:
    """A 64 MiB part of zeros that is never read, compressed about 1,000 to 1."""
    parts = parts_of(base_workbook(path))
    parts["xl/media/image1.bin"] = Stream(b"", b"\0" * MIB, 64, b"")
    return write_zip(path, parts)


BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>")
_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_string(path: Path, text: bytes, prolog: bytes = b"") -> Path:
    """「项目」!C2 (总体绩效目标) as a shared string ``text`` (raw XML content of its ``<t>``)."""
    base_workbook(path)
    sst = (b'<?xml version="1.0" encoding="UTF-8"?>\n' + prolog
           + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           + b"<si><t>" + text + b"</t></si></sst>")
    return rewrite(path, {
        SHARED: sst,
        SHEET1: lambda xml: xml.replace(b'<c r="C2" t="inlineStr"><is><t>\xe7\x9b\xae\xe6\xa0\x87\xe7\x94\xb2</t></is></c>',
                                        b'<c r="C2" t="s"><v>0</v></c>'),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
            b"</Relationships>", f'<Relationship Id="rIdS" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
            .encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda xml: xml.replace(
            b"</Types>", f'<Override PartName="/{SHARED}" ContentType="{_SST}"/>'.encode() + b"</Types>"),
    })


def billion_laughs(path: Path) -> Path:
    """Entities that expand to 10⁹ ``lol``s, in the shared string of a cell."""
    return with_shared_string(path, b"&lol9;", BILLION_LAUGHS)


def xxe(path: Path, secret: Path) -> Path:
    """An external entity that would read ``secret`` into a cell."""
    return with_shared_string(path, b"&xxe;", f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode())


def huge_shared_string(path: Path, size: int = 2 * MIB) -> Path:
    """One shared string (a cell's text) of ``size`` bytes that does not compress (so that no ratio
    gives it away): Excel's own limit is 32,767 characters."""
    import hashlib

    text = b"".join(hashlib.sha256(b"%d" % i).hexdigest().encode() for i in range(size // 64 + 1))
    return with_shared_string(path, text[:size])


def too_many_cells(path: Path, rows: int = 1_048_576, columns: int = 5) -> Path:
    """``rows`` × ``columns`` numeric cells (5.2 million): inside the area limit, over the cell limit."""
    parts = parts_of(base_workbook(path))
    sheet = parts[SHEET1]
    cut = sheet.index(b"</sheetData>")
    letters = "ABCDE"[:columns]
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = []
    for start in range(3, rows + 1, 50_000):
        chunk = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
                        for r in range(start, min(start + 50_000, rows + 1))).encode()
        body.append((chunk, compressor.compress(chunk)))
    body.append((b"", compressor.flush(zlib.Z_FULL_FLUSH)))

    class Cells(Stream):
        def pieces(self):
            yield self.head, _deflated(self.head)
            yield from body
            yield self.tail, _deflated(self.tail) + _final_block()

    parts[SHEET1] = Cells(sheet[:cut], b"", 0, sheet[cut:])
    return write_zip(path, parts)
