"""Every form of every bundled sample reads back: the counts of the input workbook, and no change.

Each sample in input/ is built; every file written (the summary forms and each city's own file) is
imported and planned back into its workbook with ``--into``: nothing may differ and nothing may be
refused.  The counts are read from the input workbooks themselves (openpyxl), not from the importer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xlreports.build import build
from xlreports.importer import import_form
from xlreports.importer.into import plan_changes
from xlreports.importer.into_allocations import plan_allocation_changes
from xlreports.importer.into_cities import plan_city_changes
from xlreports.importer.into_eval import plan_evaluation_changes
from xlreports.importer.into_tasks import plan_task_changes
from xlreports.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "input").glob("*.xlsx"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    for sample in SAMPLES:
        build(sample, out, ROOT / "templates")
    return out


def sheet_rows(workbook: Path, sheet: str) -> list[dict]:
    import openpyxl

    rows = list(openpyxl.load_workbook(workbook, read_only=True)[sheet].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if sum(v is not None for v in row) >= 2)  # under a title row
    header = [str(h) if h is not None else "" for h in rows[start]]
    return [dict(zip(header, row, strict=False)) for row in rows[start + 1:] if any(v is not None for v in row)]


def expected_count(workbook: Path, form: str) -> int:
    """What each form shows, counted in the input workbook."""
    if form in ("地市绩效目标表", "分地市绩效目标表"):
        return sum(1 for r in sheet_rows(workbook, "指标") if r.get("地市"))
    if form == "经费分配表":
        return sum(1 for r in sheet_rows(workbook, "资金分配") if r["地区（单位）"] != "合计")
    if form == "政策任务安排表":
        return len(sheet_rows(workbook, "地市任务"))
    if form == "项目绩效自评指标评分表":
        return len(sheet_rows(workbook, "自评指标"))
    projects = sheet_rows(workbook, "项目")
    parents = {r.get("所属项目") for r in projects if r.get("所属项目")}
    if form == "经费安排表":
        return sum(1 for r in projects if r["项目名称"] not in parents)  # the details, one row each
    if form == "绩效目标表":  # a parent stands for its details; a project with city indicators only is not shown
        own = {r["项目名称"] for r in sheet_rows(workbook, "指标") if not r.get("地市")}
        return sum(1 for r in projects if not r.get("所属项目") and r["项目名称"] in own)
    return len(projects)  # 项目支出绩效目标表


def count(form) -> int:
    for attribute in ("entries", "allocations", "tasks", "indicators"):
        if hasattr(form, attribute) and not hasattr(form, "units"):
            return len(getattr(form, attribute))
    return len(form.projects)


def plan(form, workbook: Path, problems: Problems):
    planner = (plan_city_changes if hasattr(form, "entries") else plan_task_changes if hasattr(form, "tasks") else
               plan_allocation_changes if hasattr(form, "allocations") else
               plan_changes if hasattr(form, "units") else plan_evaluation_changes)
    return planner(form, workbook, problems)


FORMS = {  # what each sample fills (its summary forms)
    "2020年度工业和信息化预留资金": {"绩效目标表", "经费安排表", "经费分配表", "政策任务安排表", "地市绩效目标表", "分地市绩效目标表"},
    "2021年度战略性产业集群产业链支撑资金": {"绩效目标表", "地市绩效目标表", "分地市绩效目标表"},
    "2023年江门市工业发展管理经费绩效自评": {"项目绩效自评指标评分表"},
    "广州市荔湾区科技工业和信息化局": {"绩效目标表", "项目支出绩效目标表"},
}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_form_reads_back_unchanged(built, sample):
    written = sorted((built / sample.stem).glob("*.xlsx"))
    assert {p.stem for p in written} == FORMS[sample.stem]
    for path in written:
        problems = Problems()
        imported = import_form(path, problems)
        assert imported is not None and not problems.has_errors(), (path.stem, [str(p) for p in problems.errors])
        assert count(imported) == expected_count(sample, path.stem), path.stem
        changes = [c for one in (imported, *getattr(imported, "others", ())) for c in plan(one, sample, problems)]
        assert not problems.has_errors(), (path.stem, [str(p) for p in problems.errors])
        assert changes == [], path.stem


def test_every_city_file_reads_back_unchanged(built):
    files = sorted(built.glob("*/地市/*.xlsx"))
    assert len(files) >= 21
    for path in files:
        sample = ROOT / "input" / f"{path.parent.parent.name}.xlsx"
        problems = Problems()
        imported = import_form(path, problems)
        changes = [c for one in (imported, *getattr(imported, "others", ())) for c in plan(one, sample, problems)]
        assert not problems.has_errors() and changes == [], (path.name, [str(p) for p in problems.errors])
