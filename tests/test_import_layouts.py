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
