"""The template engine on small templates built in code: growth, formulas, merges, carried styles."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from xlreports.problems import TemplateError
from xlreports.render import load_template, render
from xlreports.write import write_workbook


def make_template(path: Path, cells: dict, notes: dict | None = None, merges=(), setup=None) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "表"
    for ref, value in cells.items():
        ws[ref] = value
    for ref, text in (notes or {}).items():
        ws[ref].comment = Comment(text, "test")
    for area in merges:
        ws.merge_cells(area)
    if setup:
        setup(ws)
    book.save(path)
    return path


def render_one(path: Path, context: dict):
    sheet = render(load_template(path), context)[0]
    sheet.materialize()
    return sheet


def values(sheet, col: int) -> list:
    return [row.get(col).value if row.get(col) else None for row in sheet.rows]


# --- the footer SUM of the issue: 21 rows, =SUM(C5) → =SUM(C5:C25) ------------------------------

@pytest.fixture
def footer_template(tmp_path):
    return make_template(
        tmp_path / "footer.xlsx",
        {"A1": "标题", "A4": "名称", "C4": "金额", "A5": "{{ r.name }}", "C5": "{{ r.amount }}",
         "D5": "=C5*2", "A6": "合计", "C6": "=SUM(C5)", "A7": "填表说明：以上金额单位为万元"},
        {"A5": 'xl:each(items="rows" var="r")', "D5": 'xl:value(expr="r.amount * 2")',
         "C6": 'xl:value(expr="total")'},
    )


def test_footer_sum_stretches_over_all_copies(footer_template, tmp_path, libreoffice):
    rows = [{"name": f"项目{i}", "amount": round(i * 1.37, 2)} for i in range(1, 22)]
    total = round(sum(r["amount"] for r in rows), 2)
    sheet = render_one(footer_template, {"rows": rows, "total": total})

    assert [sheet.value(r, 0) for r in range(4, 25)] == [r["name"] for r in rows]
    footer = sheet.cell(25, 2)
    assert footer.formula == "=SUM(C5:C25)"
    assert footer.value == total
    assert sheet.value(25, 0) == "合计"
    assert sheet.value(26, 0) == "填表说明：以上金额单位为万元"  # the row below moved down, not overwritten
    assert [sheet.cell(r, 3).formula for r in (4, 5, 24)] == ["=C5*2", "=C6*2", "=C25*2"]

    out = tmp_path / "footer-out.xlsx"
    write_workbook([sheet], out)
    written = load_workbook(out)["表"]
    assert written["C26"].value == "=SUM(C5:C25)"
    assert load_workbook(out, data_only=True)["表"]["C26"].value == total
    assert libreoffice.check([out]) == []
    recalculated = libreoffice.recalculate([out])[out]
    assert load_workbook(recalculated, data_only=True)["表"]["C26"].value == pytest.approx(total)


def test_wrong_cached_value_is_caught_by_the_oracle(footer_template, tmp_path, libreoffice):
    """The LibreOffice check is not a mirror: a wrong cached total is reported."""
    rows = [{"name": "a", "amount": 1.0}, {"name": "b", "amount": 2.0}]
    sheet = render_one(footer_template, {"rows": rows, "total": 100.0})
    out = tmp_path / "wrong.xlsx"
    write_workbook([sheet], out)
    problems = libreoffice.check([out])
    assert len(problems) == 1 and "C7" in problems[0] and "100" in problems[0]


def test_empty_block_makes_references_zero(footer_template):
    sheet = render_one(footer_template, {"rows": [], "total": 0})
    assert sheet.value(4, 0) == "合计"
    assert sheet.cell(4, 2).formula == "=SUM(0)"


# --- nested blocks, group merges and per-group formulas -----------------------------------------

@pytest.fixture
def nested_template(tmp_path):
    return make_template(
        tmp_path / "nested.xlsx",
        {
            "A1": "{{ title }}",
            "A3": "项目", "B3": "{{ p.name }}", "D3": "=SUM(D4)",
            "B4": "{{ i.level1 }}", "C4": "{{ i.level2 }}", "D4": "{{ i.score }}", "E4": "=D4/D$3",
            "A6": "合计", "D6": "=SUM(D3)",
        },
        {
            "A3": 'xl:each(items="projects" var="p" lastCell="E5" pageBreak="true")',
            "D3": 'xl:value(expr="p.total")',
            "B4": 'xl:each(items="p.indicators" var="i")\nxl:merge',
            "C4": 'xl:merge(parent="B")',
            "E4": 'xl:value(expr="i.score / p.total")',
            "D6": 'xl:value(expr="grand")',
        },
        merges=["A3:A4"],
    )


def _projects():
    def ind(l1, l2, score):
        return {"level1": l1, "level2": l2, "score": score}

    first = [ind("产出", "数量", 1), ind("产出", "数量", 2), ind("产出", "质量", 3), ind("效益", "质量", 4),
             ind(None, "x", 5), ind(None, "x", 6)]
    second = [ind("产出", "数量", 7)]
    projects = [{"name": "甲", "indicators": first}, {"name": "乙", "indicators": second}]
    for p in projects:
        p["total"] = sum(i["score"] for i in p["indicators"])
    return projects


def test_nested_blocks_group_merges_and_formulas(nested_template, tmp_path, libreoffice):
    projects = _projects()
    sheet = render_one(nested_template, {"title": "T", "projects": projects, "grand": 28})
    # rows: 0 title, 1 blank, 2 甲, 3-8 its indicators, 9 spacer, 10 乙, 11 its indicator, 12 spacer, 13 合计
    assert values(sheet, 1)[2:13] == ["甲", "产出", None, None, "效益", None, None, None, "乙", "产出", None]
    merges = set(sheet.merges)
    assert (3, 1, 5, 1) in merges            # 一级 产出 over three rows
    assert (3, 2, 4, 2) in merges            # 二级 数量 over two rows, inside 产出
    assert not any(m[1] == 2 and m[0] <= 5 <= m[2] and m[0] != m[2] and m[2] >= 6 for m in merges)
    assert (6, 2, 6, 2) not in merges        # 质量 under 效益 is a one-row group: not merged
    assert not any(m[0] <= 7 and m[2] >= 8 and m[1] == 1 for m in merges)  # blanks never merge
    assert (7, 2, 8, 2) in merges            # ... but equal 二级 under blank 一级 do
    assert (2, 0, 8, 0) in merges            # template merge A3:A4 stretched over the nested rows
    assert (10, 0, 11, 0) in merges
    assert not any(m[0] == 11 and m[1] == 1 for m in merges)  # 乙 has one indicator: nothing merged
    assert sheet.cell(2, 3).formula == "=SUM(D4:D9)"      # per-project subtotal: its own rows only
    assert sheet.cell(10, 3).formula == "=SUM(D12)"
    assert sheet.cell(13, 3).formula == "=SUM(D3,D11)"    # grand total: non-contiguous copies
    assert sheet.cell(3, 4).formula == "=D4/D$3"
    assert sheet.cell(11, 4).formula == "=D12/D$11"
    assert sheet.page.row_breaks == [10]                  # a page break between the projects

    out = tmp_path / "nested-out.xlsx"
    write_workbook([sheet], out)
    assert libreoffice.check([out]) == []


def test_merge_by_expression_and_group_subtotal(tmp_path, libreoffice):
    template = make_template(
        tmp_path / "units.xlsx",
        {"A2": "{{ r.unit }}", "B2": "=SUM(C2)", "C2": "{{ r.amount }}", "D2": "{{ r.name }}",
         "A3": "合计", "B3": "=SUM(C2)"},
        {"A2": 'xl:each(items="rows" var="r")\nxl:merge(by="r.unit")',
         "B2": 'xl:merge(by="r.unit")\nxl:value(expr="subtotals[r.unit]")',
         "B3": 'xl:value(expr="total")'},
    )
    rows = [{"unit": "厅", "amount": a, "name": f"p{a}"} for a in (125, 65, 75, 217, 150, 150)]
    rows += [{"unit": "阿里云", "amount": 300, "name": "大会"}, {"unit": "广轻", "amount": 1900, "name": "工美"}]
    subtotals = {"厅": 782, "阿里云": 300, "广轻": 1900}
    sheet = render_one(template, {"rows": rows, "subtotals": subtotals, "total": 2982})
    assert (1, 0, 6, 0) in sheet.merges and (1, 1, 6, 1) in sheet.merges
    assert sheet.cell(1, 1).formula == "=SUM(C2:C7)" and sheet.cell(1, 1).value == 782
    assert sheet.cell(7, 1).formula == "=SUM(C8)" and sheet.cell(7, 1).value == 300
    assert sheet.cell(2, 1).value is None                 # covered by the merge
    assert sheet.cell(9, 1).formula == "=SUM(C2:C9)"
    out = tmp_path / "units-out.xlsx"
    write_workbook([sheet], out)
    assert libreoffice.check([out]) == []


def test_if_block_and_loop_variable(tmp_path):
    template = make_template(
        tmp_path / "if.xlsx",
        {"A1": "{{ loop.index }}. {{ p.name }}", "A2": "说明：{{ p.note }}", "A3": "尾"},
        {"A1": 'xl:each(items="projects" var="p" lastCell="A2")', "A2": 'xl:if(test="p.note")'},
    )
    sheet = render_one(template, {"projects": [{"name": "a", "note": "n"}, {"name": "b", "note": None}]})
    assert values(sheet, 0) == ["1. a", "说明：n", "2. b", "尾"]


# --- values are typed, text is text ----------------------------------------------------------------

def test_values_keep_their_types_and_text_stays_text(tmp_path):
    template = make_template(
        tmp_path / "types.xlsx",
        {"A1": "{{ number }}", "B1": "{{ text }}", "C1": "前缀{{ number }}", "D1": "{{ nothing }}",
         "E1": "{{ '%.1f' | format(number) }}", "F1": "{{ amount | money }}"},
    )
    sheet = render_one(template, {"number": 2082.6, "text": '=HYPERLINK("http://example.com","x")',
                                  "nothing": None, "amount": 21947.14})
    assert sheet.value(0, 0) == 2082.6
    assert sheet.value(0, 1) == '=HYPERLINK("http://example.com","x")'
    assert sheet.cell(0, 1).formula is None
    assert sheet.value(0, 2) == "前缀2082.6"
    assert sheet.value(0, 3) is None
    assert sheet.value(0, 4) == "2082.6"
    assert sheet.value(0, 5) == "21,947.14"
    out = tmp_path / "types-out.xlsx"
    write_workbook([sheet], out)
    cell = load_workbook(out)["表"]["B1"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_formula_escape_with_markup(tmp_path):
    template = make_template(
        tmp_path / "escape.xlsx",
        {"A1": "{{ r.amount }}", "B1": "&=ROUND(A1*{{ rate }},2)"},
        {"A1": 'xl:each(items="rows" var="r")', "B1": 'xl:value(expr="r.amount * rate")'},
    )
    sheet = render_one(template, {"rows": [{"amount": 10}, {"amount": 20}], "rate": 0.5})
    assert [sheet.cell(r, 1).formula for r in (0, 1)] == ["=ROUND(A1*0.5,2)", "=ROUND(A2*0.5,2)"]
    assert sheet.cell(1, 1).value == 10


# --- the sandbox and template errors -----------------------------------------------------------------

def test_sandbox_blocks_python_internals(tmp_path):
    template = make_template(tmp_path / "evil.xlsx", {"A1": "{{ x.__class__.__mro__ }}"})
    with pytest.raises(TemplateError, match="evil.xlsx"):
        render_one(template, {"x": 1})


def test_unknown_name_is_an_error_naming_the_cell(tmp_path):
    template = make_template(tmp_path / "typo.xlsx", {"B2": "{{ p.nmae }}"}, {"B2": 'xl:each(items="ps" var="p")'})
    with pytest.raises(TemplateError, match=r"typo.xlsx!表!B2.*nmae"):
        render_one(template, {"ps": [{"name": "a"}]})


@pytest.mark.parametrize(
    "notes, message",
    [
        ({"A1": 'xl:each(items="a" var="x" lastCell="A3")', "A2": 'xl:each(items="b" var="y" lastCell="A4")'}, "交叉"),
        ({"A1": "xl:repeat(items=\"a\")"}, "未知的命令"),
        ({"A1": 'xl:each(items="a")'}, "缺少属性 var"),
        ({"A1": 'xl:each(items="a" var="x" colour="red")'}, "没有属性 colour"),
        ({"A1": "xl:merge"}, "重复区域"),
        ({"A1": 'xl:value(expr="1")'}, "公式单元格"),
    ],
)
def test_template_errors(tmp_path, notes, message):
    cells = {"A1": "a", "A2": "b", "A3": "c", "A4": "d"}
    with pytest.raises(TemplateError, match=message):
        load_template(make_template(tmp_path / "bad.xlsx", cells, notes))


# --- what the template carries over ----------------------------------------------------------------

def test_styles_layout_and_print_setup_are_carried_over(tmp_path):
    thin = Side(style="thin", color="FF0000")

    def setup(ws):
        ws["A2"].font = Font(name="黑体", size=16, bold=True, color="FF1F4E79")
        ws["A2"].fill = PatternFill("solid", fgColor="FFDDEBF7")
        ws["A2"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws["A2"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws["B2"].number_format = "#,##0.00"
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["C"].hidden = True
        ws.row_dimensions[2].height = 40
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.page_margins.left = 0.5
        ws.print_title_rows = "1:1"
        ws.print_area = "A1:C4"
        ws.freeze_panes = "A2"
        ws.oddFooter.center.text = "第 &P 页"
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        dv.add("C2")
        ws.add_data_validation(dv)

    template = make_template(
        tmp_path / "style.xlsx",
        {"A1": "表头", "A2": "{{ r.name }}", "B2": "{{ r.amount }}", "A4": "尾"},
        {"A2": 'xl:each(items="rows" var="r" lastCell="C3")'},
        setup=setup,
    )
    rows = [{"name": f"n{i}", "amount": i * 1000.5} for i in range(3)]
    sheet = render_one(template, {"rows": rows})
    out = tmp_path / "style-out.xlsx"
    write_workbook([sheet], out)

    ws = load_workbook(out)["表"]
    for ref in ("A2", "A4", "A6"):
        cell = ws[ref]
        assert cell.font.name == "黑体" and cell.font.sz == 16 and cell.font.b
        assert cell.font.color.rgb.endswith("1F4E79")
        assert cell.fill.fgColor.rgb.endswith("DDEBF7")
        assert cell.border.left.style == "thin" and cell.border.left.color.rgb.endswith("FF0000")
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
        assert ws.row_dimensions[cell.row].height == pytest.approx(40, abs=0.75)  # whole pixels
    assert ws["B4"].number_format == "#,##0.00" and ws["B4"].value == 1000.5
    assert ws["A8"].value == "尾"
    assert ws.column_dimensions["A"].width == pytest.approx(30, abs=0.8)
    assert ws.column_dimensions["C"].hidden
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # absent means 1, the OOXML default
    assert ws.page_setup.fitToHeight == 0
    assert ws.page_margins.left == 0.5
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_area == "'表'!$A$1:$C$8"
    assert ws.freeze_panes == "A2"
    assert ws.oddFooter.center.text == "第 &P 页"
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"是,否"'
    assert str(validation.sqref) == "C2 C4 C6"


def test_long_wrapped_text_gets_a_taller_row(tmp_path):
    def setup(ws):
        ws["A1"].alignment = Alignment(wrap_text=True)
        ws.column_dimensions["A"].width = 10
        ws.column_dimensions["B"].width = 10

    template = make_template(tmp_path / "tall.xlsx", {"A1": "{{ text }}"}, merges=["A1:B1"], setup=setup)
    short = render_one(template, {"text": "短"})
    long = render_one(template, {"text": "很长的中文说明" * 20})
    assert (short.row_heights[0] or 15) < 20
    assert long.row_heights[0] > 100


def test_written_file_is_complete_or_absent(tmp_path):
    from xlreports.render.sheet import Cell, Sheet
    from xlreports.write import WriteError

    too_long = Sheet.from_rows("表", [{0: Cell("字" * 32768, None, None, "t.xlsx!表!A1")}])
    target = tmp_path / "out" / "x.xlsx"
    with pytest.raises(WriteError, match="32767"):
        write_workbook([too_long], target)
    assert list((tmp_path / "out").iterdir()) == []


def test_text_templates_are_included_from_the_template_folder(tmp_path):
    (tmp_path / "指标文本.j2").write_text(
        "{% for i in p.indicators %}{{ loop.index }}、{{ i.name }}：{{ i.value }}。{% endfor %}\n", encoding="utf-8")
    template = make_template(tmp_path / "inc.xlsx", {"A1": '{% include "指标文本.j2" %}'},
                             {"A1": 'xl:each(items="projects" var="p")'})
    projects = [{"indicators": [{"name": "面积", "value": "2408平方米"}, {"name": "次数", "value": "1次"}]}]
    sheet = render_one(template, {"projects": projects})
    assert sheet.value(0, 0) == "1、面积：2408平方米。2、次数：1次。"


def test_include_cannot_leave_the_template_folder(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    template = make_template(folder / "escape.xlsx", {"A1": '{% include "../secret.txt" %}'})
    with pytest.raises(TemplateError):
        render_one(template, {})


def test_formula_without_value_is_a_warning(tmp_path):
    template = load_template(make_template(tmp_path / "novalue.xlsx", {"A1": 1, "A2": "=A1*2"}))
    (warning,) = template.warnings
    assert "novalue.xlsx!表!A2" in warning and "xl:value" in warning


def test_a_failing_form_leaves_no_output_at_all(root, tmp_path, edited_templates):
    """Forms are written under temporary names and renamed together: all of them or none."""
    from xlreports.build import build

    # fails only while its rows are written, after other forms
    templates = edited_templates("分地市绩效目标表.xlsx", "D5", "{{ i.name.missing }}")
    sample = root / "input" / "2020年度工业和信息化预留资金.xlsx"
    report = build(sample, tmp_path / "out", templates)
    assert report.failed and "分地市绩效目标表.xlsx!分地市绩效目标表!D5" in str(report.problems.errors[0])
    assert not (tmp_path / "out").exists() or not any(p.is_file() for p in (tmp_path / "out").rglob("*"))


def test_dataclass_fields_and_properties_stay_sandboxed(tmp_path):
    """The fast path for dataclass fields still refuses private names and unsafe attributes."""
    from dataclasses import dataclass

    @dataclass
    class Item:
        name: str
        _secret: str = "s"

        @property
        def label(self) -> str:
            return self.name.upper()

    ok = make_template(tmp_path / "ok.xlsx", {"A1": "{{ i.name }}", "B1": "{{ i.label }}"})
    sheet = render_one(ok, {"i": Item("abc")})
    assert (sheet.value(0, 0), sheet.value(0, 1)) == ("abc", "ABC")
    for expression in ("{{ i._secret }}", "{{ i.__class__ }}", "{{ i.__dataclass_fields__ }}"):
        with pytest.raises(TemplateError):
            render_one(make_template(tmp_path / "bad.xlsx", {"A1": expression}), {"i": Item("abc")})


def test_overlapping_merges_are_a_template_error(tmp_path):
    """A group merge down column B crossing the template's merge B2:C2 of each copy: Excel would reject it."""
    template = make_template(tmp_path / "overlap.xlsx", {"B2": "{{ r.kind }}"},
                             {"B2": 'xl:each(items="rows" var="r")\nxl:merge'}, merges=["B2:C2"])
    with pytest.raises(TemplateError, match="合并区域相互重叠"):
        render_one(template, {"rows": [{"kind": "a"}, {"kind": "a"}]})


@pytest.mark.parametrize(
    "areas",
    [
        [(0, 0, 2, 0), (1, 0, 1, 1)],   # a top-left inside an earlier area
        [(1, 1, 1, 2), (0, 0, 2, 2)],   # an earlier top-left inside a later area
        [(0, 0, 0, 1), (0, 0, 1, 0)],   # the same top-left twice
        [(0, 1, 1, 1), (1, 0, 1, 2)],   # crossing
    ],
)
def test_overlap_cases(areas):
    from xlreports.render.merges import MergePlan, _index

    with pytest.raises(TemplateError, match="合并区域相互重叠"):
        _index(MergePlan(areas=list(areas)), "t.xlsx", "表")
    plan = MergePlan(areas=[(0, 0, 1, 1), (0, 2, 0, 3), (2, 0, 2, 3)])
    _index(plan, "t.xlsx", "表")
    assert plan.is_covered(1, 1) and not plan.is_covered(0, 0) and plan.span(0, 2) == (0, 3)
