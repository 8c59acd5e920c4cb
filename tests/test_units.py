"""One unit rule for every amount: the header's unit, else 「文件信息」金额单位, else 万元.

Built from the 2020 sample (seed 001) and the 荔湾区 sample (seed 003): an amount column written in
another unit must give the very same forms, and a display unit of 元 must show every amount in 元
under labels that say 元.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.amounts import NotANumber, parse_amount
from xlreports.build import build

RESERVE = "2020年度工业和信息化预留资金"
LIWAN = "广州市荔湾区科技工业和信息化局"


def _edit(root: Path, tmp: Path, sample: str, change) -> Path:
    path = tmp / f"{sample}.xlsx"
    shutil.copyfile(root / "input" / f"{sample}.xlsx", path)
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def _build(source: Path, tmp: Path):
    report = build(source, tmp / "out", Path(__file__).resolve().parent.parent / "templates")
    assert not report.failed, [str(p) for p in report.problems]
    return report


def _cells(path: Path) -> dict[tuple[str, str], object]:
    book = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def _cached(path: Path) -> list[list[object]]:
    book = load_workbook(path, data_only=True)
    return [list(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]


def _column(book, sheet: str, header: str) -> str:
    ws = book[sheet]
    for row in ws.iter_rows(max_row=5):
        for cell in row:
            if cell.value == header:
                return cell.column_letter
    raise AssertionError(f"{sheet} has no header {header}")


def _rescale(sheet: str, header: str, new_header: str, factor: int):
    def change(book):
        letter = _column(book, sheet, header)
        ws = book[sheet]
        for cell in ws[letter]:
            if cell.value == header:
                cell.value = new_header
            elif isinstance(cell.value, int | float):
                cell.value = cell.value * factor
    return change


def _same_outputs(a, b) -> None:
    assert [p.name for p in a.outputs] == [p.name for p in b.outputs]
    for left, right in zip(a.outputs + a.city_files, b.outputs + b.city_files, strict=True):
        assert _cells(left) == _cells(right), left.name
        assert _cached(left) == _cached(right), left.name


@pytest.fixture(scope="module")
def baseline(root, tmp_path_factory):
    return _build(root / "input" / f"{RESERVE}.xlsx", tmp_path_factory.mktemp("base"))


@pytest.mark.slow
def test_header_in_yuan_is_converted_to_the_display_unit(root, tmp_path, baseline):
    """资金需求（元） over 4,820,000 and 1,250,000: the forms show 万元 exactly, as when the sheet said 万元."""
    source = _edit(root, tmp_path, RESERVE, _rescale("项目", "资金需求（万元）", "资金需求（元）", 10000))
    assert load_workbook(source)["项目"]["C2"].value == 4820000
    report = _build(source, tmp_path)
    _same_outputs(baseline, report)
    arrangement = next(p for p in report.outputs if p.stem == "经费安排表")
    rows = _cached(arrangement)
    assert [row[2:4] for row in rows if row[1] == "广东省工业和信息化厅"] == [[782, 125]]  # seed 001 附件1, exact
    total = next(row for row in rows if row[0] == "合计")
    assert 5601 in total


@pytest.mark.slow
def test_mixed_units_in_one_sheet_add_up(root, tmp_path):
    """项目支出绩效目标表 with 财政拨款 in 元 and the other sources in 万元: same totals as the sample."""
    base = _build(root / "input" / f"{LIWAN}.xlsx", tmp_path / "a")
    source = _edit(root, tmp_path, LIWAN, _rescale("项目", "财政拨款", "财政拨款（元）", 10000))
    _same_outputs(base, _build(source, tmp_path / "b"))
    form = next(p for p in base.outputs if p.stem == "项目支出绩效目标表")
    total = next(row for row in _cached(form) if row[0] == "合计")
    assert total[1] == pytest.approx(21947.14)  # seed 003's 合计, 21,947.14 万元


@pytest.mark.slow
def test_display_unit_yuan_shows_every_amount_in_yuan(root, tmp_path):
    """金额单位 = 元 and 资金需求 「500万元」: 5,000,000 in every form, every unit label says 元."""

    def change(book):
        info = book["文件信息"]
        for row in info.iter_rows():
            if row[0].value == "金额单位":
                row[1].value = "元"
        projects = book["项目"]
        projects["C2"] = "500万元"
        projects["C1"] = "资金需求"  # no unit in the header: the workbook's 元
        for cell in projects["C"][2:]:
            if isinstance(cell.value, int | float):
                cell.value = cell.value * 10000
        allocations = book["资金分配"]
        allocations["C1"] = "金额（万元）"  # a header unit wins over the workbook's

    report = _build(_edit(root, tmp_path, RESERVE, change), tmp_path)
    labels = {p.stem: {v for v in _cells(p).values() if isinstance(v, str) and ("元）" in v or "单位：" in v)}
              for p in report.outputs}
    assert "资金需求\n（元）" in labels["绩效目标表"]
    assert "金额（元）" in labels["经费安排表"]
    assert {"企业情况综合（元）", "支持先进制造业集群培育（元）"} <= labels["经费分配表"]
    # the only 万元 left is the officers' own wording (an indicator named 「…收入（万元）」)
    assert [v for v in set().union(*labels.values()) if "万元" in v] == ["工美园区及工美其他相关收入（万元）"]
    targets = next(p for p in report.outputs if p.stem == "绩效目标表")
    assert any(5000000 in row for row in _cached(targets))
    allocation = next(p for p in report.outputs if p.stem == "经费分配表")
    total = next(row for row in _cached(allocation) if row[0] == "合计")
    assert total[1:3] == [12500000, 12690000]  # seed 001 附件2: 1,250 and 1,269 万元


def test_unknown_currency_in_a_header_is_refused(root, tmp_path):
    source = _edit(root, tmp_path, RESERVE, _rescale("项目", "资金需求（万元）", "资金需求（美元）", 1))
    report = build(source, tmp_path / "out", root / "templates")
    assert report.failed
    assert any(p.cell == "C1" and "美元" in str(p) for p in report.problems)


@pytest.mark.parametrize(("value", "unit", "into", "expected"), [
    (4820000, "元", "万元", 482), ("4,820,000元", "万元", None, 482), ("500万元", "元", None, 5000000),
    ("1.2亿元", "万元", None, 12000), (1234567.89, "元", "万元", 123.456789), ("12,345.6千元", "万元", None, 1234.56),
])
def test_conversions_are_exact(value, unit, into, expected):
    assert parse_amount(value, unit, into) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e308, "1e308", "5美元", True])
def test_values_that_are_no_amount(value):
    with pytest.raises(NotANumber):
        parse_amount(value)


@pytest.mark.slow
def test_a_self_evaluation_field_may_name_its_unit(root, tmp_path):
    """「自评信息」实际支出_本级（元） = 10,334,800: the same form as 1,033.48 万元 (seed 004)."""
    sample = "2023年江门市工业发展管理经费绩效自评"
    base = _build(root / "input" / f"{sample}.xlsx", tmp_path / "a")

    def change(book):
        for row in book["自评信息"].iter_rows():
            if row[0].value == "实际支出_本级":
                row[0].value, row[1].value = "实际支出_本级（元）", 10334800

    _same_outputs(base, _build(_edit(root, tmp_path, sample, change), tmp_path / "b"))


def test_import_into_writes_each_column_in_its_own_unit(root, tmp_path, office):
    """A workbook whose headers say （元）: a figure changed in the 万元 form goes back in 元, not in 万元."""
    from xlreports.importer import import_form, plan_into
    from xlreports.problems import Problems

    def in_yuan(book):
        _rescale("项目", "资金需求（万元）", "资金需求（元）", 10000)(book)
        _rescale("资金分配", "金额（万元）", "金额（元）", 10000)(book)

    workbook = _edit(root, tmp_path, RESERVE, in_yuan)
    report = _build(workbook, tmp_path)
    forms = {p.stem: p for p in report.outputs}
    allocation, arrangement = tmp_path / "分配.xlsx", tmp_path / "安排.xlsx"
    office.edit([  # 广州 企业情况综合 114.2 → 120 万元; 高速公路货运数据应用服务项目 65 → 70 万元 (seed 001 附件1–2)
        {"source": str(forms["经费分配表"]), "target": str(allocation), "edit": "cells", "cells": ["经费分配表!B6=120"]},
        {"source": str(forms["经费安排表"]), "target": str(arrangement), "edit": "cells", "cells": ["经费安排表!D8=70"]},
    ], tmp_path / "uno")
    problems = Problems()
    changes = {str(c) for path in (allocation, arrangement)
               for c in plan_into(import_form(path, problems), workbook, problems)}
    assert not problems.has_errors(), [str(p) for p in problems]
    assert "资金分配!C4：1142000 → 1200000" in changes
    assert "项目!C4：650000 → 700000" in changes


def test_import_into_a_self_evaluation_field_that_names_its_unit(root, tmp_path):
    """The 自评表 says 实际支出 1,033.48 万元 (seed 004); the workbook's field is 实际支出_本级（元）."""
    from xlreports.importer import import_form, plan_into
    from xlreports.problems import Problems

    sample = "2023年江门市工业发展管理经费绩效自评"
    form = next(p for p in _build(root / "input" / f"{sample}.xlsx", tmp_path / "a").outputs)

    def in_yuan(spent):
        def change(book):
            for row in book["自评信息"].iter_rows():
                if row[0].value == "实际支出_本级":
                    row[0].value, row[1].value = "实际支出_本级（元）", spent
        return change

    for spent, expected in ((10334800, set()), (10000000, {"自评信息!B14：10000000 → 10334800"})):
        workbook = _edit(root, tmp_path, sample, in_yuan(spent))
        problems = Problems()
        changes = {str(c) for c in plan_into(import_form(form, problems), workbook, problems)}
        assert not problems.has_errors(), [str(p) for p in problems]
        assert {c for c in changes if c.startswith("自评信息")} == expected
