"""What an officer added to a template is in every output, or named in a warning."""

from __future__ import annotations

import zipfile

import pytest

from xlreports.build import build

SAMPLE = "广州市荔湾区科技工业和信息化局.xlsx"


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.slow
def test_footer_keeps_its_font_and_size(root, tmp_path):
    report = build(root / "input" / SAMPLE, tmp_path / "out", root / "templates", split=None)
    assert report.outputs
    for path in report.outputs:
        assert '&amp;C&amp;"宋体"&amp;10 第 &amp;P 页，共 &amp;N 页' in _sheet_xml(path), path.name


def test_footer_font_is_read_from_the_template(root):
    from xlreports.render import load_template

    page = load_template(root / "templates" / "绩效目标表.xlsx").sheets[0].page
    assert page.footer == '&C&"宋体"&10 第 &P 页，共 &N 页'


def _png() -> bytes:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_pictures_formats_names_and_protection_follow_the_rows(tmp_path):
    import io

    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    from xlreports.render import load_template, render
    from xlreports.write import write_workbook

    book = Workbook()
    ws = book.active
    ws.title = "表"
    ws["A1"], ws["A3"], ws["B3"], ws["A4"], ws["B4"] = "标题", "{{ r.name }}", "{{ r.amount }}", "合计", "=SUM(B3)"
    ws["A3"].comment = Comment('xl:each(items="rows" var="r")', "t")
    ws["B4"].comment = Comment('xl:value(expr="total")', "t")
    ws.add_image(Image(io.BytesIO(_png())), "C1")   # above the block: stays
    ws.add_image(Image(io.BytesIO(_png())), "C3")   # in the repeated row: one per row
    ws.add_image(Image(io.BytesIO(_png())), "C4")   # below: moves down with the total
    ws.conditional_formatting.add("B3", CellIsRule(operator="greaterThan", formula=["100"],
                                                   fill=PatternFill("solid", bgColor="FFC7CE")))
    ws.conditional_formatting.add("A4:B4", FormulaRule(formula=["$B4>0"], font=Font(bold=True)))
    book.defined_names["合计金额"] = DefinedName("合计金额", attr_text="'表'!$B$4")
    book.defined_names["明细"] = DefinedName("明细", attr_text="'表'!$A$3:$B$3")
    ws.protection.sheet = True
    ws.protection.password = "abc"
    ws.protection.formatColumns = False  # the officer lets column widths be changed
    book.save(tmp_path / "t.xlsx")

    template = load_template(tmp_path / "t.xlsx")
    assert template.warnings == []
    rows = [{"name": n, "amount": a} for n, a in (("甲", 50), ("乙", 150), ("丙", 300))]
    write_workbook(render(template, {"rows": rows, "total": 500}), tmp_path / "out.xlsx")

    out = load_workbook(tmp_path / "out.xlsx")
    ws = out["表"]
    anchors = sorted((img.anchor._from.row, img.anchor._from.col) for img in ws._images)
    assert anchors == [(0, 2), (2, 2), (3, 2), (4, 2), (5, 2)]  # C1; C3, C4, C5 (one per row); C6 (the total)
    formats = {str(cf.sqref): [(r.type, r.formula) for r in cf.rules] for cf in ws.conditional_formatting}
    assert formats == {"B3:B5": [("cellIs", ["100"])], "A6:B6": [("expression", ["$B6>0"])]}
    assert out.defined_names["合计金额"].attr_text == "'表'!$B$6"
    assert out.defined_names["明细"].attr_text == "'表'!$A$3:$B$5"
    assert ws.protection.sheet and ws.protection.password == "CC1A"  # the template's hash of "abc"
    assert ws.protection.formatColumns is False and ws.protection.formatCells is not False


def test_a_chart_over_repeated_rows_covers_every_row(tmp_path):
    from openpyxl import Workbook, load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    from xlreports.render import load_template, render
    from xlreports.write import write_workbook

    book = Workbook()
    ws = book.active
    ws.title = "表"
    ws["A2"], ws["B2"], ws["A3"], ws["B3"] = "名称", "金额", "{{ r.name }}", "{{ r.amount }}"
    ws["A3"].comment = Comment('xl:each(items="rows" var="r")', "t")
    ws["A5"] = "说明"
    chart = BarChart()
    chart.title = "金额"
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=3), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=3))
    ws.add_chart(chart, "D5")  # below the table: moves down with it
    book.save(tmp_path / "t.xlsx")

    template = load_template(tmp_path / "t.xlsx")
    assert template.warnings == []
    rows = [{"name": n, "amount": a} for n, a in (("甲", 1), ("乙", 2), ("丙", 3))]
    write_workbook(render(template, {"rows": rows}), tmp_path / "out.xlsx")
    drawn = load_workbook(tmp_path / "out.xlsx")["表"]._charts
    assert len(drawn) == 1
    series = drawn[0].series[0]
    category = series.cat.strRef or series.cat.numRef
    assert [f.replace("'", "") for f in (series.val.numRef.f, category.f, series.tx.strRef.f)] == [
        "表!$B$3:$B$5", "表!$A$3:$A$5", "表!$B$2"]
    assert (drawn[0].anchor._from.row, drawn[0].anchor._from.col) == (6, 3)  # D7: two rows further down


def test_a_chart_it_cannot_draw_is_a_warning_naming_its_cell(tmp_path):
    from openpyxl import Workbook
    from openpyxl.chart import RadarChart, Reference

    from xlreports.render import load_template

    book = Workbook()
    ws = book.active
    ws.title = "表"
    for row in range(1, 4):
        ws.cell(row, 1, row)
    chart = RadarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    ws.add_chart(chart, "C2")
    book.save(tmp_path / "t.xlsx")
    warnings = load_template(tmp_path / "t.xlsx").warnings
    assert warnings == ["模板 t.xlsx!表!C2：图表（radarChart）不能保留到生成的文件中（请在生成后的文件中插入图表）"]


def test_hyperlinks_and_filters_are_named_not_dropped_silently(tmp_path):
    from openpyxl import Workbook

    from xlreports.render import load_template

    book = Workbook()
    ws = book.active
    ws.title = "表"
    ws["A1"], ws["B3"] = "标题", "说明"
    ws["B3"].hyperlink = "https://example.org/说明"
    ws.auto_filter.ref = "A2:C5"
    book.save(tmp_path / "t.xlsx")
    assert sorted(load_template(tmp_path / "t.xlsx").warnings) == [
        "模板 t.xlsx!表!A2：自动筛选（A2:C5）不能保留到生成的文件中",
        "模板 t.xlsx!表!B3：超链接不能保留到生成的文件中（单元格的文字会保留）",
    ]


def test_first_page_header_is_named_not_dropped_silently(tmp_path):
    from openpyxl import Workbook

    from xlreports.render import load_template

    book = Workbook()
    ws = book.active
    ws.title = "表"
    ws["A1"] = "标题"
    ws.oddFooter.center.text = "第 &P 页"
    ws.firstFooter.center.text = "首页"
    ws.HeaderFooter.differentFirst = True
    book.save(tmp_path / "t.xlsx")
    template = load_template(tmp_path / "t.xlsx")
    assert template.sheets[0].page.footer == "&C第 &P 页"
    assert template.warnings == ["模板 t.xlsx!表!A1：首页不同或奇偶页不同的页眉页脚不能保留，生成的文件每页都用奇数页的页眉页脚"]
