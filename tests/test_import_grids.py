"""Every container becomes the same cell grid: merged cells resolved, every cell located."""

from __future__ import annotations

import zipfile
from pathlib import Path

from xlreports.importer import import_form
from xlreports.importer.grid_docx import read_docx_grids
from xlreports.importer.grid_html import read_html_grids
from xlreports.importer.grid_sheet import read_sheet_grids
from xlreports.importer.grid_text import decode, read_text_grid
from xlreports.problems import Problems

REALWORLD = Path(__file__).resolve().parent / "realworld"


def texts(grid):
    return [[(c.text, c.covered) for c in row.cells] for row in grid.rows]


def test_html_rowspan_and_colspan_are_repeated_and_marked(tmp_path):
    page = tmp_path / "t.html"
    page.write_text("<p>单位：万元</p><table><tr><td rowspan=2>产出指标</td><td colspan=2>数量<br>指标</td></tr>"
                    "<tr><td>甲</td><td>1</td></tr></table>", encoding="utf-8")
    (grid,) = read_html_grids(page, Problems())
    assert texts(grid) == [[("单位：万元", False)],
                           [("产出指标", False), ("数量\n指标", False), ("数量\n指标", True)],
                           [("产出指标", True), ("甲", False), ("1", False)]]
    assert grid.rows[2].cells[1].where == "表格1!第2行第2格"


def _docx(path: Path, body: str) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document {w}><w:body>{body}</w:body></w:document>")


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_grid_span_and_vertical_merge(tmp_path):
    path = tmp_path / "t.docx"
    span, restart, cont = '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    _docx(path, "<w:p><w:r><w:t>绩效目标表</w:t></w:r></w:p><w:tbl>"
                f"<w:tr>{_tc('项目名称')}{_tc('甲', span)}</w:tr>"
                f"<w:tr>{_tc('产出', restart)}{_tc('数量指标')}{_tc('1次')}</w:tr>"
                f"<w:tr>{_tc('', cont)}{_tc('质量指标')}{_tc('合格')}</w:tr></w:tbl>")
    (grid,) = read_docx_grids(path, Problems())
    assert texts(grid) == [[("绩效目标表", False)],
                           [("项目名称", False), ("甲", False), ("甲", True)],
                           [("产出", False), ("数量指标", False), ("1次", False)],
                           [("产出", True), ("质量指标", False), ("合格", False)]]


def test_xlsx_merged_ranges_and_cell_names(tmp_path):
    import xlsxwriter

    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表")
    sheet.merge_range("A1:A2", "产出")
    sheet.write("B1", 2082.6)
    sheet.write("B2", "x")
    book.close()
    (grid,) = read_sheet_grids(path, Problems())
    assert texts(grid) == [[("产出", False), ("2082.6", False)], [("产出", True), ("x", False)]]
    assert grid.rows[0].cells[1].value == 2082.6 and grid.rows[1].cells[0].where == "表!A1"


def test_text_encodings_excel_unicode_text_and_gbk():
    text = "项目名称\t甲\n"
    assert decode(text.encode("utf-16")) == text          # Excel's 「Unicode 文本」: UTF-16 LE with BOM
    assert decode(text.encode("utf-16-le")) == text
    assert decode(text.encode("gbk")) == text
    assert decode(("\ufeff" + text).encode("utf-8")) == text


def test_wuhan_as_docx_reads_like_the_copied_text(tmp_path):
    """The same real form, as a Word table (cells from the copy, one row per line): same project and indicators."""
    lines = (REALWORLD / "wuhan-qingshan-2020-single-project.txt").read_text(encoding="utf-8").split("\n")
    titles = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines[:2])
    rows = "".join("<w:tr>" + "".join(_tc(cell) for cell in line.split("\t")) + "</w:tr>" for line in lines[2:] if line)
    path = tmp_path / "wuhan.docx"
    _docx(path, f"{titles}<w:tbl>{rows}</w:tbl>")
    problems = Problems()
    form = import_form(path, problems)
    assert not problems.has_errors(), [str(p) for p in problems]
    assert [(p.name, len(p.indicators), p.total) for p in form.projects] == [("教育系统基础设施建设和设备购置", 7, 10000.0)]


def test_text_without_tabs_is_refused_as_a_pdf_copy(tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text("项目名称 甲\n一级指标 二级指标\n", encoding="utf-8")
    problems = Problems()
    assert read_text_grid(path, problems) is None
    assert "从 PDF 复制的文字" in str(problems.errors[0])


def test_xiangtan_as_a_saved_web_page_with_rowspans(tmp_path):
    """The Xiangtan form as its page has it: 一级/二级 cells span their rows (the copied text lacks them)."""
    def tr(*cells):
        return "<tr>" + "".join(f"<td{span}>{text}</td>" for text, span in cells) + "</tr>"

    rows = [
        tr(("项目支出名称", ""), ("雾炮车降尘抑尘服务", ""), ("预算部门", ""), ("湘潭市环境卫生管理处", " colspan=3")),
        tr(("年度本级 预算金额", ""), ("250万", ""), ("该项目支出上级资金", ""), ("0", " colspan=3")),
        tr(("本年度绩效目标", ""), ("通过采购雾炮车降尘抑尘服务", " colspan=5")),
        tr(("本年度 绩效指标", " rowspan=9"), ("一级指标", ""), ("二级指标", ""), ("三级指标", ""), ("指标值及单位", ""),
           ("绩效标准", "")),
        tr(("产出指标", " rowspan=5"), ("数量指标", " rowspan=2"), ("雾炮车降尘抑尘服务配备车辆数", ""), ("10辆", ""),
           ("计划标准", "")),
        tr(("雾炮车风炮射程", ""), ("≥80M", ""), ("计划标准", "")),
        tr(("质量指标", ""), ("服务周期内空气质量", ""), ("优良", ""), ("计划标准", "")),
        tr(("时效指标", ""), ("服务周期", ""), ("2023.07-2024.01", ""), ("计划标准", "")),
        tr(("成本指标", ""), ("控制在预算成本内", ""), ("250万", ""), ("计划标准", "")),
        tr(("效益指标", " rowspan=2"), ("社会效益指标", ""), ("市民对空气质量改善的满意程度", ""), ("≥85%", ""),
           ("计划标准", "")),
        tr(("生态效益指标", ""), ("", ""), ("", ""), ("", "")),
        tr(("满意度指标", ""), ("社会公众或服务对象满意度指标", ""), ("市民满意度", ""), ("≥90%", ""), ("计划标准", "")),
    ]
    page = tmp_path / "湘潭.html"
    page.write_text("<html><body><p>2023年项目支出绩效目标申报表</p><p>填报单位:(盖章) 单位:万元</p><table>"
                    + "".join(rows) + "</table></body></html>", encoding="utf-8")
    problems = Problems()
    form = import_form(page, problems)
    assert not problems.has_errors(), [str(p) for p in problems]
    (project,) = form.projects
    assert (project.name, project.total) == ("雾炮车降尘抑尘服务", 250.0)
    assert [(i.level1, i.level2, i.name) for i in project.indicators] == [
        ("产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数"), ("产出指标", "数量指标", "雾炮车风炮射程"),
        ("产出指标", "质量指标", "服务周期内空气质量"), ("产出指标", "时效指标", "服务周期"),
        ("产出指标", "成本指标", "控制在预算成本内"), ("效益指标", "社会效益指标", "市民对空气质量改善的满意程度"),
        ("满意度指标", "社会公众或服务对象满意度指标", "市民满意度")]
