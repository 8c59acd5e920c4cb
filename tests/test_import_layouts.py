"""xlreports import on the layouts offices really have, in every container.

Counts and totals are read off the source texts (tests/realworld/, tests/seeds/), not computed by
the importer: each form's project names, indicator counts and amounts are written here as printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seed_tables import GUANGZHOU_DEVELOPMENT_ZONE, LIWAN

from xlreports.importer import import_form
from xlreports.problems import Problems

HERE = Path(__file__).resolve().parent
REALWORLD = HERE / "realworld"
SEEDS = HERE / "seeds"


def imported(path: Path):
    problems = Problems()
    form = import_form(path, problems)
    assert form is not None and not problems.has_errors(), [str(p) for p in problems]
    return form


def shape(form):
    return [(p.name, len(p.indicators), p.total) for p in form.projects]


def test_sichuan_one_indicator_per_row():
    form = imported(REALWORLD / "sichuan-jingyan-2023-one-indicator-per-row.txt")
    assert form.amount_unit == "元"
    assert form.department == "马踏镇部门"
    assert form.stated_total == 8827620.53
    assert shape(form) == [("村组干部报酬", 8, 3309840.00), ("基层组织活动经费", 5, 660000.00)]
    assert {p.unit for p in form.projects} == {"井研县马踏镇人民政府"}
    first = form.projects[0].indicators[0]
    assert (first.level1, first.level2, first.name, first.value) == ("效益指标", "社会效益指标", "维护社会稳定", "≥95%")
    assert form.projects[1].indicators[-1].value == "=11个"


def test_wuhan_two_halves():
    form = imported(REALWORLD / "wuhan-qingshan-2020-single-project.txt")
    assert shape(form) == [("教育系统基础设施建设和设备购置", 7, 10000.0)]
    (project,) = form.projects
    assert project.unit == "武汉市青山区教育局"
    assert project.overview == "按工作计划完成教育局重点项目建设经费预算安排"
    assert [(i.level2, i.name, i.value) for i in project.indicators][-1] == (
        "服务对象满意度指标", "学生、家长、社会满意度", "≥90%")
    assert any("项目属性「基础建设、修缮类」" in note for note in form.reports)
    assert any("总体目标「优化教育布局" in note for note in form.reports)


def test_xiangtan_rows_without_merged_cells():
    form = imported(REALWORLD / "xiangtan-2023-single-project.txt")
    assert shape(form) == [("雾炮车降尘抑尘服务", 7, 250.0)]
    indicators = form.projects[0].indicators
    assert [(i.level1, i.level2, i.name) for i in indicators][1] == ("产出指标", "数量指标", "雾炮车风炮射程")
    assert (indicators[-1].level1, indicators[-1].value) == ("满意度指标", "≥90%")
    assert any("7 个指标写有绩效标准" in note for note in form.reports)


SEED_000_BLOCKS = [  # 附件4-3, lines 1–340: name, indicator rows, 资金需求（万元）
    ("2021年省本级企业情况综合工作经费（省本级）", 8, 2082.6),
    ("2021年支持制造强省建设专家咨询委日常工作运营项目（省本级）", 6, 306.0),
    ("工艺美术资金（省本级）", 8, 2000.0),
    ("广东省大数据开发者大会暨2021阿里云峰会·广东（省本级）", 5, 300.0),
    ("专项资金管理工作经费（省本级）", 7, 500.0),
]


def seed_lines(name: str, start: str | None, end: str | None) -> str:
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    first = lines.index(start) if start else 0
    last = next((i for i, line in enumerate(lines) if end and line.startswith(end)), len(lines))
    return "\n".join(lines[first:last])


def test_seed_000_forms_one_after_another(tmp_path):
    path = tmp_path / "附件4-3.txt"
    path.write_text(seed_lines("000_763db401cfc43bc4.txt", None, "项目名称："), encoding="utf-8")
    form = imported(path)
    assert shape(form) == SEED_000_BLOCKS
    assert form.info == {"附件号": "附件4-3", "标题": "战略性产业集群产业链支撑资金绩效目标表",
                         "资金名称": "2021年度战略性产业集群产业链支撑资金"}
    assert form.projects[0].amount_note.startswith("〔其中企业大数据云平台")
    craft = form.projects[2].indicators[0]
    assert (craft.level1, craft.level2, craft.value, craft.cycle_value) == (None, "数量指标", "≥10", "≥30")
    assert form.projects[4].content and form.projects[4].basis


def test_seed_000_whole_file_stops_at_the_city_table_and_says_what_it_read():
    problems = Problems()
    import_form(SEEDS / "000_763db401cfc43bc4.txt", problems)
    assert [str(p) for p in problems.errors] == [
        "第341行：读到这里停止：这一行不是指标行（指标表的表头在 第278行），也不是下一个项目的开始（项目名称 …）；"
        "此前已读到 5 个项目（最后一个是「专项资金管理工作经费（省本级）」）"]


def test_seed_001_annex_4(tmp_path):
    path = tmp_path / "附件4.txt"
    path.write_text(seed_lines("001_a583f76ad9f38536.txt", "附件4", "附件5"), encoding="utf-8")
    form = imported(path)
    assert shape(form) == [("2020年省本级企业情况综合工作经费", 4, 482.0),
                           ("2020年省本级促进经济高质量发展专项资金", 3, 300.0),
                           ("广东省大数据开发者大会暨2020阿里云峰会·广东", 5, 300.0),
                           ("工艺美术资金", 8, 2000.0)]


def browser_copy(text: str) -> str:
    """Seed 002 as a browser copies it: every paragraph of a cell on a line of its own."""
    text = re.sub(r"</p> *<p>", "\n", text)  # paragraphs of one cell (not across a tab)
    return re.sub(r"</?p>", "", text)


def test_seed_002_copied_from_a_browser_keeps_all_57_indicators(tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text(browser_copy(GUANGZHOU_DEVELOPMENT_ZONE.read_text(encoding="utf-8")), encoding="utf-8")
    assert path.read_text(encoding="utf-8").count("\n") > GUANGZHOU_DEVELOPMENT_ZONE.read_text().count("\n") + 20
    form = imported(path)
    assert form.indicator_count == 57
    assert len(form.projects) == 11  # the projects of seed 002 (DEVELOPMENT_ZONE in test_import_seeds)
    assert form.stated_total == 190857.18


def liwan_rows() -> list[list[str]]:
    return [line.split("\t") for line in LIWAN.read_text(encoding="utf-8").split("\n")]


@pytest.mark.parametrize("container", ["utf16", "html"])
def test_seed_003_as_unicode_text_and_as_html(tmp_path, container):
    if container == "utf16":
        path = tmp_path / "荔湾.txt"
        path.write_text(LIWAN.read_text(encoding="utf-8"), encoding="utf-16")  # Excel's 「Unicode 文本」
    else:
        import html

        rows = liwan_rows()
        header = next(i for i, cells in enumerate(rows) if len(cells) == 7)
        titles = "".join(f"<p>{html.escape(cells[0])}</p>\n" for cells in rows[:header] if cells[0].strip())
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>\n"
                       for cells in rows[header:] if len(cells) == 7)
        path = tmp_path / "荔湾.html"
        path.write_text(f"<html><body>{titles}<table>{body}</table></body></html>", encoding="utf-8")
    form = imported(path)
    assert form.department == "广州市荔湾区科技工业和信息化局"
    assert form.stated_total == 21947.14
    assert len(form.units) == 2


def test_pdf_text_is_refused_with_advice(tmp_path):
    path = tmp_path / "pdf.txt"
    path.write_text("项目名称 雾炮车降尘抑尘服务 预算部门 湘潭市环境卫生管理处\n一级指标 二级指标 三级指标\n", encoding="utf-8")
    problems = Problems()
    assert import_form(path, problems) is None
    (error,) = problems.errors
    assert "没有一个制表符" in str(error) and "PDF 转 Excel" in str(error)


@pytest.mark.slow
def test_every_target_form_xlreports_writes_reads_back(tmp_path):
    """The 绩效目标表 and 项目支出绩效目标表 built from the bundled samples import with their projects."""
    from xlreports.build import build

    root = HERE.parent
    build(root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx", tmp_path, root / "templates")
    form = imported(tmp_path / "2021年度战略性产业集群产业链支撑资金" / "绩效目标表.xlsx")
    assert shape(form) == SEED_000_BLOCKS


def test_seed_004_self_evaluation_read_up_to_its_defective_row():
    """Seed 004 as published lost the 权重 and 预期值 of one indicator (第60行): that row is refused by name."""
    problems = Problems()
    form = import_form(SEEDS / "004_e1eead8227c744ec.txt", problems)
    assert [p.cell for p in problems.errors] == ["第60行"]
    assert "评选出产品设计组" in str(problems.errors[0])
    assert len(form.indicators) == 31  # 32 rows in the published table, one refused
    assert form.stated_score == 96.66
    assert form.info["项目名称"] == "工业发展管理经费" and form.info["评价金额"] == 1435.0
    assert (form.info["实际支出_本级"], form.info["实际分配下达_转移支付"]) == (1033.48, 0.0)
    first, third = form.indicators[0], form.indicators[2]
    assert (first["level1"], first["level1_weight"], first["level2"], first["name"], first["score"]) == (
        "决策", 20.0, "资金管理", "资金支出率", 11.99)
    # 产出 / 40 / 数量指标 / 33.3 are printed on lines of their own below this row (lines 27–33)
    assert (third["level1"], third["level2"], third["level2_weight"], third["name"], third["target"],
            third["actual"]) == ("产出", "数量指标", 33.3, "服务的工业企业家次", "300", "305")
    assert [i["level2"] for i in form.indicators[-2:]] == ["满意度指标", "满意度指标"]
    assert [section for section, _ in form.notes] == ["资金使用绩效", "资金支出情况", "资金完成绩效目标情况",
                                                      "资金分用途使用成效", "资金项目管理情况", "存在问题", "改进意见",
                                                      "到期资金"]


@pytest.mark.slow
def test_the_self_evaluation_form_xlreports_writes_reads_back(tmp_path):
    from xlreports.build import build

    root = HERE.parent
    build(root / "input" / "2023年江门市工业发展管理经费绩效自评.xlsx", tmp_path, root / "templates")
    form = imported(tmp_path / "2023年江门市工业发展管理经费绩效自评" / "项目绩效自评指标评分表.xlsx")
    assert len(form.indicators) == 32 and form.stated_score == 96.66
    assert (form.info["预算调减"], form.info["待支付金额"]) == (300.0, 100.63)
    methods = [i["method"] for i in form.indicators]
    # as in input/2023年江门市工业发展管理经费绩效自评.xlsx 「自评指标」: 1 支出率, 22 定量, 9 定性
    assert (methods.count("支出率"), methods.count("定量"), methods.count("定性")) == (1, 22, 9)


NATIONAL = [  # the national 项目支出绩效自评表 as a browser copies it (merged cells absent)
    "项目支出绩效自评表", "（2023年度）",
    "项目名称\t社区服务中心运行经费",
    "主管部门\t某区民政局\t实施单位\t某区社区服务中心",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "年度资金总额\t200\t200\t180\t10\t90%\t9",
    "其中：当年财政拨款\t200\t200\t180\t—\t—\t—",
    "上年结转资金\t\t\t\t—\t—\t—",
    "其他资金\t\t\t\t—\t—\t—",
    "年度总体目标\t预期目标\t实际完成情况",
    "保障社区服务中心正常运行\t中心全年正常运行",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "产出指标\t数量指标\t服务人次\t≥5000人次\t5200人次\t20\t20\t",
    "质量指标\t服务合格率\t≥95%\t96%\t20\t20\t",
    "时效指标\t按时完成率\t100%\t100%\t10\t10\t",
    "效益指标\t社会效益指标\t居民办事便利程度\t有所提高\t有提高\t20\t20\t",
    "满意度指标\t服务对象满意度指标\t居民满意度\t≥90%\t92%\t20\t20\t",
    "总分\t\t\t\t\t\t100\t99\t",
]


def test_national_self_evaluation_form(tmp_path):
    path = tmp_path / "自评表.txt"
    path.write_text("\n".join(NATIONAL), encoding="utf-8")
    form = imported(path)
    info = form.info
    assert (info["项目名称"], info["填报单位名称"]) == ("社区服务中心运行经费", "某区社区服务中心")
    assert (info["预算计划安排"], info["实际支出_本级"]) == (200.0, 180.0)
    assert (info["预期总体目标"], info["总体目标完成情况"]) == ("保障社区服务中心正常运行", "中心全年正常运行")
    assert form.stated_score == 99.0
    rows = [(i["level1"], i["level2"], i["name"], i["weight"], i["score"]) for i in form.indicators]
    assert rows == [("预算执行率", "预算执行率", "预算执行率", 10.0, 9.0),
                    ("产出指标", "数量指标", "服务人次", 20.0, 20.0),
                    ("产出指标", "质量指标", "服务合格率", 20.0, 20.0),
                    ("产出指标", "时效指标", "按时完成率", 10.0, 10.0),
                    ("效益指标", "社会效益指标", "居民办事便利程度", 20.0, 20.0),
                    ("满意度指标", "服务对象满意度指标", "居民满意度", 20.0, 20.0)]


@pytest.mark.parametrize("lines, expected", [
    # Dongguan: 中期/年度 value columns, 一级 预期产出指标/效果指标, 二级 数量指标(或建筑规模指标)
    (["项目名称\t市政道路维护\t主管部门\t东莞市城市管理局", "资金总额\t1200万元", "年度目标\t完成道路维护",
      "一级指标\t二级指标\t三级指标\t中期指标值\t年度指标值",
      "预期产出指标\t数量指标(或建筑规模指标)\t维护里程\t≥300公里\t≥100公里",
      "效果指标\t社会效益指标\t道路完好率\t≥95%\t≥95%"],
     [("预期产出指标", "数量指标(或建筑规模指标)", "维护里程", "≥300公里", "≥100公里"),
      ("效果指标", "社会效益指标", "道路完好率", "≥95%", "≥95%")]),
    # Tianjin: 一级 实施效果指标, 二级 产出指标
    (["项目名称\t社区养老服务补贴", "预算部门\t天津市某区民政局", "年度本级 预算金额\t80万", "本年度绩效目标\t补贴按时发放",
      "一级指标\t二级指标\t三级指标\t指标值", "实施效果指标\t产出指标\t补贴发放人数\t≥2000人",
      "效益指标\t补贴发放及时率\t100%"],
     [("实施效果指标", "产出指标", "补贴发放人数", None, "≥2000人"),
      ("实施效果指标", "效益指标", "补贴发放及时率", None, "100%")]),
])
def test_regional_variants_of_the_one_project_form(tmp_path, lines, expected):
    path = tmp_path / "form.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    form = imported(path)
    (project,) = form.projects
    assert [(i.level1, i.level2, i.name, i.cycle_value, i.value) for i in project.indicators] == expected
