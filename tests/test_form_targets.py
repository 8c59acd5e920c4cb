"""The 绩效目标表 built from the bundled sample is seed 000 附件4-3."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.build import build

SAMPLE = "2021年度战略性产业集群产业链支撑资金"

# (project name, 资金需求) of seed 000, in its order
PROJECTS = [
    ("2021年省本级企业情况综合工作经费（省本级）", 2082.6),
    ("2021年支持制造强省建设专家咨询委日常工作运营项目（省本级）", 306),
    ("工艺美术资金（省本级）", 2000),
    ("广东省大数据开发者大会暨2021阿里云峰会·广东（省本级）", 300),
    ("专项资金管理工作经费（省本级）", 500),  # typed as 500万元 in the input
]

# Every indicator of seed 000 附件4-3: (二级, 三级, 指标值) per project, in the seed's order.
INDICATORS = {
    0: [("数量指标", "企业数据采集现场业务培训人数", "350人次"),
        ("数量指标", "企业数据通过省审核的企业家数", "8.5万家次"),
        ("质量指标", "企业大数据云平台（制造业高质量发展综合平台二期）项目通过信息安全等级保护测评", "是"),
        ("时效指标", "企业情况综合数据采集周期", "12个月（2020年11月至2021年10月）"),
        ("时效指标", "工业电力大数据应用服务项目周期", "22个月（2021年7月至2023年4月）"),
        ("时效指标", "企业大数据云平台（制造业高质量发展综合平台二期）项目周期", "18个月（2021年7月至2022年12月）"),
        ("社会效益指标", "强化经济形势等分析，为省委省政府决策提供参考", "是"),
        ("服务满意度", "企业大数据云平台（制造业高质量发展综合平台二期）项目，各地区工信部门或工业园区管理机构满意率", "≧90%")],
    1: [("数量指标", "召开制造强省专家咨询委会议", "至少2次"),
        ("数量指标", "举办年度广东省制造业高质量发展论坛等重大活动", "至少1次"),
        ("数量指标", "呈报《广东省制造强省专报》及《广东省制造强省建设资讯》", "至少15篇"),
        ("数量指标", "形成《广东省战略性产业集群培育发展情况调研报告》《广东省培育发展产业链“链主”企业和产业生态主导型企业研究报告》"
         "《2013-2020年广东省大型骨干企业培育发展情况评估报告》等3份高质量的课题研究成果", "至少3个"),
        ("数量指标", "形成课题研究报告或出版参考刊物", "至少2个"),
        ("效益指标", "建立完善制造强省建设领域专家咨询决策工作机制",
         "支持制造强省建设专家咨询委员会日常运营工作，全面支撑全省战略性产业集群协同推进机制，提高咨询委的决策咨询服务水平及行业影响力。")],
    3: [("数量指标", "广东省大数据开发者大会暨阿里云峰会广东大会参会人数 （人次）", "3000"),
        ("数量指标", "举办平行论坛数量", "8"),
        ("质量指标", "广东省大数据开发者大会暨阿里云峰会广东大会会议完成率（%）", "100%"),
        ("可持续影响指标", "广东省大数据开发者大会暨2021阿里云峰会广东大会媒体报道家数", "5"),
        ("服务对象满意度指标", "广东省大数据开发者大会暨2021阿里云峰会广东大会与会者满意度", "90%以上")],
    4: [("数量指标", "完成专项审计任务或监督检查（次）", "5次"),
        ("数量指标", "省级财政专项资金绩效评价（含绩效复核）地市数量", "10个"),
        ("质量指标", "累计验收项目合格率（%）", "≥90%"),
        ("时效指标", "专项审计或重点监督检查开展及时性", "是"),
        ("时效指标", "财政专项资金绩效评价及时性", "是"),
        ("经济效益指标", "提高财政资金使用效益", "是"),
        ("服务对象满意度指标", "工作满意度", "≥90%")],
}
# 工艺美术资金: 二级, 三级, 当年度指标值, 项目周期指标值
CRAFTS = [("数量指标", "工艺美术展览展示活动（次）", "≥10", "≥30"),
          ("数量指标", "工艺美术展览展示活动面积（平方米）", "≥10000", "≥50000"),
          ("质量指标", "工艺美术展览会完成率（%）", "100", "100"),
          ("社会效益指标", "服务工艺美术从业者或匠人（人）", "≥100", "≥200"),
          ("社会效益指标", "工艺美术珍品馆培育青年工美艺术家（人）", "≥10", "≥30"),
          ("经济效益指标", "工美园区及其他项目拉动产值（亿元）", "10", "30"),
          ("经济效益指标", "工美园区及工美其他相关收入（万元）", "5000", "15000"),
          ("服务对象满意度指标", "工艺美术珍品展馆体验满意度（%）", "≥90", "≥90")]


@pytest.fixture(scope="module")
def built(root, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = build(root / "input" / f"{SAMPLE}.xlsx", out, root / "templates")
    assert not report.failed, [str(p) for p in report.problems]
    path = out / SAMPLE / "绩效目标表.xlsx"
    assert path in report.outputs
    return path


@pytest.fixture(scope="module")
def sheet(built):
    return load_workbook(built)["绩效目标表"]


def blocks(ws):
    """Row numbers where each project's block starts (the 项目名称 rows)."""
    return [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "项目名称"]


def rows_after(ws, start: int, label: str) -> int:
    return next(r for r in range(start, ws.max_row + 1) if ws.cell(r, 1).value == label)


def indicator_rows(ws, start: int, end: int):
    header = next(r for r in range(start, end) if ws.cell(r, 4).value == "三级指标")
    return header, [r for r in range(header + 1, end) if ws.cell(r, 4).value]


def test_title_and_annex(sheet):
    assert sheet["A1"].value == "附件4-3"
    assert sheet["A2"].value == "战略性产业集群产业链支撑资金绩效目标表"


def test_projects_and_amounts(sheet):
    starts = blocks(sheet)
    assert len(starts) == 5
    for start, (name, amount) in zip(starts, PROJECTS, strict=True):
        assert sheet.cell(start, 3).value == f"2021年度战略性产业集群产业链支撑资金\n\n政策任务-{name}"
        amount_row = rows_after(sheet, start, "资金需求\n（万元）")
        assert sheet.cell(amount_row, 3).value == amount
        assert isinstance(sheet.cell(amount_row, 3).value, int | float)


def test_amount_note_content_and_basis(sheet):
    first, *_, last = blocks(sheet)
    amount_row = rows_after(sheet, first, "资金需求\n（万元）")
    assert sheet.cell(amount_row + 1, 3).value.startswith("〔其中企业大数据云平台")
    assert f"A{amount_row}:B{amount_row + 1}" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet.cell(rows_after(sheet, last, "支出内容"), 3).value.startswith("主要用于省工业和信息化厅主管专项资金")
    assert "粤府〔2018〕120号" in sheet.cell(rows_after(sheet, last, "政策依据"), 3).value
    overview = sheet.cell(rows_after(sheet, last, "总体绩效目标\n（概述）"), 3).value
    assert overview.splitlines()[0] == "1.完成专项审计任务或监督检查5项；"


@pytest.mark.parametrize("project", sorted(INDICATORS))
def test_every_indicator_text_and_value(sheet, project):
    starts = blocks(sheet) + [sheet.max_row + 1]
    header, rows = indicator_rows(sheet, starts[project], starts[project + 1])
    assert sheet.cell(header, 5).value == "指标值"
    shown = [(sheet.cell(r, 4).value, sheet.cell(r, 5).value) for r in rows]
    assert shown == [(name, value) for _, name, value in INDICATORS[project]]


def merged_in(ws, col: str, first: int, last: int) -> set[str]:
    return {str(m) for m in ws.merged_cells.ranges
            if str(m).startswith(col) and m.min_col == m.max_col and first <= m.min_row <= last}


def test_first_project_merges_level1_and_level2(sheet):
    start, nxt = blocks(sheet)[:2]
    header, rows = indicator_rows(sheet, start, nxt)
    r = rows[0]
    assert [sheet.cell(x, 2).value for x in rows] == ["产出", None, None, None, None, None, "效益", None]
    assert merged_in(sheet, "B", r, rows[-1]) == {f"B{r}:B{r + 5}", f"B{r + 6}:B{r + 7}"}
    # 数量指标 ×2 and 时效指标 ×3 merge; 质量/社会效益/服务满意度 are one-row groups
    assert merged_in(sheet, "C", r, rows[-1]) == {f"C{r}:C{r + 1}", f"C{r + 3}:C{r + 5}"}
    assert [sheet.cell(x, 3).value for x in rows] == ["数量指标", None, "质量指标", "时效指标", None, None,
                                                      "社会效益指标", "服务满意度"]
    # the tall 绩效指标 label runs from the header down to the last indicator
    assert f"A{header}:A{rows[-1]}" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet.cell(header, 1).value == "绩\n效\n指\n标"


def test_crafts_project_shows_annual_and_cycle_values(sheet):
    starts = blocks(sheet)
    header, rows = indicator_rows(sheet, starts[2], starts[3])
    assert [sheet.cell(header, c).value for c in (3, 4, 5, 6)] == ["二级指标", "三级指标", "当年度指标值", "项目周期指标值"]
    shown = [tuple(sheet.cell(r, c).value for c in (4, 5, 6)) for r in rows]
    assert shown == [(name, annual, cycle) for _, name, annual, cycle in CRAFTS]
    assert [sheet.cell(r, 3).value for r in rows[:2]] == ["数量指标", None]  # merged although 一级 is blank
    assert all(sheet.cell(r, 2).value is None for r in rows)


def test_page_break_between_projects_and_a4(sheet):
    breaks = [b.id for b in sheet.row_breaks.brk]
    starts = blocks(sheet)
    assert breaks == [s - 1 for s in starts[1:]]
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0


def test_prints_on_a4_without_cutting_text(built, tmp_path, libreoffice):
    """LibreOffice prints it as five A4 portrait pages: one per project, no column spilling over."""
    import re
    import subprocess

    from libreoffice import find_soffice

    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / built.with_suffix(".pdf").name).read_bytes()
    boxes = re.findall(rb"/Type\s*/Page\b(?!s)[^>]*?/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 5
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)
    # the longest overview (project 1, three paragraphs) prints on 7 lines in LibreOffice: its row holds 7
    ws = load_workbook(built)["绩效目标表"]
    overview = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总体绩效目标\n（概述）")
    assert ws.row_dimensions[overview].height >= 7 * 14
