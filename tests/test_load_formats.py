"""Inputs as they arrive: .xlsx, .xls, .xlsb and .ods read alike; the input folder's other files named."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from libreoffice import save_as
from openpyxl import load_workbook

from xlreports.build import build, find_inputs
from xlreports.load.ods_parts import OdsParts
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

SAMPLE_2020 = "2020年度工业和信息化预留资金.xlsx"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_cell(value=None, rows=1, cols=1, percent=False, repeat=1) -> str:
    """One ``table:table-cell`` of a hand-written OpenDocument sheet."""
    attrs = ""
    if rows > 1 or cols > 1:
        attrs += f' table:number-rows-spanned="{rows}" table:number-columns-spanned="{cols}"'
    if repeat > 1:
        attrs += f' table:number-columns-repeated="{repeat}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(value)}</text:p></table:table-cell>'
    kind = "percentage" if percent else "float"
    return f'<table:table-cell office:value-type="{kind}" office:value="{value}"{attrs}><text:p>{value}</text:p></table:table-cell>'


COVERED = "<table:covered-table-cell/>"
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>")


def write_ods(path: Path, sheets: dict[str, list[str]]) -> Path:
    """An ``.ods`` file whose sheets are rows of cell XML (as an office application writes them)."""
    tables = "".join(f'<table:table table:name="{name}">{"".join(rows)}</table:table>' for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
    return path


def row(*cells: str, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


HEADER = row(ods_cell("项目名称"), ods_cell("资金使用单位"), ods_cell("资金需求"), ods_cell("总体绩效目标"))


def test_ods_merged_labels_apply_to_each_row_and_percentages_read_as_written(tmp_path):
    path = write_ods(tmp_path / "单位.ods", {"项目": [
        row(ods_cell("标题", cols=4), COVERED, COVERED, COVERED),  # a title merged across, above the header
        row(ods_cell(None), repeat=2),
        HEADER,
        row(ods_cell("甲"), ods_cell("工信厅", rows=2), ods_cell(125), ods_cell(0.9, percent=True)),
        row(ods_cell("乙"), COVERED, ods_cell(65), ods_cell("目标乙")),
        row(ods_cell("丙"), ods_cell("协会"), ods_cell(7), ods_cell(None, repeat=1020)),
        row(ods_cell(None, repeat=1024), repeat=1048570),
    ]})
    parts = OdsParts.open(path)
    assert parts.merges("项目") == [(0, 0, 0, 3), (4, 1, 5, 1)]
    assert parts.percent_cells("项目", {(4, 3), (5, 3)}) == {(4, 3)}
    problems = Problems()
    data = read_input(path, problems)
    assert [(p.name, p.unit, p.amount, p.overview) for p in data.projects] == [
        ("甲", "工信厅", 125, "90%"), ("乙", "工信厅", 65, "目标乙"), ("丙", "协会", 7, None)]
    assert [p.row for p in data.projects] == [5, 6, 7]
    assert not problems.errors and not problems.warnings


def test_ods_amount_merged_over_rows_is_refused(tmp_path):
    path = write_ods(tmp_path / "合并.ods", {"项目": [
        HEADER,
        row(ods_cell("甲"), ods_cell("工信厅"), ods_cell(150, rows=3), ods_cell("目标")),
        row(ods_cell("乙"), ods_cell("工信厅"), COVERED, ods_cell("目标")),
        row(ods_cell("丙"), ods_cell("协会"), COVERED, ods_cell("目标")),
    ]})
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    assert [p.location for p in problems.errors] == ["项目!C2:C4"]


def test_files_are_told_by_content_not_by_name(tmp_path, workbook):
    plain = workbook({"项目": [["项目名称", "资金需求"], ["甲", 1]]})
    renamed = tmp_path / "其实是xlsx.xls"
    shutil.copy(plain, renamed)
    assert [p.amount for p in read_input(renamed).projects] == [1]
    ods = write_ods(tmp_path / "其实是ods.xlsx", {"项目": [row(ods_cell("项目名称"), ods_cell("资金需求")),
                                                          row(ods_cell("甲"), ods_cell(2))]})
    assert [p.amount for p in read_input(ods).projects] == [2]


def test_the_input_folder_lists_every_spreadsheet_and_names_what_it_skips(tmp_path):
    folder = tmp_path / "input"
    folder.mkdir()
    for name in ("a.xlsx", "b.XLSM", "c.xls", "d.xlsb", "e.ods", "~$a.xlsx", ".hidden.xlsx", "f.csv", "g.et",
                 "说明.txt", "c.xlsx"):
        (folder / name).write_bytes(b"")
    (folder / "旧版").mkdir()
    listing = find_inputs(folder)
    assert [p.name for p in listing.workbooks] == ["a.xlsx", "b.XLSM", "c.xls", "d.xlsb", "e.ods"]
    assert [(p.name, reason) for p, reason in listing.skipped] == [
        (".hidden.xlsx", "隐藏文件"),
        ("c.xlsx", "与 c.xls 同名（不同的文件类型），两者的表格会写入同一个文件夹，请改名后再试"),
        ("f.csv", "CSV 文本文件不是工作簿，请在 Excel 或 WPS 中打开并另存为 .xlsx"),
        ("g.et", "WPS 表格 (.et) 文件无法读取，请在 WPS 中“另存为” .xlsx"),
        ("~$a.xlsx", "Excel 或 WPS 打开工作簿时留下的锁定文件，不是工作簿"),
        ("说明.txt", "不是工作簿（读取的文件类型：.xlsx、.xlsm、.xls、.xlsb、.ods）"),
    ]


def output_cells(folder: Path) -> dict[tuple[str, str, str], tuple[object, object]]:
    """Every non-empty cell of every output file under ``folder``: (value or formula, cached result)."""
    cells = {}
    for path in sorted(folder.rglob("*.xlsx")):
        results = load_workbook(path, data_only=True)
        for sheet in load_workbook(path):
            for line in sheet.iter_rows():
                for cell in line:
                    if cell.value is not None:
                        result = results[sheet.title][cell.coordinate].value
                        cells[(str(path.relative_to(folder)), sheet.title, cell.coordinate)] = (cell.value, result)
    return cells


def test_the_2020_sample_saved_as_ods_and_xls_builds_the_same_figures(root, tmp_path, libreoffice):
    source = root / "input" / SAMPLE_2020
    expected_report = build(source, tmp_path / "xlsx", root / "templates")
    assert not expected_report.failed
    expected = output_cells(tmp_path / "xlsx")
    assert len(expected_report.outputs) == 6 and len(expected) > 1000
    arrangement = "2020年度工业和信息化预留资金/经费安排表.xlsx"
    assert expected[(arrangement, "经费安排表", "D13")] == (300, 300)  # 阿里云峰会, as in the sample
    assert expected[(arrangement, "经费安排表", "C6")] == (2519, 2519)
    for target in ("ods", "xls:MS Excel 97"):
        saved = save_as(source, tmp_path / "saved", target)
        report = build(saved, tmp_path / saved.suffix[1:], root / "templates")
        assert not report.failed, [str(p) for p in report.problems]
        assert [str(p) for p in report.problems] == [str(p) for p in expected_report.problems]
        assert output_cells(tmp_path / saved.suffix[1:]) == expected, target


def test_merged_amount_and_percentages_survive_a_save_as_ods_and_xls(root, tmp_path, libreoffice):
    source = tmp_path / SAMPLE_2020
    shutil.copy(root / "input" / SAMPLE_2020, source)
    book = load_workbook(source)
    projects = book["项目"]
    projects["C9"] = projects["C10"] = None
    projects.merge_cells("C8:C10")
    overview = projects["E2"]
    overview.value, overview.number_format = 0.9, "0%"
    book.save(source)
    for target, percent in (("ods", None), ("xls:MS Excel 97", "项目!E2：这种文件格式无法识别百分比格式")):
        problems = Problems()
        with pytest.raises(InputError):
            read_input(save_as(source, tmp_path / "saved", target), problems)
        assert [p.location for p in problems.errors] == ["项目!C8:C10"], target
        assert [str(p)[:len(percent)] for p in problems.warnings if "百分比" in p.message] == ([percent] if percent else [])


@pytest.mark.slow
def test_build_without_arguments_names_the_workbooks_and_every_file_it_skips(tmp_path, workbook):
    from test_cli import run

    folder = tmp_path / "input"
    folder.mkdir()
    write_ods(folder / "甲.ods", {
        "项目": [row(*map(ods_cell, ["项目名称", "资金需求", "总体绩效目标"])), row(ods_cell("甲"), ods_cell(1), ods_cell("目标"))],
        "指标": [row(*map(ods_cell, ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])),
                 row(*map(ods_cell, ["甲", "产出指标", "数量指标", "场次", "1场"]))],
    })
    (folder / "~$甲.xlsx").write_bytes(b"lock")
    (folder / "数据.csv").write_text("项目名称,资金需求\n甲,1\n", encoding="utf-8")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "跳过 input/~$甲.xlsx：Excel 或 WPS 打开工作簿时留下的锁定文件，不是工作簿",
        "跳过 input/数据.csv：CSV 文本文件不是工作簿，请在 Excel 或 WPS 中打开并另存为 .xlsx",
        "input/ 中有 1 个工作簿：甲.ods",
    ]
    assert (tmp_path / "output" / "甲" / "绩效目标表.xlsx").exists()
