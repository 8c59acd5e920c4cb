"""The 项目绩效自评指标评分表 built from the bundled sample is seed 004, with live scores."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.build import build

SAMPLE = "2023年江门市工业发展管理经费绩效自评"
FORM = "项目绩效自评指标评分表"

# Seed 004's 指标评分表: (三级指标, 权重, 自评分数), in its order.
SEED_ROWS = [
    ("资金支出率", 12, 11.99), ("监管有效性", 8, 8),
    ("服务的工业企业家次", 2.22, 2.22), ("中心提供的服务板块数(个)", 2.22, 2.22),
    ("电子信息制造业统计月报报送数量(个)", 2.22, 2.22), ("电子信息制造业统计年报报送数量(个)", 2.22, 2.22),
    ("开展中小企业培训宣讲活动场次(场)", 2.22, 2.22), ("参加中小企业培训人数(人)", 2.22, 2.22),
    ("印刷宣传手册数量(本)", 2.22, 2.22), ("工业节能的政策宣讲会", 2.22, 2.22), ("工业节能业务宣讲会", 2.22, 2.22),
    ("组织工业节能参观学习", 2.22, 2.22), ("公共微信和企业微信群宣传工业节能方面政策措施和发布节能方面信息", 2.22, 2.22),
    ("征集参赛作品数量", 2.22, 2.22), ("组织工业设计师走进产业集群活动场数", 2.22, 2.22),
    ("评选出产品设计组、概念设计组和产业设计组等组别钻石、金、银、铜奖及优秀奖不少于100件。", 2.22, 2.22),
    ("设计作品成果转化数量", 2.22, 2.22),
    ("服务企业覆盖率", 2.24, 2.24), ("资金使用合规性", 2.24, 2.24),
    ("电子信息月报数据按时提报率", 2.22, 2.22),
    ("先进制造业增加值增速", 3.33, 3.33), ("高技术产业增加值增速", 3.33, 0), ("生产制造企业工业设计能力", 3.33, 3.33),
    ("为企业解决的生产经营问题数量", 3.33, 3.33), ("中小企业政策宣传知晓率", 3.33, 3.33),
    ("提高企业对工业领域碳达峰、绿色节能、清洁生产、绿色制造体系、循环化园区等法律法规和政策认知。", 3.33, 3.33),
    ("全社会设计创新的社会氛围进一步提高，推动全市经济社会高质量发展", 3.33, 3.33),
    ("提供安全的办公环境", 3.33, 3.33), ("发动申报清洁生产企业家数", 3.33, 3.33),
    ("培育设计文化，推动了全市工业设计发展，助力工业振兴。", 3.33, 3.33),
    ("人员满意度（工业企业对产业服务中心的满意度综合评价）", 3.35, 3.35), ("园区管委会满意度", 3.35, 3.35),
]
# (一级, 权重, [(二级, 权重, 行数)]) of seed 004
SEED_GROUPS = [
    ("决策", 20, [("资金管理", 12, 1), ("事项管理", 8, 1)]),
    ("产出", 40, [("数量指标", 33.3, 15), ("质量指标", 4.48, 2), ("时效指标", 2.22, 1)]),
    ("效益", 40, [("经济效益指标", 9.99, 3), ("社会效益指标", 13.32, 4), ("生态效益指标", 6.66, 2),
                  ("可持续影响指标", 3.33, 1), ("满意度指标", 6.7, 2)]),
]
SUMMARY = "2023年工业发展管理经费共设置产出指标18项，全部完成；效益指标12项，其中完成11项，未完成1项。"
COLUMNS = dict(level1=1, weight1=2, level2=3, weight2=4, name=5, weight=6, target=7, actual=8, score=9, reason=10,
               standard=11, evidence=12, method=14, target_number=15, actual_number=16, ratio=17, score2=18, score1=19)


@pytest.fixture(scope="module")
def built(root, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = build(root / "input" / f"{SAMPLE}.xlsx", out, root / "templates")
    assert not report.failed and not list(report.problems), [str(p) for p in report.problems]
    (path,) = report.outputs
    assert path == out / SAMPLE / f"{FORM}.xlsx"
    return path


@pytest.fixture(scope="module")
def recalculated(built, libreoffice) -> Path:
    return libreoffice.recalculate([built])[built]


def rows_of(ws) -> dict[str, int]:
    """三级指标 name → its row."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "名称")
    total = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    return {ws.cell(r, COLUMNS["name"]).value: r for r in range(header + 1, total)}


def row_where(ws, col: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def scores(ws) -> list[tuple]:
    return [(name, ws.cell(r, COLUMNS["weight"]).value, ws.cell(r, COLUMNS["score"]).value)
            for name, r in rows_of(ws).items()]


def test_header_blocks(built):
    ws = load_workbook(built).active
    assert ws["A1"].value == FORM
    assert ws["A2"].value == "填报单位名称：江门市工业和信息化局"
    assert ws["I2"].value == "金额单位：万元"
    project = row_where(ws, 2, "项目名称")
    assert [ws.cell(project, c).value for c in (5, 7, 8, 9, 11)] == ["工业发展管理经费", "评价年度", "2023年", "评价金额", 1435]
    contact = row_where(ws, 2, "联系人")
    assert [ws.cell(contact, c).value for c in (5, 8)] == ["李凤笑", "3279820"]
    basis = row_where(ws, 2, "实施文件依据")
    assert ws.cell(basis, 5).value.startswith("1. 广东省工业和信息化厅关于印发支持高标准建设承接产业有序转移主平台")
    assert ws.cell(basis, 12).value == "一级项目"
    budget = row_where(ws, 4, "预算计划安排")
    assert ws.cell(budget, 6).value == 1435
    allocated, spent = row_where(ws, 4, "实际分配下达"), row_where(ws, 4, "实际支出金额")
    assert [ws.cell(allocated, c).value for c in (6, 8, 9, 11)] == ["市本级", 1435, "转移支付至下级", 0]
    assert [ws.cell(spent, c).value for c in (6, 8, 9, 11)] == ["市本级", 1033.48, "转移支付至下级", 0]
    goal = row_where(ws, 3, "预期总体目标")
    assert ws.cell(goal, 5).value.startswith("落实省委省政府、市委市政府工作部署")
    assert ws.cell(goal, 8).value == "是否如期实现预期总体目标"
    assert ws.cell(goal, 9).value.startswith("1. 2023年规上工业总产值超5800亿元")


def test_every_row_scores_as_in_the_seed(built):
    ws = load_workbook(built, data_only=True).active
    assert scores(ws) == SEED_ROWS
    rows = rows_of(ws)
    assert ws.cell(rows["高技术产业增加值增速"], COLUMNS["reason"]).value.startswith("该项指标为市发展改革委牵头指标")
    assert ws.cell(rows["组织工业设计师走进产业集群活动场数"], COLUMNS["target"]).value == "不少于5场(次)"
    assert ws.cell(rows["组织工业设计师走进产业集群活动场数"], COLUMNS["actual"]).value == "5批次"


def test_groups_are_merged_with_their_weights(built):
    ws = load_workbook(built, data_only=True).active
    rows = rows_of(ws)
    merged = {str(m) for m in ws.merged_cells.ranges}
    first = rows["资金支出率"]
    r = first
    for level1, weight1, children in SEED_GROUPS:
        size1 = sum(n for *_, n in children)
        assert (ws.cell(r, 1).value, ws.cell(r, 2).value) == (level1, weight1)
        assert {f"A{r}:A{r + size1 - 1}", f"B{r}:B{r + size1 - 1}"} <= merged
        for level2, weight2, size2 in children:
            assert (ws.cell(r, 3).value, ws.cell(r, 4).value) == (level2, pytest.approx(weight2))
            if size2 > 1:
                assert {f"C{r}:C{r + size2 - 1}", f"D{r}:D{r + size2 - 1}"} <= merged
            r += size2
    quantity = rows["服务的工业企业家次"]
    assert ws.cell(quantity, COLUMNS["score2"]).value == 33.3      # 数量指标: 15 × 2.22
    assert f"C{quantity}:C{quantity + 14}" in merged
    assert ws.cell(quantity, COLUMNS["score1"]).value == 40         # 产出 at full marks
    assert ws.cell(rows["先进制造业增加值增速"], COLUMNS["score1"]).value == 36.67  # 效益: 40 − 3.33


def test_total_grade_and_formulas(built):
    ws = load_workbook(built).active
    values = load_workbook(built, data_only=True).active
    total = row_where(ws, 1, "合计")
    assert [values.cell(total, c).value for c in (2, 4, 6)] == [100, 100, 100]
    assert values.cell(total, COLUMNS["score"]).value == 96.66
    grade = row_where(ws, 1, "自评等级")
    assert values.cell(grade, COLUMNS["score"]).value == "优"
    assert values.cell(grade, 10).value == "优：90分及以上；良：80（含）–90分；中：60（含）–80分；差：60分以下"
    rows = rows_of(ws)
    first, last = min(rows.values()), max(rows.values())
    assert ws.cell(total, COLUMNS["score"]).value == f"=SUM(I{first}:I{last})"
    # every score is a formula over cells of its row
    for name, r in rows.items():
        formula = ws.cell(r, COLUMNS["score"]).value
        assert formula.startswith("=ROUND(") and f"F{r}" in formula, name
    service = rows["服务的工业企业家次"]
    assert ws.cell(service, COLUMNS["actual_number"]).value == f"=VALUE(H{service})"
    assert ws.cell(rows["征集参赛作品数量"], COLUMNS["target_number"]).value == (
        f'=VALUE(SUBSTITUTE(G{rows["征集参赛作品数量"]},"件以上",""))')
    spending = rows["资金支出率"]
    assert values.cell(spending, COLUMNS["target_number"]).value == 1135            # 1435 − 300
    assert values.cell(spending, COLUMNS["actual_number"]).value == pytest.approx(1134.11)  # 1033.48 + 100.63


def test_summary_sentence_counts_the_indicators(built):
    ws = load_workbook(built).active
    row = row_where(ws, 1, "（二）资金完成绩效目标情况：" + SUMMARY)
    assert row > row_where(ws, 1, "自评等级")
    sections = [ws.cell(r, 1).value for r in range(row - 2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert [s.split("：")[0] for s in sections] == ["一、资金使用绩效", "（一）资金支出情况", "（二）资金完成绩效目标情况",
                                                  "（三）资金分用途使用成效", "（四）资金项目管理情况",
                                                  "二、资金使用绩效存在的问题", "三、改进意见", "四、到期资金"]
    assert sections[-1] == "四、到期资金：\n工业发展管理经费属于其他特定目标类项目，非专项资金。"


def test_libreoffice_agrees_with_every_cached_value(built, recalculated, libreoffice):
    assert libreoffice.check([built]) == []
    ws = load_workbook(recalculated, data_only=True).active
    assert scores(ws) == SEED_ROWS
    total = row_where(ws, 1, "合计")
    assert ws.cell(total, COLUMNS["score"]).value == pytest.approx(96.66)
    assert ws.cell(row_where(ws, 1, "自评等级"), COLUMNS["score"]).value == "优"


def edit_and_recalculate(built, libreoffice, tmp_path, edit) -> object:
    book = load_workbook(built)
    edit(book.active)
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    return load_workbook(libreoffice.recalculate([edited])[edited], data_only=True).active


def test_an_edited_actual_value_flows_into_row_subtotal_total(built, libreoffice, tmp_path):
    """服务的工业企业家次 305 → 150: 150 / 300 × 2.22 = 1.11, so row, 数量指标 and total lose 1.11."""
    rows = rows_of(load_workbook(built).active)
    service = rows["服务的工业企业家次"]

    def edit(ws):
        assert ws.cell(service, COLUMNS["actual"]).value == "305"
        ws.cell(service, COLUMNS["actual"]).value = 150

    ws = edit_and_recalculate(built, libreoffice, tmp_path, edit)
    assert ws.cell(service, COLUMNS["score"]).value == pytest.approx(1.11)
    assert ws.cell(service, COLUMNS["score2"]).value == pytest.approx(32.19)     # 数量指标 33.3 − 1.11
    assert ws.cell(service, COLUMNS["score1"]).value == pytest.approx(38.89)     # 产出 40 − 1.11
    total = row_where(ws, 1, "合计")
    assert ws.cell(total, COLUMNS["score"]).value == pytest.approx(95.55)        # 96.66 − 1.11
    assert ws.cell(row_where(ws, 1, "自评等级"), COLUMNS["score"]).value == "优"


def test_edited_units_ratios_and_funds_flow_too(built, libreoffice, tmp_path):
    rows = rows_of(load_workbook(built).active)
    works, hightech, spending = rows["征集参赛作品数量"], rows["高技术产业增加值增速"], rows["资金支出率"]
    pending = row_where(load_workbook(built).active, 14, "待支付金额")

    def edit(ws):
        ws.cell(works, COLUMNS["actual"]).value = "1500件"     # 1500 / 2000 × 2.22 = 1.665 → 1.67
        ws.cell(hightech, COLUMNS["ratio"]).value = 60         # 60 % × 3.33 = 2.00
        ws.cell(pending, 15).value = 0                          # 1033.48 / 1135 × 12 = 10.93

    ws = edit_and_recalculate(built, libreoffice, tmp_path, edit)
    assert ws.cell(works, COLUMNS["score"]).value == pytest.approx(1.67)
    assert ws.cell(hightech, COLUMNS["score"]).value == pytest.approx(2.0)
    assert ws.cell(spending, COLUMNS["score"]).value == pytest.approx(10.93)
    total = row_where(ws, 1, "合计")
    assert ws.cell(total, COLUMNS["score"]).value == pytest.approx(96.66 - 0.55 + 2.0 - 1.06)


def test_prints_on_a4_landscape_fit_to_width(built, tmp_path, libreoffice):
    ws = load_workbook(built).active
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    assert ws.page_setup.fitToHeight == 0
    last = ws.max_row
    assert ws.print_area == f"'{ws.title}'!$A$1:$L${last}"           # the helper columns do not print
    assert ws.print_title_rows == "$11:$13"                         # the table header repeats on each page

    from libreoffice import find_soffice

    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / built.with_suffix(".pdf").name).read_bytes()
    boxes = re.findall(rb"/Type\s*/Page\b(?!s)[^>]*?/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert 2 <= len(boxes) <= 6
    assert all(abs(float(w) - 841.9) < 1 and abs(float(h) - 595.3) < 1 for w, h in boxes)


def test_only_the_forms_a_workbook_can_fill(root, tmp_path):
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path, root / "templates")
    assert [p.name for p in report.outputs] == [f"{FORM}.xlsx"]
    report = build(root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx", tmp_path, root / "templates")
    assert f"{FORM}.xlsx" not in [p.name for p in report.outputs]


@pytest.mark.slow
def test_a_weight_error_is_reported_with_its_cell_and_nothing_is_written(root, tmp_path):
    book = load_workbook(root / "input" / f"{SAMPLE}.xlsx")
    ws = book["自评指标"]
    ws["F4"] = 2.2                      # 服务的工业企业家次: 数量指标 no longer 33.3
    bad = tmp_path / "input" / "自评.xlsx"
    bad.parent.mkdir()
    book.save(bad)
    import sys

    result = subprocess.run([sys.executable, "-m", "xlreports", "build", str(bad), "-o", str(tmp_path / "output"),
                             "--templates", str(root / "templates")], capture_output=True, text=True, cwd=root,
                            timeout=120)
    assert result.returncode == 1
    assert "自评指标!D4：二级指标「数量指标」的权重 33.3 与其三级指标权重之和 33.28 不一致（第 4–18 行）" in result.stderr
    assert "自评指标!B4：一级指标「产出」的权重 40 与其二级指标权重之和 39.98 不一致（第 4–21 行）" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


# --- every formula of the template against LibreOffice, under both rule sets ------------------

HEADER = ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标", "权重", "预期值", "实现值", "评分方式", "完成比例",
          "完成档次", "自评分数"]
VARIETY = [
    ("产出", 70, "数量指标", 40, "达到", 5, "≥5", "7"),
    (None, None, None, None, "未达到", 5, "不少于300人", "150人"),
    (None, None, None, None, "负的实现值", 5, ">10", "-3"),
    (None, None, None, None, "零目标零实现", 5, "0", "0"),
    (None, None, None, None, "零目标有实现", 5, "0次", "2次"),
    (None, None, None, None, "万与个", 5, "8.5万家次", "86000家次"),
    (None, None, None, None, "全角", 5, "≥９０％", "８０％"),
    (None, None, None, None, "千分位", 5, "1,000件", "900件"),
    ("产出", None, "成本指标", 30, "单位成本", 10, "≤10万元", "15万元"),
    (None, None, None, None, "超过两倍", 10, "≤10", "25"),
    (None, None, None, None, "反向达到", 10, "≤10", "8", "定量反向"),
    ("效益", 20, "社会效益指标", 20, "知晓度", 10, "有所提高", "有提高", "定性", "75%", "部分达成"),
    (None, None, None, None, "专家评分", 10, "良好", "良好", "手工", None, None, 7.25),
    ("决策", 10, "资金管理", 10, "预算执行率", 10, None, None, "支出率"),
]


@pytest.mark.parametrize(("rule", "expected"), [
    ("比例", [5, 2.5, 0, 5, 0, 5, 4.44, 4.5, 6.67, 4, 10, 7.5, 7.25, 9.5]),
    ("一体化", [5, 2.5, 0, 5, 0, 5, 4.44, 4.5, 5, 0, 10, 7.5, 7.25, 9.5]),
])
def test_every_formula_agrees_with_libreoffice(workbook, root, tmp_path, libreoffice, rule, expected):
    path = workbook({
        "自评信息": [["字段", "值"], ["项目名称", "公式测试"], ["评分规则", rule], ["预算计划安排", 1000],
                     ["实际支出_本级", 900], ["实际支出_转移支付", 0], ["待支付金额", 50], ["预算调减", 0]],
        "自评指标": [HEADER, *[list(r) + [None] * (len(HEADER) - len(r)) for r in VARIETY]],
    })
    report = build(path, tmp_path / "out", root / "templates")
    assert not report.failed, [str(p) for p in report.problems]
    (output,) = report.outputs
    ws = load_workbook(output, data_only=True).active
    assert [s for _, _, s in scores(ws)] == expected
    assert libreoffice.check([output]) == []
