"""A form never disappears silently: found by its note on any sheet, instructions kept out, one 模板 prefix."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from xlreports.build import build
from xlreports.forms import load_forms
from xlreports.problems import Problems

TARGETS = "绩效目标表.xlsx"
SAMPLE = "广州市荔湾区科技工业和信息化局.xlsx"
INSTRUCTIONS = "填表说明：请在「项目」工作表中填写项目，金额单位为万元。"


@pytest.fixture
def folder(tmp_path, root):
    target = tmp_path / "templates"
    shutil.copytree(root / "templates", target)
    return target


def _sheets(path):
    return load_workbook(path).sheetnames


@pytest.mark.slow
def test_instructions_sheet_first_keeps_the_form_and_stays_out(folder, root, tmp_path):
    book = load_workbook(folder / TARGETS)
    ws = book.create_sheet("填表说明", 0)
    ws["A1"] = INSTRUCTIONS
    book.active = 0
    book.save(folder / TARGETS)
    report = build(root / "input" / SAMPLE, tmp_path / "out", folder, split=None)
    assert not report.failed, [str(p) for p in report.problems]
    produced = {p.name: p for p in report.outputs}
    assert TARGETS in produced
    assert _sheets(produced[TARGETS]) == ["绩效目标表"]


@pytest.mark.slow
def test_instructions_sheet_after_the_form_is_not_copied(folder, root, tmp_path):
    book = load_workbook(folder / TARGETS)
    book.create_sheet("说明")["A1"] = INSTRUCTIONS
    book.save(folder / TARGETS)
    report = build(root / "input" / SAMPLE, tmp_path / "out", folder, split=None)
    produced = {p.name: p for p in report.outputs}
    assert _sheets(produced[TARGETS]) == ["绩效目标表"]


@pytest.mark.slow
def test_declared_sheet_is_written(folder, root, tmp_path):
    from openpyxl.comments import Comment

    book = load_workbook(folder / TARGETS)
    extra = book.create_sheet("附注")
    extra["A1"] = "项目数：{{ indicator_projects | length }}"
    extra["A1"].comment = Comment("xl:output", "test")
    book.save(folder / TARGETS)
    report = build(root / "input" / SAMPLE, tmp_path / "out", folder, split=None)
    produced = {p.name: p for p in report.outputs}
    assert _sheets(produced[TARGETS]) == ["绩效目标表", "附注"]
    assert load_workbook(produced[TARGETS])["附注"]["A1"].value.startswith("项目数：")


def test_deleted_form_note_is_a_warning_naming_the_template(folder):
    book = load_workbook(folder / TARGETS)
    book.active["A1"].comment = None
    book.save(folder / TARGETS)
    problems = Problems()
    names = [form.name for form in load_forms(folder, problems)]
    assert "绩效目标表" not in names and len(names) == 7
    warnings = [str(p) for p in problems.warnings]
    assert len(warnings) == 1 and warnings[0].startswith(f"模板 {TARGETS}：没有 xl:form")


def test_form_note_below_an_inserted_row_is_still_found(folder):
    book = load_workbook(folder / TARGETS)
    ws = book.active
    ws.insert_rows(1)  # the note moves with its cell, as in an office application
    assert ws["A1"].comment is None and "xl:form" in ws["A2"].comment.text
    book.save(folder / TARGETS)
    forms = {form.name: form for form in load_forms(folder)}
    assert forms["绩效目标表"].cell == "绩效目标表!A2"


@pytest.mark.slow
def test_broken_template_message_has_one_prefix_and_the_cell(folder, root, tmp_path):
    book = load_workbook(folder / TARGETS)
    book.active["C5"] = "{{ p.totl }}"
    book.save(folder / TARGETS)
    for workers in (1, 2):
        report = build(root / "input" / SAMPLE, tmp_path / f"out{workers}", folder, split=None, workers=workers)
        assert report.failed
        errors = [str(p) for p in report.problems.errors]
        assert len(errors) == 1
        assert errors[0].startswith(f"模板 {TARGETS}!绩效目标表!C5：") and "totl" in errors[0]
        assert "模板：模板" not in errors[0]


def test_instructions_sheet_explaining_markup_is_not_read(folder):
    from xlreports.render import load_template

    book = load_workbook(folder / TARGETS)
    ws = book.create_sheet("说明", 0)
    ws["A1"] = "例如单元格写 {{ p.nmae } 会出错"  # not even valid markup: never compiled, only named
    book.save(folder / TARGETS)
    template = load_template(folder / TARGETS)
    assert [sheet.name for sheet in template.sheets] == ["绩效目标表"]
    assert template.kept_out == ["说明"]
    assert template.warnings == [f"模板 {TARGETS}!说明：工作表中有表达式或命令，但没有 xl:output，"
                                 "不会写入生成的文件（如需输出，请在任一单元格批注中写 xl:output）"]
