"""Limits before parsing: what a workbook may hold is measured before calamine or openpyxl reads it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile import corpus

from xlreports.load import limits, xmlscan
from xlreports.load.limits import TEMPLATE, check_workbook
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input


def sheet_with(tmp_path: Path, rows_xml: str, dimension: str | None = None, name: str = "in.xlsx") -> Path:
    path = corpus.base_workbook(tmp_path / name)

    def change(xml: bytes) -> bytes:
        xml = corpus.add_cell(xml, rows_xml)
        return xml.replace(b'ref="A1:C2"', f'ref="{dimension}"'.encode()) if dimension else xml

    return corpus.rewrite(path, {corpus.SHEET1: change})


def test_real_workbooks_and_templates_pass(root, templates_dir):
    for path in sorted((root / "input").glob("*.xlsx")):
        assert check_workbook(path) is None, path.name
    for path in sorted(templates_dir.glob("*.xlsx")):
        assert check_workbook(path, profile=TEMPLATE) is None, path.name


@pytest.mark.parametrize("ref, rows, columns", [("XFD1048576", 1_048_576, 16_384), ("GZ1048576", 1_048_576, 208)])
def test_one_far_cell_is_refused_at_that_cell(tmp_path, ref, rows, columns):
    path = sheet_with(tmp_path, f'<row r="{rows}"><c r="{ref}"><v>1</v></c></row>')
    refusal = check_workbook(path)
    assert (refusal.sheet, refusal.cell) == ("项目", ref)
    assert f"{rows:,} 行 × {columns:,} 列" in refusal.message and "6,000,000" in refusal.message
    with pytest.raises(InputError) as raised:
        read_input(path, Problems())
    assert str(raised.value).startswith(f"项目!{ref}：工作表的使用范围到 {ref}")


def test_a_far_cell_of_a_sheet_that_is_not_read_is_left_alone(tmp_path):
    path = corpus.base_workbook(tmp_path / "in.xlsx", extra={"草稿": [["x"]]})
    path = corpus.rewrite(path, {"xl/worksheets/sheet3.xml": lambda xml: corpus.add_cell(
        xml, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')})
    assert check_workbook(path, lambda sheet: sheet != "草稿") is None
    assert check_workbook(path).sheet == "草稿"


def test_declared_dimension_is_checked(tmp_path):
    refusal = check_workbook(sheet_with(tmp_path, "", dimension="A1:XFD1048576"))
    assert refusal.cell == "XFD1048576" and "dimension" in refusal.message


# how calamine places cells without r, or written unusually: the scan must agree with calamine itself
PLACEMENTS = {
    "no r": '<row r="7"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>',
    "row without r": '<row><c r="D3"><v>1</v></c><c><v>2</v></c></row>',
    "single quotes": "<row r='40'><c r='AB40'><v>1</v></c></row>",
    "spaces around =": '<row r = "40"><c r = "K40"><v>1</v></c></row>',
    "newline before r": '<row\nr="40"><c\nr="K40"><v>1</v></c></row>',
    "empty cell far away": '<row r="900"><c r="Z900" s="0"/></row>',
    "inline rich text": '<row r="5"><c r="E5" t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr><t>x</t></r></is></c></row>',
}


@pytest.mark.parametrize("case", sorted(PLACEMENTS))
def test_extent_agrees_with_calamine(tmp_path, case):
    import python_calamine

    path = sheet_with(tmp_path, PLACEMENTS[case])
    with zipfile.ZipFile(path) as archive:
        scan = xmlscan.scan_sheet(lambda: archive.open(corpus.SHEET1), xmlscan.PartLimits(1 << 20, 1 << 20))
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("项目")
    bottom, right = sheet.end
    # the scan also counts a cell without a value (calamine skips it): it may only be larger
    assert (scan.rows, scan.columns) >= (bottom + 1, right + 1)
    if "empty" not in case:
        assert (scan.rows, scan.columns) == (bottom + 1, right + 1)


def test_fast_and_exact_scans_agree(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="B{r}"><v>1</v></c><c r="AC{r}" t="s"><v>0</v></c></row>' for r in range(3, 3000))
    path = sheet_with(tmp_path, rows)
    with zipfile.ZipFile(path) as archive:
        fast = xmlscan.scan_sheet(lambda: archive.open(corpus.SHEET1), xmlscan.PartLimits(1 << 24, 1 << 20))
        with archive.open(corpus.SHEET1) as stream:
            exact = xmlscan._exact_sheet(stream, False)
    assert (fast.rows, fast.columns, fast.cells) == (exact.rows, exact.columns, exact.cells) == (2999, 29, 6 + 2997 * 2)


@pytest.mark.parametrize("make, fragment", [
    (corpus.billion_laughs, "<!DOCTYPE>/<!ENTITY>"),
    (lambda p: corpus.xxe(p, Path("/etc/passwd")), "<!DOCTYPE>/<!ENTITY>"),
    (lambda p: corpus.with_shared_string(p, b"x", b"<!-- a comment before the root is fine -->"), None),
    (lambda p: corpus.with_shared_string(p, b"<![CDATA[x]]>"), "CDATA"),
    (lambda p: corpus.with_shared_string(p, b"x<?pi x?>"), "处理指令"),
    (corpus.huge_shared_string, "超过上限 1 MB"),
    (corpus.ratio_bomb, "压缩比 1,011:1，超过上限 250:1"),
])
def test_xml_and_zip_attacks_are_refused_before_any_parser(tmp_path, make, fragment):
    refusal = check_workbook(make(tmp_path / "in.xlsx"))
    if fragment is None:
        assert refusal is None
    else:
        assert fragment in refusal.message and "in.xlsx 中的部件" in refusal.message


def test_dtd_in_utf16_part_is_refused(tmp_path):
    doctype = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")
    path = corpus.rewrite(corpus.base_workbook(tmp_path / "in.xlsx"), {"docProps/app.xml": doctype})
    assert "<!DOCTYPE>/<!ENTITY>" in check_workbook(path).message


def test_whitespace_bomb_is_refused_by_its_declared_size(tmp_path):
    refusal = check_workbook(corpus.whitespace_bomb(tmp_path / "in.xlsx", 0.6))
    assert "sheet1.xml（工作表「项目」）解压后为 614 MB，超过上限 512 MB" in refusal.message


def test_a_zip_that_lies_about_a_size_is_read_as_it_is(tmp_path):
    refusal = check_workbook(corpus.whitespace_bomb(tmp_path / "in.xlsx", 0.01, lie=True))
    assert "连续文字或空白" in refusal.message and "工作表「项目」" in refusal.message
    path = corpus.write_zip(tmp_path / "lie.xlsx", corpus.parts_of(corpus.base_workbook(tmp_path / "ok.xlsx")),
                            {"docProps/app.xml": 10})
    assert "声明解压后为 10 字节，实际为" in check_workbook(path).message


def test_long_text_used_by_many_cells_is_refused(tmp_path):
    path = corpus.huge_shared_string(tmp_path / "in.xlsx", 100_000)
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "DEFGHIJKLM") + "</row>"
                   for r in range(3, 600))
    corpus.rewrite(path, {corpus.SHEET1: lambda xml: corpus.add_cell(xml, rows)})
    refusal = check_workbook(path)
    assert refusal.sheet == "项目" and "同一段长文字被许多单元格重复引用" in refusal.message


@pytest.mark.parametrize("name, reason", [("../evil.xml", "含有 .."), ("/etc/x.xml", "是绝对路径"),
                                          ("xl\\x.xml", "含有反斜杠"), ("xl/a\x07.xml", "含有控制字符")])
def test_odd_part_names_are_refused(tmp_path, name, reason):
    path = corpus.base_workbook(tmp_path / "in.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"<x/>")
    assert reason in check_workbook(path).message


def test_template_profile_bounds_merged_cells(tmp_path):
    path = sheet_with(tmp_path, "")
    corpus.rewrite(path, {corpus.SHEET1: lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A3:Z100000"/></mergeCells>')})
    assert check_workbook(path) is None
    refusal = check_workbook(path, profile=TEMPLATE)
    assert "合并单元格共覆盖 2,599,948 个单元格" in refusal.message


def test_grid_check_after_calamine():
    assert limits.check_grid("项目", (0, 0), 100_000, 30) is None
    refusal = limits.check_grid("项目", (5, 0), 1_048_571, 30)
    assert (refusal.sheet, refusal.cell) == ("项目", "AD1048576")


def test_sizes_read_as_people_read_them():
    assert [limits.size(n) for n in (10, 1536, 512 << 20, 4 << 30)] == ["10 字节", "1.5 KB", "512 MB", "4 GB"]


def test_a_sheet_whose_part_is_not_where_it_is_said_to_be_gets_every_part_measured(tmp_path):
    path = sheet_with(tmp_path, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    corpus.rewrite(path, {"xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
        b"/xl/worksheets/sheet1.xml", b"/xl/worksheets/SHEET1.xml").replace(b"worksheets/sheet1.xml", b"worksheets/SHEET1.xml")})
    refusal = check_workbook(path, lambda sheet: sheet == "项目")
    assert refusal is not None and "XFD1048576" in refusal.message


def test_an_unreadable_workbook_part_is_refused(tmp_path):
    path = corpus.rewrite(corpus.base_workbook(tmp_path / "in.xlsx"), {"xl/workbook.xml": b"<workbook><sheets>"})
    assert "xl/workbook.xml 无法解析" in check_workbook(path).message


def test_a_far_cell_of_a_binary_workbook_is_refused(tmp_path):
    refusal = check_workbook(corpus.xlsb_far_cell(tmp_path / "in.xlsb"))
    assert refusal.cell == "XFD1048576" and "1,048,576 行 × 16,384 列" in refusal.message
    assert check_workbook(corpus.xlsb_far_cell(tmp_path / "ok.xlsb", 99_999, 29)) is None


def test_repeated_cells_of_an_ods_are_multiplied_out_as_calamine_does(tmp_path):
    import python_calamine

    small = corpus.ods_repeated(tmp_path / "small.ods", 2_000, 30)
    assert check_workbook(small) is None
    sheet = python_calamine.CalamineWorkbook.from_path(str(small)).get_sheet_by_name("项目")
    assert (sheet.height, sheet.width) == (2_001, 30)  # the trailing empty repeats cost nothing
    refusal = check_workbook(corpus.ods_repeated(tmp_path / "bomb.ods", 1_048_575, 16_384))
    assert (refusal.sheet, refusal.cell) == ("项目", "XFD1048576")


def test_corrupt_compressed_data_is_a_located_refusal(tmp_path):
    path = corpus.base_workbook(tmp_path / "in.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(corpus.SHEET1)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    assert "无法读取（文件已损坏" in check_workbook(path).message
