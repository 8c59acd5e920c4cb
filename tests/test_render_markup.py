"""Markup that survives an officer's row and column insertions: xl:end, within, xl:ref.

Each new form is checked against the old address form (``lastCell``, ``parent``, addresses in
``&=`` text) on the same data: the output must be the same, and the old form must warn.  Where an
old address went stale (an edit moved the rows under it), the reader refuses it, naming the cell.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment

from xlreports.problems import TemplateError
from xlreports.render import load_template, render


def make(path, cells: dict, notes: dict, merges=(), insert_row: int | None = None):
    book = Workbook()
    ws = book.active
    ws.title = "表"
    for ref, value in cells.items():
        ws[ref] = value
    for ref, text in notes.items():
        ws[ref].comment = Comment(text, "test")
    for area in merges:
        ws.merge_cells(area)
    if insert_row:  # the rows below move, the merges do not: as a stale lastCell sees its area
        for ref in [r for r in cells if int(re.sub(r"\D", "", r)) >= insert_row]:
            ws[ref] = None
        for ref, value in cells.items():
            if int(re.sub(r"\D", "", ref)) >= insert_row:
                ws[re.sub(r"\d+", lambda m: str(int(m[0]) + 1), ref)] = value
    book.save(path)
    return path


def rendered(path, context):
    template = load_template(path)
    sheet = render(template, context)[0]
    sheet.materialize()
    grid = {(r, c): (cell.value, cell.formula) for r, row in enumerate(sheet.rows) for c, cell in row.items()
            if cell.value is not None or cell.formula}
    return grid, sorted(sheet.merges), template.warnings


PROJECTS = [
    {"name": "甲", "note": "说明甲", "indicators": [{"l1": "产出", "l2": "数量", "v": 1}, {"l1": "产出", "l2": "数量", "v": 2},
                                                 {"l1": "产出", "l2": "质量", "v": 3}, {"l1": "效益", "l2": "质量", "v": 4}]},
    {"name": "乙", "note": None, "indicators": [{"l1": "产出", "l2": "数量", "v": 5}]},
]
CELLS = {"A1": "标题", "A3": "{{ p.name }}", "B4": "说明", "C4": "{{ p.note }}", "A5": "指标",
         "B6": "{{ i.l1 }}", "C6": "{{ i.l2 }}", "D6": "{{ i.v }}", "D7": "=SUM(D6)", "A9": "合计", "D9": "=SUM(D7)"}
COMMON = {"D7": 'xl:value(expr="p.indicators | sum(attribute=\'v\')")', "D9": 'xl:value(expr="15")'}


def test_end_and_within_give_what_lastcell_and_parent_gave(tmp_path):
    old = make(tmp_path / "old.xlsx", CELLS, {
        **COMMON,
        "A3": 'xl:each(items="projects" var="p" lastCell="D8")',
        "B4": 'xl:if(test="p.note" lastCell="D4")',
        "A5": 'xl:if(test="p.indicators" lastCell="D7")',
        "B6": 'xl:each(items="p.indicators" var="i")\nxl:merge',
        "C6": 'xl:merge(parent="B")',
    }, merges=["A5:A7"])
    new = make(tmp_path / "new.xlsx", CELLS, {
        **COMMON,
        "A3": 'xl:each(items="projects" var="p")',
        "B4": 'xl:if(test="p.note")',
        "A5": 'xl:if(test="p.indicators" name="指标")',
        "B6": 'xl:each(items="p.indicators" var="i")\nxl:merge(name="一级")',
        "C6": 'xl:merge(within="一级")',
        "B7": 'xl:end(if="指标")',
        "D8": 'xl:end(each="p")',
    }, merges=["A5:A7"])
    old_grid, old_merges, old_warnings = rendered(old, {"projects": PROJECTS})
    new_grid, new_merges, new_warnings = rendered(new, {"projects": PROJECTS})
    assert new_grid == old_grid
    assert new_merges == old_merges
    assert (5, 1, 7, 1) in new_merges  # 产出 over three indicator rows of 甲
    assert (5, 2, 6, 2) in new_merges  # 数量 within 产出
    assert old_grid[(9, 3)] == (10, "=SUM(D6:D9)")   # 甲's subtotal over its four indicators
    assert old_grid[(16, 3)] == (15, "=SUM(D10,D15)")  # the total over both subtotals
    assert new_warnings == []
    assert len(old_warnings) == 4 and all("已不推荐使用" in w for w in old_warnings)
    assert any('xl:end(each="p")' in w and "表!A3" in w for w in old_warnings)


def _moved(ref: str, at: int) -> str:
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    return f"{col}{int(row) + 1 if int(row) >= at else row}"


def test_new_markup_survives_a_row_inserted_above_the_table(tmp_path):
    notes = {**COMMON, "A3": 'xl:each(items="projects" var="p")', "B4": 'xl:if(test="p.note")',
             "A5": 'xl:if(test="p.indicators" name="指标")',
             "B6": 'xl:each(items="p.indicators" var="i")\nxl:merge(name="一级")', "C6": 'xl:merge(within="一级")',
             "B7": 'xl:end(if="指标")', "D8": 'xl:end(each="p")'}
    grid, merges, _ = rendered(make(tmp_path / "t.xlsx", CELLS, notes, merges=["A5:A7"]), {"projects": PROJECTS})
    # what an office application does on inserting row 2: cells, notes, merges and formulas move together
    shift = re.compile(r"([A-Z]+)(\d+)")
    cells = {_moved(k, 2): (shift.sub(lambda m: _moved(m[0], 2), v) if str(v).startswith("=") else v)
             for k, v in CELLS.items()}
    moved = {_moved(k, 2): v for k, v in notes.items()}
    edited, edited_merges, warnings = rendered(make(tmp_path / "s.xlsx", cells, moved, merges=["A6:A8"]),
                                               {"projects": PROJECTS})
    assert warnings == []
    expected = {(r + 1 if r >= 1 else r, c): (v, shift.sub(lambda m: f"{m[1]}{int(m[2]) + 1}", f) if f else f)
                for (r, c), (v, f) in grid.items()}
    assert edited == expected
    assert edited_merges == sorted((r1 + 1, c1, r2 + 1, c2) for r1, c1, r2, c2 in merges)


def test_stale_lastcell_is_refused_naming_the_cell(tmp_path):
    notes = {"A3": 'xl:each(items="projects" var="p" lastCell="D8")',
             "A5": 'xl:if(test="p.indicators" lastCell="D7")', "B6": 'xl:each(items="p.indicators" var="i")'}
    cells = {k: v for k, v in CELLS.items() if not str(v).startswith("=")}
    path = make(tmp_path / "t.xlsx", cells, notes, merges=["A5:A8"], insert_row=6)  # the merge grew, the text did not
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    message = str(caught.value)
    assert message.startswith("模板 t.xlsx!表!A5：") and "A5:A8" in message and "lastCell" in message
    assert not message.startswith("模板：模板")


def test_stale_parent_is_refused_naming_the_likely_edit(tmp_path):
    # parent="B" written for B3; the officer then inserted a column B: the notes moved to C3 and D3
    book_notes = {"A3": 'xl:each(items="projects" var="p")', "C3": "xl:merge", "D3": 'xl:merge(parent="B")'}
    path = make(tmp_path / "t.xlsx", {"C3": "{{ p.a }}", "D3": "{{ p.b }}"}, book_notes)
    with pytest.raises(TemplateError, match=r"t\.xlsx!表!D3：xl:merge 的 parent 已失效.*左边插入或删除了列"):
        load_template(path)


def test_end_without_its_area_names_the_cell(tmp_path):
    path = make(tmp_path / "t.xlsx", {"A2": "{{ p }}"}, {"A2": 'xl:each(items="ps" var="p")', "A4": 'xl:end(each="q")'})
    with pytest.raises(TemplateError, match=r'表!A4：xl:end\(each="q"\) 上方找不到 var="q" 的 xl:each'):
        load_template(path)


def test_end_closes_a_column_block(tmp_path):
    cells = {"A1": "名称", "B1": "{{ c.name }}", "C1": "{{ c.unit }}", "D1": "备注", "B2": "=B3+C3", "B3": 1, "C3": 2}
    notes = {"B1": 'xl:each(items="cols" var="c" direction="right")', "C1": 'xl:end(each="c")',
             "B2": 'xl:value(expr="1")'}
    grid, _, warnings = rendered(make(tmp_path / "t.xlsx", cells, notes),
                                 {"cols": [{"name": "甲", "unit": "元"}, {"name": "乙", "unit": "吨"}]})
    assert warnings == []
    assert [grid[(0, c)][0] for c in range(5)] == ["名称", "甲", "元", "乙", "吨"]
    assert grid[(0, 5)][0] == "备注"
    assert grid[(1, 1)][1] == "=B3+C3" and grid[(1, 3)][1] == "=D3+E3"


def test_ref_names_a_cell_for_formula_text(tmp_path):
    cells = {"A1": "系数", "B1": 3, "A3": "{{ r.x }}", "B3": "&=ROUND({{ ref.数量 }}*{{ ref.系数 }},2)", "C3": "&=A3*B1"}
    notes = {"B1": 'xl:ref(name="系数")', "A3": 'xl:each(items="rows" var="r")\nxl:ref(name="数量")',
             "B3": 'xl:value(expr="r.x * 3")', "C3": 'xl:value(expr="r.x * 3")'}
    grid, _, warnings = rendered(make(tmp_path / "t.xlsx", cells, notes), {"rows": [{"x": 1}, {"x": 2}]})
    assert grid[(2, 1)] == (3, "=ROUND(A3*B1,2)") and grid[(3, 1)] == (6, "=ROUND(A4*B1,2)")
    assert len(warnings) == 1 and "表!C3" in warnings[0] and "A3、B1" in warnings[0]


def test_unknown_ref_is_refused(tmp_path):
    cells = {"A3": "&=1+{{ ref.数量 }}"}
    with pytest.raises(TemplateError, match=r'表!A3：公式中的 ref\.数量 没有对应的 xl:ref\(name="数量"\)'):
        load_template(make(tmp_path / "t.xlsx", cells, {"A3": 'xl:value(expr="1")'}))
