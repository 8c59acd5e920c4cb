"""Columns repeated to the right, three-level merged headers, and one sheet per item."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from xlreports.problems import TemplateError
from xlreports.render import load_template, render
from xlreports.write import write_workbook


def matrix_template(path: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "矩阵"
    cells = {
        "A1": "{{ d.name }}地市绩效目标", "A2": "承担单位", "B2": "总体绩效目标", "C2": "一级指标", "D2": "{{ col.level1 }}",
        "C3": "二级指标", "D3": "{{ col.level2 }}", "C4": "三级指标", "D4": "{{ col.name }}", "E2": "备注",
        "A5": "{{ c.name }}", "B5": "{{ c.overview }}", "C5": "指标值", "D5": "{{ c.targets[loop_col(col)] }}",
        "E5": "=SUM(D5)", "A6": "合计", "D6": "=SUM(D5)", "E6": "=SUM(E5)",
    }
    for ref, value in cells.items():
        ws[ref] = value
    notes = {
        "A1": 'xl:sheet(items="directions" var="d" name="{{ d.name }}")',
        "D2": 'xl:each(items="d.columns" var="col" direction="right")\nxl:merge',
        "D3": 'xl:merge(parent="2")',
        "A5": 'xl:each(items="d.cities" var="c")',
        "B5": "xl:merge",
        "E5": 'xl:value(expr="c.total")',
        "D6": 'xl:value(expr="d.totals[loop_col(col)]")',
        "E6": 'xl:value(expr="d.total")',
    }
    for ref, text in notes.items():
        ws[ref].comment = Comment(text, "t")
    ws.merge_cells("A1:E1")
    ws.column_dimensions["D"].width = 12
    dv = DataValidation(type="list", formula1='"是,否"')
    dv.add("D5")
    ws.add_data_validation(dv)
    book.save(path)
    return path


def context():
    columns = [("产出", "数量指标", "企业数据采集量（家次）"), ("产出", "数量指标", "研究报告数（份）"),
               ("产出", "时效指标", "按时完成"), ("效益", "社会效益指标", "为决策提供参考")]
    values = {"广州": [5500, 3, "是", "是"], "深圳": [6600, 3, "是", "是"], "珠海": [2090, 3, "是", "是"]}
    overview = "完成省下达的企业数据采集任务数"

    def direction(name, cities):
        cols = [{"level1": a, "level2": b, "name": c, "index": i} for i, (a, b, c) in enumerate(columns)]
        rows = [{"name": n, "overview": overview, "targets": values[n],
                 "total": sum(v for v in values[n] if isinstance(v, int))} for n in cities]
        totals = [sum(r["targets"][i] for r in rows) if isinstance(rows[0]["targets"][i], int) else 0
                  for i in range(len(cols))]
        return {"name": name, "columns": cols, "cities": rows, "totals": totals, "total": sum(r["total"] for r in rows)}

    return {"directions": [direction("企业情况综合", ["广州", "深圳", "珠海"]), direction("集群培育", ["广州"])],
            "loop_col": lambda col: col["index"]}


def test_matrix_with_three_level_header(tmp_path, libreoffice):
    template = load_template(matrix_template(tmp_path / "matrix.xlsx"))
    first, second = render(template, context())
    assert (first.name, second.name) == ("企业情况综合", "集群培育")
    assert [first.value(1, c) for c in range(3, 8)] == ["产出", None, None, "效益", "备注"]
    assert [first.value(3, c) for c in range(3, 7)] == ["企业数据采集量（家次）", "研究报告数（份）", "按时完成", "为决策提供参考"]
    merges = set(first.merges)
    assert (1, 3, 1, 5) in merges          # 产出 over three indicator columns
    assert (2, 3, 2, 4) in merges          # 数量指标 over two, inside 产出
    assert not any(m[0] == 2 and m[1] == 5 and m[3] > 5 for m in merges)  # 时效 / 社会效益 do not merge across 一级
    assert (0, 0, 0, 7) in merges          # the title stretched over the new columns
    assert (4, 1, 6, 1) in merges          # the shared overview merged down over the three cities
    assert [first.value(r, 3) for r in (4, 5, 6)] == [5500, 6600, 2090]
    assert first.cell(4, 7).formula == "=SUM(D5:G5)"   # from outside the block: all copies
    assert first.cell(7, 3).formula == "=SUM(D5:D7)"   # inside copy 0: its own column
    assert first.cell(7, 4).formula == "=SUM(E5:E7)"
    assert first.cell(7, 7).formula == "=SUM(H5:H7)"   # the column right of the block moved
    assert first.col_widths[3] == first.col_widths[6] == 12
    assert first.validations[0].areas == [(4, 3, 6, 3), (4, 4, 6, 4), (4, 5, 6, 5), (4, 6, 6, 6)]
    assert second.value(4, 0) == "广州" and second.value(5, 0) == "合计"
    out = tmp_path / "matrix-out.xlsx"
    write_workbook([first, second], out)
    assert load_workbook(out).sheetnames == ["企业情况综合", "集群培育"]
    assert libreoffice.check([out]) == []


def test_no_columns_leaves_a_clean_sheet(tmp_path):
    template = load_template(matrix_template(tmp_path / "matrix.xlsx"))
    ctx = context()
    for d in ctx["directions"]:
        d["columns"] = []
    sheet = render(template, ctx)[0]
    assert sheet.value(1, 3) == "备注"
    assert sheet.cell(4, 3).formula == "=SUM(0)"


def test_merge_cannot_go_both_ways(tmp_path):
    book = Workbook()
    ws = book.active
    ws["A1"] = "{{ x }}"
    ws["A1"].comment = Comment('xl:each(items="rows" var="r")\nxl:each(items="cols" var="x" direction="right")\nxl:merge', "t")
    book.save(tmp_path / "both.xlsx")
    with pytest.raises(TemplateError, match="同时向下和向右"):
        load_template(tmp_path / "both.xlsx")
