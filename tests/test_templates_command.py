"""`xlreports templates`: forms listed and checked without an input workbook; --dump as plain text."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from xlreports.cli import main


@pytest.mark.slow  # reads every template
def test_lists_every_shipped_form_and_passes(root, capsys):
    assert main(["templates", str(root / "templates")]) == 0
    out = capsys.readouterr().out
    for name in ("绩效目标表", "项目支出绩效目标表", "项目绩效自评指标评分表", "经费安排表", "经费分配表",
                 "政策任务安排表", "地市绩效目标表", "分地市绩效目标表"):
        assert f"表格「{name}」" in out
    assert '    A4  xl:each(items="indicator_projects" var="p" pageBreak="true")' in out
    assert "用到的数据：info、source_projects、unit、units、units_total" in out
    assert "共 8 个模板，8 个表格，检查通过" in out


@pytest.mark.slow  # reads every template
def test_unknown_names_and_names_outside_their_area_are_errors_naming_the_cell(root, tmp_path, capsys):
    folder = tmp_path / "t"
    shutil.copytree(root / "templates", folder)
    book = load_workbook(folder / "项目支出绩效目标表.xlsx")
    ws = book.active
    ws["B8"] = "{{ totals.amont }}"  # attributes are not checked here, names are
    ws["C8"] = "{{ totls.amount }}"
    book.save(folder / "项目支出绩效目标表.xlsx")
    assert main(["templates", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "✗ 项目支出绩效目标表.xlsx" in out
    assert "错误：模板 项目支出绩效目标表.xlsx!项目支出绩效目标表!C8：名称 totls 在这里没有定义" in out
    assert "B8：" not in out

    ws["A8"] = "{{ u.name }}小计"  # below the units' area: u is not defined there
    book.save(folder / "项目支出绩效目标表.xlsx")
    assert main(["templates", str(folder)]) == 1
    out = capsys.readouterr().out
    assert ("错误：模板 项目支出绩效目标表.xlsx!项目支出绩效目标表!A8：u 只在 项目支出绩效目标表.xlsx!项目支出绩效目标表!A5 "
            '的 xl:each(var="u") 区域内有定义') in out


@pytest.mark.slow  # reads every template
def test_a_workbook_that_is_no_form_is_named(root, tmp_path, capsys):
    folder = tmp_path / "t"
    shutil.copytree(root / "templates", folder)
    book = load_workbook(folder / "经费分配表.xlsx")
    book.active["A1"].comment = None
    book.save(folder / "经费分配表.xlsx")
    main(["templates", str(folder)])
    out = capsys.readouterr().out
    assert "✓ 经费分配表.xlsx：（没有 xl:form，不是表格）" in out
    assert "警告：模板 经费分配表.xlsx：没有 xl:form 命令" in out


def test_dump_prints_cells_formulas_and_notes(root, capsys):
    assert main(["templates", str(root / "templates" / "项目支出绩效目标表.xlsx"), "--dump"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# 项目支出绩效目标表.xlsx"
    assert "B4\t=SUM(B5)" in lines
    assert 'B4\t# xl:value(expr="units_total.total")' in lines
    assert 'A5\t# xl:each(items="units" var="u")' in lines
    assert 'G6\t# xl:end(each="u")' in lines
    assert any(line.startswith("页脚\t&C&\"宋体\"&10") for line in lines)


@pytest.mark.slow  # reads a sample workbook
def test_context_names_are_those_build_context_gives(root):
    from xlreports.compute import CONTEXT_NAMES, build_context
    from xlreports.problems import Problems
    from xlreports.validate import read_input

    problems = Problems()
    data = read_input(root / "input" / "2020年度工业和信息化预留资金.xlsx", problems)
    assert set(build_context(data, problems)) == CONTEXT_NAMES


def test_an_area_variable_outside_its_area_is_refused_when_read(tmp_path):
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    from xlreports.problems import TemplateError
    from xlreports.render import load_template

    book = Workbook()
    ws = book.active
    ws.title = "表"
    # the officer deleted row 6, which held xl:end(each="u"): the area is now row 5 alone
    ws["A5"], ws["A6"], ws["B6"] = "{{ u.name }}", "{{ p.name }}", "{{ u.total }}"
    ws["A5"].comment = Comment('xl:each(items="units" var="u")', "t")
    ws["A6"].comment = Comment('xl:each(items="u.projects" var="p")', "t")
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(TemplateError, match=r'^模板 t\.xlsx!表!A6：u 只在 t\.xlsx!表!A5 的 xl:each\(var="u"\) 区域内有定义'):
        load_template(tmp_path / "t.xlsx")


def test_listing_names_the_sheet_kept_out(root, tmp_path, capsys):
    folder = tmp_path / "t"
    folder.mkdir()
    shutil.copy(root / "templates" / "经费分配表.xlsx", folder)
    book = load_workbook(folder / "经费分配表.xlsx")
    book.create_sheet("填表说明", 0)["A1"] = "请按「资金分配」填写"
    book.save(folder / "经费分配表.xlsx")
    assert main(["templates", str(folder)]) == 0
    assert "  工作表：填表说明（不输出）、经费分配表" in capsys.readouterr().out
