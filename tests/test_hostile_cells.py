"""Broken and hostile cell values in the sample workbooks: a located Chinese message or a build,
never 「意外错误」 or a traceback (cells mutated with openpyxl, see tests/fuzz_cells.py)."""

from __future__ import annotations

import pytest
from fuzz_cells import MUTATIONS, mutated
from openpyxl import load_workbook

from xlreports.cli import main

SAMPLES = ["2020年度工业和信息化预留资金", "2021年度战略性产业集群产业链支撑资金",
           "广州市荔湾区科技工业和信息化局", "2023年江门市工业发展管理经费绩效自评"]


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def assert_clean(code: int, text: str) -> None:
    assert code in (0, 1)
    assert "意外错误" not in text and "Traceback" not in text and "程序缺陷" not in text, text
    if code == 1:
        assert "错误：" in text and "!" in text, text  # located


@pytest.mark.slow
@pytest.mark.parametrize("mutation", list(MUTATIONS))
@pytest.mark.parametrize("sample", SAMPLES)
def test_mutated_samples_check_and_build_cleanly(sample, mutation, root, tmp_path, capsys):
    path = mutated(root / "input" / f"{sample}.xlsx", tmp_path / f"{sample}.xlsx", mutation)
    assert_clean(*run(capsys, "check", str(path)))
    assert_clean(*run(capsys, "build", str(path), "-o", str(tmp_path / "out"), "-j", "2"))


def _edit(root, tmp_path, sample, sheet, cells: dict[str, object]):
    book = load_workbook(root / "input" / f"{sample}.xlsx")
    for cell, value in cells.items():
        book[sheet][cell] = value
    path = tmp_path / f"{sample}.xlsx"
    book.save(path)
    return path


@pytest.mark.slow
def test_a_huge_workload_is_a_located_error(root, tmp_path, capsys):
    path = _edit(root, tmp_path, SAMPLES[0], "地市任务", {"H2": 1e308, "H3": 1e308})
    code, text = run(capsys, "check", str(path))
    assert code == 1 and "地市任务!H2：「工作量」过大" in text and "地市任务!H3：「工作量」过大" in text
    assert_clean(code, text)


def test_a_huge_weight_is_a_located_error(root, tmp_path, capsys):
    path = _edit(root, tmp_path, SAMPLES[3], "自评指标", {"F2": 1e308, "F3": 1e308})
    code, text = run(capsys, "check", str(path))
    assert code == 1 and "自评指标!F2：「权重」应在 0–100 之间" in text
    assert_clean(code, text)


def test_nul_in_text_that_a_formula_reads_is_a_located_error(root, tmp_path, capsys):
    path = _edit(root, tmp_path, SAMPLES[3], "自评指标", {"G4": "≥90_x0000_次"})
    code, text = run(capsys, "check", str(path))
    assert code == 1 and "自评指标!G4：「预期值」中有空字符" in text
    assert_clean(code, text)


def test_a_workbook_that_fills_no_form_builds_with_several_workers(workbook, tmp_path, capsys):
    path = workbook({"项目": [["项目名称", "资金需求（万元）", "总体绩效目标"], ["甲", 100, "目标"]]})
    code, text = run(capsys, "build", str(path), "-o", str(tmp_path / "out"), "-j", "2")
    assert code == 0 and "没有可以填的表格" in text
    assert_clean(code, text)
