"""``&=`` formulas written with Jinja: one formula per row, or an empty cell where nothing renders."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment

from xlreports.render import load_template, render


def test_an_escape_that_renders_nothing_leaves_the_cell_empty(tmp_path):
    book = Workbook()
    ws = book.active
    ws["A1"], ws["B1"] = "{{ r.n }}", "&={% if r.double %}A1*2{% endif %}"
    ws["A1"].comment = Comment('xl:each(items="rows" var="r")', "test")
    ws["B1"].comment = Comment('xl:value(expr="r.n * 2 if r.double else none")', "test")
    path = tmp_path / "escape.xlsx"
    book.save(path)
    (sheet,) = render(load_template(path), {"rows": [{"n": 1, "double": True}, {"n": 2, "double": False},
                                                     {"n": 3, "double": True}]})
    cells = [sheet.cell(r, 1) for r in range(3)]
    assert [(c.formula, c.value) for c in cells] == [("=A1*2", 2), (None, None), ("=A3*2", 6)]
