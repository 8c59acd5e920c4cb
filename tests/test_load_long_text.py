"""Texts longer than an Excel cell holds (32,767 characters): refused with their cell, never cut."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_cli import run
from test_load_formats import ods_cell, row, write_ods

from xlreports.build import build
from xlreports.load.xlsx_parts import MAX_CELL_TEXT
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

PLACEHOLDER = "LONG-TEXT-PLACEHOLDER"
SAMPLE_2021 = "2021年度战略性产业集群产业链支撑资金.xlsx"


def put_long_text(path: Path, text: str) -> Path:
    """Replace the placeholder cell text inside the file's XML, as a program that ignores Excel's limit would.

    openpyxl and xlsxwriter both cut a text at the limit when they write it, so the text goes in raw.
    """
    copy = path.with_name("raw-" + path.name)
    shutil.move(path, copy)
    with zipfile.ZipFile(copy) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace(PLACEHOLDER.encode(), text.encode()))
    copy.unlink()
    return path


def errors_of(path: Path) -> list[str]:
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    return [str(p) for p in problems.errors]


def too_long(cell: str, length: int) -> str:
    return (f"{cell}：文字长度 {length:,} 个字符，超过 Excel 单元格的上限 32,767 个字符，表格中无法完整写入："
            "请缩短到 32,767 个字符以内")


def test_the_limit_is_excels():
    assert MAX_CELL_TEXT == 32767


def test_a_text_over_the_limit_is_an_error_naming_its_cell_and_length(workbook):
    path = workbook({"文件信息": [["字段", "值"], ["资金名称", "资金"], ["标题", PLACEHOLDER]],
                     "项目": [["项目名称", "资金需求", "支出内容"], ["甲", 1, "短"], ["乙", 2, PLACEHOLDER]]})
    put_long_text(path, "支出" * 20000)
    assert len(load_workbook(path)["项目"]["C3"].value) == 40000  # the file really holds them all
    assert errors_of(path) == [too_long("文件信息!B3", 40000), too_long("项目!C3", 40000)]


def test_a_text_at_the_limit_is_kept_whole_and_named(workbook):
    path = put_long_text(workbook({"项目": [["项目名称", "资金需求", "支出内容"], ["甲", 1, PLACEHOLDER]]}),
                         "字" * MAX_CELL_TEXT)
    problems = Problems()
    assert len(read_input(path, problems).projects[0].content) == MAX_CELL_TEXT
    assert [str(p) for p in problems.warnings] == [
        "项目!C2：文字长度 32,767 个字符，接近 Excel 单元格的上限 32,767 个字符：模板在它前后加上文字后可能超过上限"]


def test_long_texts_well_under_the_limit_pass_without_a_word(workbook):
    problems = Problems()
    data = read_input(workbook({"项目": [["项目名称", "资金需求", "支出内容"], ["甲", 1, "字" * 31000]]}), problems)
    assert len(data.projects[0].content) == 31000
    assert not list(problems)


def test_an_ods_text_over_the_limit_is_refused(tmp_path):
    path = write_ods(tmp_path / "长.ods", {"项目": [row(ods_cell("项目名称"), ods_cell("总体绩效目标")),
                                                    row(ods_cell("甲"), ods_cell("目" * 32768))]})
    assert errors_of(path) == [too_long("项目!B2", 32768)]


@pytest.mark.slow
def test_check_and_build_refuse_a_40000_character_text_before_writing_anything(root, tmp_path):
    (tmp_path / "input").mkdir()
    path = tmp_path / "input" / SAMPLE_2021
    shutil.copy(root / "input" / SAMPLE_2021, path)
    book = load_workbook(path)
    assert book["项目"]["E7"].value.startswith("主要用于省工业和信息化厅主管专项资金")  # 支出内容 of 专项资金管理工作经费
    book["项目"]["E7"] = PLACEHOLDER
    book.save(path)
    put_long_text(path, "支出" * 20000)
    for command in ("check", "build"):
        result = run(command, str(path), cwd=tmp_path)
        assert result.returncode == 1
        assert too_long("项目!E7", 40000) in result.stdout + result.stderr
    assert not list(tmp_path.rglob("output/**/*.xlsx"))


@pytest.mark.slow
def test_a_form_cell_over_the_limit_names_the_template_cell_and_nothing_is_written(root, tmp_path, edited_templates,
                                                                                workbook):
    templates = edited_templates("绩效目标表.xlsx", "C7", "说明：{{ p.content }}")
    path = put_long_text(workbook({
        "项目": [["项目名称", "资金需求", "支出内容", "总体绩效目标"], ["甲", 1, PLACEHOLDER, "目标"]],
        "指标": [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"], ["甲", "产出指标", "数量指标", "场次", "1场"]],
    }), "字" * MAX_CELL_TEXT)
    report = build(path, tmp_path / "output", templates)
    assert report.failed
    (error,) = [str(p) for p in report.problems.errors]
    assert f"文字长度 {MAX_CELL_TEXT + 3} 超过 Excel 单元格上限 {MAX_CELL_TEXT} 个字符" in error
    assert "来自模板 绩效目标表.xlsx!绩效目标表!C7" in error
    # the input cell the text came from is named beside it
    assert any(str(p).startswith("项目!C2：文字长度 32,767 个字符，接近") for p in report.problems.warnings)
    assert not list((tmp_path / "output").rglob("*.xlsx"))
