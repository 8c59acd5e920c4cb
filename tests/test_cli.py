"""The ``xlreports`` command as a user runs it: exit codes, messages, files written or not."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

PROJECT_HEADER = ["项目名称", "资金需求（万元）", "总体绩效目标"]
INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlreports", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=_env())


def _env():
    import os

    root = Path(__file__).resolve().parent.parent
    return dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


MALFORMED = {
    "missing-sheet": (
        {"指标": [INDICATOR_HEADER, ["甲", "产出", "数量指标", "次数", "1次"]]},
        "指标：有「指标」工作表但缺少「项目」工作表",
    ),
    "missing-column": (
        {"项目": [["资金需求（万元）", "总体绩效目标"], [100, "目标"]]},
        "项目!第1行：缺少必填列「项目名称」",
    ),
    "not-a-number": (
        {"项目": [PROJECT_HEADER, ["甲", 100, "目标"], ["乙", "一百万", "目标"]]},
        "项目!B3：「资金需求」不是数字（值为「一百万」",
    ),
    "unknown-project": (
        {"项目": [PROJECT_HEADER, ["企业情况综合工作经费", 100, "目标"]],
         "指标": [INDICATOR_HEADER, ["企业情况综合经费", "产出", "数量指标", "次数", "1次"]]},
        "指标!A2：项目「企业情况综合经费」不在「项目」表中（值为「企业情况综合经费」；应为「项目」表中的名称（您是不是要找「企业情况综合工作经费」？））",
    ),
    "duplicate-project": (
        {"项目": [PROJECT_HEADER, ["甲", 100, "目标"], ["乙", 5, "目标"], ["甲", 200, "目标"]]},
        "项目!A4：项目名称「甲」重复（第一次出现在 A2）",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.slow
def test_malformed_workbook_fails_cleanly(case, workbook, tmp_path):
    sheets, message = MALFORMED[case]
    source = workbook(sheets, name=f"{case}.xlsx")
    before = digest(source)
    out = tmp_path / "output"
    result = run("build", str(source), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() or not any(out.rglob("*"))
    assert digest(source) == before


@pytest.mark.slow
def test_build_without_arguments_uses_input_folder(root, tmp_path):
    shutil.copytree(root / "input", tmp_path / "input")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    built = tmp_path / "output" / "2021年度战略性产业集群产业链支撑资金" / "绩效目标表.xlsx"
    assert built.exists()
    assert f"已生成 {built.relative_to(tmp_path)}" in result.stdout
    assert "警告：指标!D9：二级指标「服务满意度」不是标准名称" in result.stdout
    assert not list((tmp_path / "output").rglob(".*.tmp"))


@pytest.mark.slow
def test_project_name_formula_arrives_as_text(tmp_path):
    import xlsxwriter

    name = '=HYPERLINK("http://example.com","x")'
    source = tmp_path / "input.xlsx"
    book = xlsxwriter.Workbook(source, {"strings_to_formulas": False})  # as Excel stores '=HYPERLINK…
    for sheet_name, rows in {"项目": [PROJECT_HEADER, [name, 100, "目标"]],
                             "指标": [INDICATOR_HEADER, [name, "产出", "数量指标", "次数", "1次"]]}.items():
        sheet = book.add_worksheet(sheet_name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    result = run("build", str(source), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ws = load_workbook(tmp_path / "out" / "input" / "绩效目标表.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value == name]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


@pytest.mark.slow
def test_edited_templates_are_used(root, tmp_path, edited_templates):
    edited = edited_templates("绩效目标表.xlsx", "A2", "某市{{ info.年度 }}年绩效目标表（修改版）")
    sample = root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
    result = run("build", str(sample), "-o", str(tmp_path / "out"), "--templates", str(edited), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ws = load_workbook(tmp_path / "out" / sample.stem / "绩效目标表.xlsx").active
    assert ws["A2"].value == "某市2021年绩效目标表（修改版）"


@pytest.mark.slow
def test_check_writes_nothing(root, tmp_path):
    sample = root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
    result = run("check", str(sample), cwd=tmp_path)
    assert result.returncode == 0
    assert "检查通过，可以生成 3 个表格" in result.stdout
    assert not (tmp_path / "output").exists()


@pytest.mark.slow
def test_init_writes_a_blank_workbook_that_checks(tmp_path):
    result = run("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "input" / "填报工作簿.xlsx"
    book = load_workbook(path)
    assert {"文件信息", "项目", "指标", "资金分配", "地市任务", "收件人", "自评信息", "自评指标", "自评说明", "说明"} <= set(
        book.sheetnames)
    indicators = book["指标"]
    assert [c.value for c in indicators[1]][:7] == ["项目名称", "地市", "一级指标", "二级指标", "三级指标", "指标值",
                                                   "实施周期指标值"]
    lists = {str(dv.sqref): dv.formula1 for dv in indicators.data_validations.dataValidation}
    assert "产出指标" in lists["C2:C2001"] and "服务对象满意度指标" in lists["D2:D2001"]
    assert any("项目名称" in (row[1].value or "") for row in book["说明"].iter_rows())
    assert run("check", str(path), cwd=tmp_path).returncode == 0
    again = run("init", cwd=tmp_path)
    assert again.returncode == 1 and "已存在" in again.stderr


def test_no_input_folder_is_explained(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "找不到 input/ 文件夹" in result.stderr


def test_help_is_chinese(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0 and "生成表格" in result.stdout


@pytest.mark.slow
def test_import_then_build(root, tmp_path):
    seed = root / "tests" / "seeds" / "003_f899a0809e88c676.txt"
    result = run("import", str(seed), "-o", "input/荔湾.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "导入 24 个项目（2 个资金使用单位）、99 个指标" in result.stdout
    assert "已生成 input/荔湾.xlsx" in result.stdout
    assert (tmp_path / "input" / "荔湾.xlsx").exists()
    built = run("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    form = tmp_path / "output" / "荔湾" / "项目支出绩效目标表.xlsx"
    assert load_workbook(form, data_only=True).active["B4"].value == 21947.14
    again = run("import", str(seed), "-o", "input/荔湾.xlsx", cwd=tmp_path)
    assert again.returncode == 1 and "已存在" in again.stderr
    assert run("import", str(seed), "-o", "input/荔湾.xlsx", "--force", cwd=tmp_path).returncode == 0


@pytest.mark.slow
def test_import_warns_about_stated_totals_and_names_the_workbook_after_the_department(root, tmp_path):
    seed = root / "tests" / "seeds" / "002_1248fddac0f7b900.txt"
    result = run("import", str(seed), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("警告：第10行：合计与各项目之和不一致：原表写明 190,857.18 万元，各项目之和为 190,133.18 万元，"
            "相差 724.00 万元") in result.stdout
    assert (tmp_path / "input" / "广州开发区经济和信息化局、广州市黄埔区工业和信息化局（部门）.xlsx").exists()


@pytest.mark.slow
def test_import_of_an_unreadable_table_fails_cleanly(tmp_path):
    source = tmp_path / "表.txt"
    source.write_text("单位：万元\n项目名称\t总计\t财政拨款\t绩效目标\t绩效指标\n甲\t1\t1\t目标\t1、1-产出指标；11-数量指标；次数\n",
                      encoding="utf-8")
    result = run("import", str(source), "-o", "out.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    assert "错误：第3行：项目「甲」的绩效指标：第1个指标缺少「年度指标值:」" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out.xlsx").exists() and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.slow
def test_rebuilding_unchanged_input_gives_identical_files(root, tmp_path):
    """「xlreports send」 hashes the files it sent: a rebuild of unchanged input must not look like a change."""
    sample = root / "input" / "2020年度工业和信息化预留资金.xlsx"
    first = run("build", str(sample), "-o", str(tmp_path / "a"), cwd=tmp_path)
    second = run("build", str(sample), "-o", str(tmp_path / "b"), cwd=tmp_path)
    assert first.returncode == second.returncode == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.xlsx"))
    assert len(files) == 27
    for name in files:
        assert digest(tmp_path / "a" / name) == digest(tmp_path / "b" / name), name


@pytest.mark.slow
def test_many_workbooks_in_parallel_one_bad(root, tmp_path):
    (tmp_path / "input").mkdir()
    for sample in ("2021年度战略性产业集群产业链支撑资金.xlsx", "2023年江门市工业发展管理经费绩效自评.xlsx"):
        shutil.copy(root / "input" / sample, tmp_path / "input" / sample)
    (tmp_path / "input" / "坏的.xlsx").write_bytes(b"not a workbook")
    result = run("build", "-j", "2", cwd=tmp_path)
    assert result.returncode == 1
    assert "[3/3]" in result.stderr and "有错误：坏的.xlsx" in result.stderr
    assert "✗ input/坏的.xlsx：1 个错误" in result.stderr
    assert (tmp_path / "output" / "2021年度战略性产业集群产业链支撑资金" / "绩效目标表.xlsx").exists()
    assert (tmp_path / "output" / "2023年江门市工业发展管理经费绩效自评" / "项目绩效自评指标评分表.xlsx").exists()
    assert "完成：处理 3 个工作簿" in result.stdout and "1 个工作簿有错误" in result.stdout
