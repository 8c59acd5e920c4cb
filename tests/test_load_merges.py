"""Merged cells: text that labels a group applies to each row; a per-row number merged over rows is refused."""

from __future__ import annotations

import contextlib
import shutil

import pytest
from openpyxl import load_workbook
from test_cli import run

from xlreports import contract
from xlreports.load.xlsx_parts import column_letters
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

SAMPLE_2020 = "2020年度工业和信息化预留资金.xlsx"


def problems_of(path) -> Problems:
    problems = Problems()
    with contextlib.suppress(InputError):
        read_input(path, problems)
    return problems


def per_row_numbers():
    for spec in contract.SHEETS:
        if spec.key_value:
            continue
        for column in spec.columns:
            if column.refuses_merge:
                yield spec, column


PER_ROW = list(per_row_numbers())


def test_every_amount_and_number_column_of_the_contract_is_covered():
    names = {(spec.name, column.header) for spec, column in PER_ROW}
    assert {("项目", "资金需求"), ("项目", "财政拨款"), ("项目", "财政专户拨款"), ("项目", "其他资金"),
            ("项目", "合计(原表)"), ("资金分配", "金额"), ("地市任务", "工作量"), ("自评指标", "权重"),
            ("自评指标", "自评分数"), ("自评指标", "完成比例")} == names
    amount_or_number = {(s.name, c.key) for s in contract.SHEETS if not s.key_value for c in s.columns
                        if c.kind != "text"}
    group_numbers = {("项目", "unit_stated_total"), ("自评指标", "level1_weight"), ("自评指标", "level2_weight")}
    assert amount_or_number == {(s.name, c.key) for s, c in PER_ROW if c.kind != "text"} | group_numbers


@pytest.mark.parametrize(("spec", "column"), PER_ROW, ids=[f"{s.name}-{c.header}" for s, c in PER_ROW])
def test_a_per_row_number_merged_over_rows_is_an_error_naming_the_range(spec, column, workbook):
    columns = [c for c in spec.columns if c.required and c is not column] + [column]
    header = [c.header for c in columns]
    rows = [[60 if c is column else f"{c.header}{n}" for c in columns] for n in (1, 2, 3)]
    letter = column_letters(len(columns) - 1)
    path = workbook({spec.name: [header, *rows]}, merges={spec.name: [f"{letter}2:{letter}3"]})
    merged = [p for p in problems_of(path).errors if "合并单元格" in p.message]
    assert [(p.location, p.value) for p in merged] == [(f"{spec.name}!{letter}2:{letter}3", 60)]
    what = "金额" if column.kind == "amount" else "数值"
    assert merged[0].message == (f"「{column.header}」的合并单元格跨越 2 行：每一行的{what}必须分别填写，"
                                 f"程序不会把合并的数值拆分或复制到各行。请取消合并，在每一行填写它自己的{what}")


def test_two_amount_columns_merged_in_one_row_are_refused(workbook):
    path = workbook({"项目": [["项目名称", "财政拨款", "财政专户拨款"], ["甲", 100, None], ["乙", 5, 6]]},
                    merges={"项目": ["B2:C2"]})
    assert [str(p) for p in problems_of(path).errors] == [
        "项目!B2:C2：「财政拨款」的合并单元格跨越 2 列：每一列的金额必须分别填写，程序不会把合并的数值拆分或复制到各行。"
        "请取消合并，在每一列填写它自己的金额（值为「100」）"]


def test_every_refused_merge_of_a_sheet_is_named(workbook):
    path = workbook({"资金分配": [["地区", "资金方向", "金额"], ["广州", "甲", 10], ["广州", "乙", None],
                                  ["深圳", "甲", 20], ["深圳", "乙", None], ["珠海", "甲", 5]]},
                    merges={"资金分配": ["A2:A3", "C2:C3", "A4:A5", "C4:C5"]})
    assert [(p.location, p.value) for p in problems_of(path).errors] == [("资金分配!C2:C3", 10), ("资金分配!C4:C5", 20)]


def test_group_labels_and_group_weights_stay_merged(workbook):
    path = workbook({
        "项目": [["项目名称", "资金使用单位", "资金需求", "单位合计(原表)"],
                 ["甲", "工信厅", 100, 150], ["乙", None, 50, None], ["丙", "协会", 7, 7]],
    }, merges={"项目": ["B2:B3", "D2:D3"]})
    problems = Problems()
    data = read_input(path, problems)
    assert [(p.name, p.unit, p.amount, p.unit_stated_total) for p in data.projects] == [
        ("甲", "工信厅", 100, 150), ("乙", "工信厅", 50, 150), ("丙", "协会", 7, 7)]
    assert not problems.errors


def test_the_evaluation_sample_merges_group_weights_and_reads_without_error(root):
    problems = Problems()
    data = read_input(root / "input" / "2023年江门市工业发展管理经费绩效自评.xlsx", problems)
    assert not problems.errors
    assert data.evaluation.groups[0].declared_weight == 20


@pytest.mark.parametrize(("sheet", "key"), [("文件信息", "合计(原表)"), ("自评信息", "实际支出金额（本级）")])
def test_an_amount_field_sharing_a_merged_value_is_refused(sheet, key, workbook):
    rows = [["字段", "值"], ["项目名称", "测试"], [key, 300], ["联系人", None]]
    sheets = {sheet: rows}
    if sheet == "自评信息":
        sheets["自评指标"] = [["一级指标", "二级指标", "三级指标", "权重"], ["产出指标", "数量指标", "次数", 100]]
    path = workbook(sheets, merges={sheet: ["B3:B4"]})
    merged = [str(p) for p in problems_of(path).errors if "合并" in p.message]
    assert merged == [f"{sheet}!B3:B4：「{key.replace('金额（本级）', '_本级') if sheet == '自评信息' else key}」"
                      "的合并单元格跨越多个字段：每个字段的金额必须分别填写，程序不会把合并的数值拆分或复制到各行。"
                      "请取消合并，在每个字段填写它自己的金额（值为「300」）"]


@pytest.mark.slow
def test_the_2020_sample_with_a_merged_amount_fails_check_and_build_and_writes_nothing(root, tmp_path):
    (tmp_path / "input").mkdir()
    path = tmp_path / "input" / SAMPLE_2020
    shutil.copy(root / "input" / SAMPLE_2020, path)
    book = load_workbook(path)
    sheet = book["项目"]
    assert [sheet[f"C{r}"].value for r in (8, 9, 10)] == [150, 150, 300]  # 阿里云峰会 is C10
    sheet["C9"] = sheet["C10"] = None
    sheet.merge_cells("C8:C10")
    book.save(path)
    shutil.copytree(root / "templates", tmp_path / "templates")
    for command in ("check", "build"):
        result = run(command, str(path), cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "项目!C8:C10：「资金需求」的合并单元格跨越 3 行" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    output = tmp_path / "output"
    assert not output.exists() or not any(output.rglob("*.xlsx"))
