"""The 2020 reserve-fund package built from the bundled sample is seed 001 附件1–5."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.build import build
from xlreports.problems import InputError, Problems

SAMPLE = "2020年度工业和信息化预留资金"
CITIES = ["广州", "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞", "中山", "江门", "阳江", "湛江", "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮"]
# seed 001 附件2, 企业情况综合 column
CITY_AMOUNTS = [114.2, 121.2, 44.2, 80.8, 96.9, 39, 33.8, 42.4, 74.2, 25.1, 41.9, 94.1, 76.6, 25.1, 68.7, 45.2, 48.7,
                51.1, 34.5, 63.5, 28.8]
# seed 001 附件3, 工作量（家次）
WORKLOADS = [5500, 6600, 2090, 3080, 5500, 660, 990, 770, 3740, 550, 6050, 4400, 3630, 550, 1980, 1430, 1870, 1210,
             1430, 2420, 550]


@pytest.fixture(scope="module")
def built(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    report = build(root / "input" / f"{SAMPLE}.xlsx", out, root / "templates")
    assert not report.failed, [str(p) for p in report.problems]
    return report


@pytest.fixture(scope="module")
def recalculated(built, libreoffice):
    """Every output and every city file, recalculated by LibreOffice (forced); all formulas agree."""
    files = built.outputs + built.city_files
    assert libreoffice.check(files) == []
    return libreoffice.recalculate(files)


def values(path: Path, sheet: str | None = None):
    book = load_workbook(path, data_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def output(built, name: str) -> Path:
    return next(p for p in built.outputs if p.name == f"{name}.xlsx")


def test_all_forms_are_built_in_annex_order(built):
    assert [p.stem for p in built.outputs] == ["经费安排表", "经费分配表", "政策任务安排表", "绩效目标表", "地市绩效目标表",
                                              "分地市绩效目标表"]
    assert sorted(p.stem for p in built.city_files) == sorted(CITIES)


def test_allocation_table_totals(built, recalculated):
    rows = values(recalculated[output(built, "经费分配表")])
    header = rows.index(next(r for r in rows if r[0] == "地区（单位）"))
    assert rows[header][1:3] == ["企业情况综合（万元）", "支持先进制造业集群培育（万元）"]
    total = rows[header + 1]
    assert total[0] == "合计" and total[1] == pytest.approx(1250) and total[2] == pytest.approx(1269)
    cities = rows[header + 2: header + 23]
    assert [r[0] for r in cities] == [f"{c}市工业和信息化主管部门" for c in CITIES]
    assert [r[1] for r in cities] == CITY_AMOUNTS
    assert [r[2] for r in cities if r[2] is not None] == [693, 576]
    assert cities[1][2] is None  # blank, not 0, where a city has no money in a direction


def test_arrangement_first_row_and_unit_subtotal(built, recalculated):
    path = output(built, "经费安排表")
    rows = values(recalculated[path])
    first = next(r for r in rows if r[0] == 1)
    assert first[1:3] == ["地级以上市工业和信息化主管部门", 2519]
    assert first[4] == "地市企业情况综合数据采集补助、支持先进制造业集群培育"
    bureau = next(r for r in rows if r[1] == "广东省工业和信息化厅")
    assert bureau[2] == 782 and bureau[3] == 125
    amounts = [r[3] for r in rows if isinstance(r[0], int) and r[0] > 1]
    assert amounts == [125, 65, 75, 217, 150, 150, 300, 1900, 100]
    ws = load_workbook(path)["经费安排表"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    start = next(c.row for c in ws["B"] if c.value == "广东省工业和信息化厅")
    assert f"B{start}:B{start + 5}" in merged and f"C{start}:C{start + 5}" in merged
    assert ws[f"C{start}"].value == f"=SUM(D{start}:D{start + 5})"
    assert next(r for r in rows if r[0] == "合计")[2] == 2519 + 782 + 300 + 1900 + 100


def test_task_tables_restart_numbering_and_sum_workloads(built, recalculated):
    rows = values(recalculated[output(built, "政策任务安排表")])
    titles = [r[0] for r in rows if isinstance(r[0], str) and r[0].endswith("政策任务")]
    assert titles == ["2020年度地级以上市企业情况综合政策任务", "2020年度地级以上市先进制造业集群培育政策任务"]
    first = [r for r in rows if r[2] == "企业情况综合"]
    assert [r[0] for r in first] == list(range(1, 22)) and [r[1] for r in first] == CITIES
    assert [r[8] for r in first] == WORKLOADS
    total = next(r for r in rows if r[0] == "合计")
    assert total[8] == 55000
    second = [r for r in rows if r[2] == "先进制造业集群培育"]
    assert [(r[0], r[1]) for r in second] == [(1, "广州"), (2, "东莞")]
    assert second[0][8] == "国家招投标合同里规定的当年任务量"


def test_city_targets_matrix(built):
    book = load_workbook(output(built, "地市绩效目标表"))
    assert book.sheetnames == ["地市绩效目标表-企业情况综合", "地市绩效目标表-支持先进制造业集群培育"]
    ws = book.worksheets[0]
    header = next(c.row for c in ws["C"] if c.value == "一级指标")
    assert [ws.cell(header, c).value for c in range(3, 9)] == ["一级指标", "产出", None, None, "效益", None]
    assert [ws.cell(header + 1, c).value for c in range(4, 9)] == ["数量指标", None, "时效指标", "社会效益指标", None]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {f"D{header}:F{header}", f"G{header}:H{header}", f"D{header + 1}:E{header + 1}",
            f"G{header + 1}:H{header + 1}"} <= merged
    cities = [ws.cell(r, 1).value for r in range(header + 3, ws.max_row + 1)]
    assert cities == CITIES
    assert [int(ws.cell(r, 4).value) for r in range(header + 3, ws.max_row + 1)] == WORKLOADS
    assert f"B{header + 3}:B{header + 23}" in merged  # one overview shared by all 21 cities


def test_each_city_file_holds_only_its_rows(built, recalculated):
    guangzhou = next(p for p in built.city_files if p.stem == "广州")
    book = load_workbook(recalculated[guangzhou], data_only=True)
    assert book.sheetnames == ["经费分配表", "政策任务安排表", "地市绩效目标表-企业情况综合",
                               "地市绩效目标表-支持先进制造业集群培育", "分地市绩效目标表"]
    allocation = [list(r) for r in book["经费分配表"].iter_rows(values_only=True)]
    assert ["合计", 114.2, 693] in allocation and ["广州市工业和信息化主管部门", 114.2, 693] in allocation
    assert not any("深圳" in str(r[0]) for r in allocation)
    tasks = [list(r) for r in book["政策任务安排表"].iter_rows(values_only=True)]
    assert [r[8] for r in tasks if r[1] == "广州" and r[2] == "企业情况综合"] == [5500]
    assert next(r for r in tasks if r[0] == "合计")[8] == 5500
    targets = [list(r) for r in book["分地市绩效目标表"].iter_rows(values_only=True)]
    titles = [r[0] for r in targets if isinstance(r[0], str) and r[0].endswith("绩效目标表")]
    assert titles == ["企业情况综合-广州市绩效目标表", "支持先进制造业集群培育-广州市绩效目标表"]
    assert ["公共服务平台项目数", "2"] in [r[3:5] for r in targets]
    assert ["企业数据采集量 （家次）", "5500"] in [r[3:5] for r in targets]
    dongguan = next(p for p in built.city_files if p.stem == "东莞")
    rows = [list(r) for r in load_workbook(recalculated[dongguan], data_only=True)["经费分配表"].iter_rows(values_only=True)]
    assert ["合计", 41.9, 576] in rows
    shenzhen = next(p for p in built.city_files if p.stem == "深圳")
    book = load_workbook(recalculated[shenzhen], data_only=True)
    assert ["合计", 121.2] in [list(r) for r in book["经费分配表"].iter_rows(values_only=True)]  # its direction only
    assert "地市绩效目标表-支持先进制造业集群培育" not in book.sheetnames


def test_stale_city_files_are_removed(root, tmp_path):
    """A city no longer in the workbook loses its file (it must not be sent); unknown bytes are kept aside."""
    from xlreports.write.files import FileSet
    from xlreports.write.manifest import is_kept_copy

    folder = tmp_path / SAMPLE / "地市"
    with FileSet(tmp_path / SAMPLE, tracked=True) as files:  # written by an earlier build: recorded
        files.write_text(folder / "旧城市.xlsx", "left over from an earlier build")
    (folder / "别人的.xlsx").write_bytes(b"not written by a build")
    build(root / "input" / f"{SAMPLE}.xlsx", tmp_path, root / "templates")
    assert not (folder / "旧城市.xlsx").exists() and not (folder / "别人的.xlsx").exists()
    [kept] = [p for p in folder.glob("*.xlsx") if is_kept_copy(p)]
    assert kept.name.startswith("别人的（已修改 ") and kept.read_bytes() == b"not written by a build"
    assert len(list(folder.glob("*.xlsx"))) == 21 + 1


def test_split_is_optional(root, tmp_path):
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path, root / "templates", split=None)
    assert report.city_files == [] and not (tmp_path / SAMPLE / "地市").exists()
    sample_2021 = root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
    assert build(sample_2021, tmp_path, root / "templates").city_files == []  # no 「资金分配」: no split by default
    forced = build(sample_2021, tmp_path, root / "templates", split="地市")
    assert sorted(p.stem for p in forced.city_files) == sorted(CITIES)


def _allocation_workbook(workbook, allocations, tasks):
    return workbook({
        "资金分配": [["地区", "资金方向", "金额"], *allocations],
        "地市任务": [["地市", "资金投入方向", "工作任务名称", "工作量"], *tasks],
    })


def test_stated_total_and_missing_cities_are_warned(workbook):
    from xlreports.compute import build_context
    from xlreports.validate import read_input

    path = _allocation_workbook(
        workbook,
        [["合计", "企业情况综合", 200], ["广州市", "企业情况综合", 114.2], ["深圳市", "企业情况综合", 121.2]],
        [["广州", "企业情况综合", "数据采集", 5500], ["珠海", "企业情况综合", "数据采集", 2090]],
    )
    problems = Problems()
    build_context(read_input(path, problems), problems)
    warnings = [str(w) for w in problems.warnings]
    assert ("「企业情况综合」的合计与各地市之和不一致：原表写明 200.00 万元，各地市之和为 235.40 万元，相差 35.40 万元（原表少）；"
            "生成的表格使用各地市之和") in warnings[0]
    assert any("「深圳市」在「资金分配」中有资金，但「地市任务」中没有它的任务" in w for w in warnings)
    assert any("「珠海」在「地市任务」中有任务，但「资金分配」中没有给它分配资金" in w for w in warnings)


def test_parent_project_amount_is_checked(workbook):
    from xlreports.compute import build_context
    from xlreports.validate import read_input

    path = workbook({"项目": [["项目名称", "承担单位", "资金需求", "所属项目"],
                              ["企业情况综合工作经费", "厅", 500, None], ["采集", "厅", 125, "企业情况综合工作经费"],
                              ["货运", "厅", 65, "企业情况综合工作经费"], ["无上级", "厅", 1, "不存在的项目"]]})
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    assert "所属项目「不存在的项目」不在「项目」表中" in str(problems.errors[0])
    path = workbook({"项目": [["项目名称", "承担单位", "资金需求", "所属项目"],
                              ["企业情况综合工作经费", "厅", 500, None], ["采集", "厅", 125, "企业情况综合工作经费"],
                              ["货运", "厅", 65, "企业情况综合工作经费"]]}, name="ok.xlsx")
    problems = Problems()
    context = build_context(read_input(path, problems), problems)
    assert ("项目「企业情况综合工作经费」的资金需求与其下 2 个明细项目之和不一致：原表写明 500.00 万元，其下 2 个明细项目之和为 "
            "190.00 万元，相差 310.00 万元（原表多）") in str(problems.warnings[0])
    assert context["totals"].amount == 190


def test_seed_000_city_workloads_against_the_provincial_target(root):
    """Seed 000: the 21 workloads sum to 85,900 while the provincial target says 8.5万家次."""
    from xlreports.compute import build_context
    from xlreports.validate import read_input

    problems = Problems()
    build_context(read_input(root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx", problems), problems)
    (warning,) = [str(w) for w in problems.warnings if "省级指标" in str(w)]
    assert "合计 85,900 家次" in warning and "8.5万家次（85,000 家次）" in warning and "相差 900 家次" in warning


def test_seed_001_workloads_match_the_provincial_target(root):
    """Seed 001: tasks and city targets both sum to 55,000, the 5.5万家次 of the provincial target."""
    from xlreports.compute import build_context
    from xlreports.validate import read_input

    problems = Problems()
    context = build_context(read_input(root / "input" / f"{SAMPLE}.xlsx", problems), problems)
    assert context["task_groups"][0].workload_total == 55000
    assert not [w for w in problems.warnings if "省级指标" in str(w)]
