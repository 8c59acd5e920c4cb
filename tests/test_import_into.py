"""``xlreports import FORM --into WORKBOOK``: build → change two figures in LibreOffice → import → build.

The figures are changed by LibreOffice itself (tests/uno_edit.py, Python-UNO), as an officer would in
Calc; after the import and a second build, the two figures are in the new output and nothing else
changed except the totals computed from them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlreports.build import build
from xlreports.importer import import_form
from xlreports.importer.into import plan_changes
from xlreports.problems import Problems

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cells(path: Path) -> dict[tuple[str, str], object]:
    import python_calamine

    from xlreports.load.xlsx_parts import cell_name

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    found = {}
    for name in book.sheet_names:
        for r, row in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(row):
                if value != "":
                    found[(name, cell_name(r, c))] = value
    return found


def differences(before: Path, after: Path) -> dict[str, tuple[object, object]]:
    a, b = cells(before), cells(after)
    return {f"{sheet}!{cell}": (a.get((sheet, cell)), b.get((sheet, cell)))
            for sheet, cell in sorted(set(a) | set(b)) if a.get((sheet, cell)) != b.get((sheet, cell))}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "xlreports", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


CASES = {
    # sample workbook, form, the two edits (cell=value, as typed in Calc), the changes import must print,
    # and the cells of the rebuilt form that must differ (the edits and the totals computed from them)
    "绩效目标表": ("2021年度战略性产业集群产业链支撑资金.xlsx", "绩效目标表.xlsx",
               ["绩效目标表!C5=2100.5", "绩效目标表!E9=400人次"],
               ["项目!C3：2082.6 → 2100.5", "指标!F2：350人次 → 400人次"],
               {"绩效目标表!C5": (2082.6, 2100.5), "绩效目标表!E9": ("350人次", "400人次")}),
    "项目支出绩效目标表": ("广州市荔湾区科技工业和信息化局.xlsx", "项目支出绩效目标表.xlsx",
                   ["项目支出绩效目标表!C6=90", "项目支出绩效目标表!C7=100"],
                   ["项目!C2：83.53 → 90", "项目!C3：96.47 → 100"],
                   {"项目支出绩效目标表!C6": (83.53, 90.0), "项目支出绩效目标表!C7": (96.47, 100.0),
                    "项目支出绩效目标表!B6": (83.53, 90.0), "项目支出绩效目标表!B7": (96.47, 100.0),
                    "项目支出绩效目标表!B5": (21844.8, 21854.8), "项目支出绩效目标表!C5": (21844.8, 21854.8),
                    "项目支出绩效目标表!B4": (21947.14, 21957.14), "项目支出绩效目标表!C4": (21947.14, 21957.14)}),
    "项目绩效自评指标评分表": ("2023年江门市工业发展管理经费绩效自评.xlsx", "项目绩效自评指标评分表.xlsx",
                    ["自评指标评分表!H16=150", "自评指标评分表!Q15=60"],
                    ["自评指标!H4：305 → 150", "自评指标!J3：100 → 60", "自评指标!K3：达成 → 部分达成"],
                    {"自评指标评分表!H16": ("305", "150"), "自评指标评分表!Q15": (100.0, 60.0)}),
    "经费分配表": ("2020年度工业和信息化预留资金.xlsx", "经费分配表.xlsx",
              ["经费分配表!B6=120", "经费分配表!C16=600"],
              ["资金分配!C4：114.2 → 120", "资金分配!C26：576 → 600", "资金分配!C2：1250 → 1255.8",
               "资金分配!C3：1269 → 1293"],
              # 广州 企业情况综合 114.2 → 120 (+5.8), 东莞 支持先进制造业集群培育 576 → 600 (+24), and their 合计
              {"经费分配表!B6": (114.2, 120.0), "经费分配表!C16": (576.0, 600.0),
               "经费分配表!B5": (1250.0, 1255.8), "经费分配表!C5": (1269.0, 1293.0)}),
    "经费安排表": ("2020年度工业和信息化预留资金.xlsx", "经费安排表.xlsx",
              ["经费安排表!D8=70", "经费安排表!D15=120"],
              # two details change; their parents' 资金需求 (482 = 125+65+75+217, 2000 = 1900+100) follow them
              ["项目!C4：65 → 70", "项目!C13：100 → 120", "项目!C2：482 → 487", "项目!C11：2000 → 2020"],
              {"经费安排表!D8": (65.0, 70.0), "经费安排表!D15": (100.0, 120.0), "经费安排表!C15": (100.0, 120.0),
               "经费安排表!C7": (782.0, 787.0), "经费安排表!C16": (5601.0, 5626.0)}),
    "政策任务安排表": ("2020年度工业和信息化预留资金.xlsx", "政策任务安排表.xlsx",
                ["政策任务安排表!I6=6000", "政策任务安排表!I7=7000"],
                ["地市任务!H2：5500 → 6000", "地市任务!H3：6600 → 7000"],
                # 广州 5500 → 6000, 深圳 6600 → 7000, and the 工作量 合计 55000 → 55900
                {"政策任务安排表!I6": (5500.0, 6000.0), "政策任务安排表!I7": (6600.0, 7000.0),
                 "政策任务安排表!I27": (55000.0, 55900.0)}),
    "地市绩效目标表": ("2020年度工业和信息化预留资金.xlsx", "地市绩效目标表.xlsx",
                ["地市绩效目标表-企业情况综合!D7=6000", "地市绩效目标表-企业情况综合!E8=4"],
                ["指标!F22：5500 → 6000", "指标!F28：3 → 4"],  # 广州 企业数据采集量, 深圳 研究报告数
                {"地市绩效目标表-企业情况综合!D7": ("5500", "6000"), "地市绩效目标表-企业情况综合!E8": ("3", "4")}),
}
# what the self-evaluation form computes from the changed figures: 自评分数, 二级/一级 and 合计 scores, the
# 实现值 as a number (P16) and the generated 「（二）资金完成绩效目标情况」 (A50: how many indicators were met)
COMPUTED = {"项目绩效自评指标评分表": re.compile(r"^自评指标评分表!(?:I\d+|R\d+|S\d+|P16|A50)$")}
# the same figures shown by the workbook's other forms
ALSO_SHOWN = {
    "项目支出绩效目标表": {"绩效目标表.xlsx": {"绩效目标表!C5": (83.53, 90.0), "绩效目标表!C14": (96.47, 100.0)}},
    "经费分配表": {  # the cities' row of 经费安排表 is the sum of 资金分配 (2519 + 29.8), and each city's own file
        "经费安排表.xlsx": {"经费安排表!C6": (2519.0, 2548.8), "经费安排表!C16": (5601.0, 5630.8)},
        "广州.xlsx": {"经费分配表!B5": (114.2, 120.0), "经费分配表!B6": (114.2, 120.0)},
        "东莞.xlsx": {"经费分配表!C5": (576.0, 600.0), "经费分配表!C6": (576.0, 600.0)}},
    "政策任务安排表": {"广州.xlsx": {"政策任务安排表!I6": (5500.0, 6000.0), "政策任务安排表!I7": (5500.0, 6000.0)},
                "深圳.xlsx": {"政策任务安排表!I6": (6600.0, 7000.0), "政策任务安排表!I7": (6600.0, 7000.0)}},
    "地市绩效目标表": {"分地市绩效目标表.xlsx": {"分地市绩效目标表!E5": ("5500", "6000"), "分地市绩效目标表!E15": ("3", "4")},
                "广州.xlsx": {"分地市绩效目标表!E5": ("5500", "6000"), "地市绩效目标表-企业情况综合!D7": ("5500", "6000")},
                "深圳.xlsx": {"分地市绩效目标表!E6": ("3", "4"), "地市绩效目标表-企业情况综合!E7": ("3", "4")}},
    "经费安排表": {"绩效目标表.xlsx": {"绩效目标表!C5": (482.0, 487.0), "绩效目标表!C32": (2000.0, 2020.0)}},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_through_libreoffice(case, tmp_path, office):
    workbook_name, form_name, edits, printed, expected = CASES[case]
    inputs = tmp_path / "input"
    inputs.mkdir()
    workbook = inputs / workbook_name
    shutil.copy2(ROOT / "input" / workbook_name, workbook)
    original = workbook.read_bytes()
    build(workbook, tmp_path / "first", ROOT / "templates")
    first = tmp_path / "first" / workbook.stem / form_name
    edited = tmp_path / f"edited-{form_name}"
    office.edit_cells(first, edited, list(edits), tmp_path / "uno")

    result = run_cli("import", str(edited), "--into", str(workbook), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for line in printed:
        assert line in result.stdout
    (kept,) = (inputs / "旧版本").iterdir()
    assert kept.read_bytes() == original

    build(workbook, tmp_path / "second", ROOT / "templates")
    second = tmp_path / "second" / workbook.stem / form_name
    rounded = {k: tuple(round(v, 6) if isinstance(v, float) else v for v in pair)
               for k, pair in differences(first, second).items()}
    computed = COMPUTED.get(case)
    if computed is not None:
        assert {k: v for k, v in rounded.items() if k in expected} == expected
        assert [k for k in rounded if k not in expected and not computed.match(k)] == []
    else:
        assert rounded == expected
    for other in (tmp_path / "first" / workbook.stem).rglob("*.xlsx"):
        if other.name != form_name:
            again = tmp_path / "second" / workbook.stem / other.relative_to(tmp_path / "first" / workbook.stem)
            assert differences(other, again) == ALSO_SHOWN.get(case, {}).get(other.name, {}), other


@pytest.mark.slow
def test_nothing_is_written_when_a_project_is_not_in_the_workbook(tmp_path):
    workbook = tmp_path / "w.xlsx"
    shutil.copy2(ROOT / "input" / "2020年度工业和信息化预留资金.xlsx", workbook)
    problems = Problems()
    form = import_form(ROOT / "tests" / "realworld" / "xiangtan-2023-single-project.txt", problems)
    changes = plan_changes(form, workbook, problems)
    assert changes == []
    assert [str(p) for p in problems.errors] == [
        "填报工作簿的「项目」中没有项目「雾炮车降尘抑尘服务」（应为表格中的项目名称与填报工作簿一致（导入只修改已有的行））"]
    before = workbook.read_bytes()
    result = run_cli("import", str(ROOT / "tests" / "realworld" / "xiangtan-2023-single-project.txt"),
                     "--into", str(workbook), cwd=tmp_path)
    assert result.returncode == 1 and "填报工作簿没有修改" in result.stderr
    assert workbook.read_bytes() == before and not (tmp_path / "旧版本").exists()


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_a_form_saved_as_ods_or_xls_by_libreoffice_reads_back(suffix, tmp_path, libreoffice):
    workbook = ROOT / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
    build(workbook, tmp_path, ROOT / "templates")
    form = tmp_path / workbook.stem / "绩效目标表.xlsx"
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", suffix,
                    "--outdir", str(tmp_path / "converted"), str(form)], check=True, capture_output=True, timeout=300)
    converted = tmp_path / "converted" / f"绩效目标表.{suffix}"
    problems = Problems()
    imported = import_form(converted, problems)
    assert not problems.has_errors(), [str(p) for p in problems.errors]
    # seed 000's 附件4-3 as the sample types it: five projects, 34 indicators, 5,188.60 万元
    assert [len(p.indicators) for p in imported.projects] == [8, 6, 8, 5, 7]
    assert round(sum(p.total for p in imported.projects), 2) == 5188.6
    assert plan_changes(imported, workbook, problems) == [] and not problems.has_errors()
