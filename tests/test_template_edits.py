"""Every shipped template, edited by a real office application, still builds the same forms.

LibreOffice (driven through Python-UNO by ``tests/uno_edit.py``, one soffice for all edits) makes
each edit an officer makes on each template in ``templates/``; then every sample in ``input/`` is
built with the edited folder.  Each build must succeed and equal the build with the unedited
templates cell by cell (values, formulas, merges) — shifted by the inserted row or column — with
LibreOffice's forced recalculation agreeing with every cached value, and the added object present
in every output.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.build import build
from xlreports.render import load_template

pytestmark = pytest.mark.slow

INSERTED = "填报单位：____"
EDITS = ("resave", "insert_row", "insert_header_row", "insert_col", "picture", "cond_format", "defined_name",
         "protect", "instructions_first")
_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


def _plan(path: Path) -> dict:
    """Where each edit goes in one template: rows and columns chosen so no merged cell is cut."""
    sheet = load_template(path).sheets[0]
    first = min((b.first for b in sheet.root.children), default=sheet.max_row)

    def clean(row: int) -> bool:  # inserting before ``row`` splits no merged area
        return not any(r1 < row <= r2 for r1, _, r2, _ in sheet.merges)

    above = next(r for r in range(min(3, first), 1, -1) if clean(r))
    header = first if clean(first) else above
    last = sheet.page.print_area[3] if sheet.page.print_area else sheet.max_col
    return {"sheet": sheet.name, "above": above, "header": header, "first": first, "col": last + 1, "max_col": sheet.max_col,
            "col_blocks": bool(sheet.col_blocks)}


def _job(source: Path, folder: Path, edit: str, plan: dict, image: Path) -> dict:
    job = {"source": str(source), "target": str(folder / edit / source.name), "edit": edit, "image": str(image),
           "row": 1, "col": 1}
    if edit == "insert_row":
        job["row"] = plan["above"]
    elif edit == "insert_header_row":
        job.update(edit="insert_row", row=plan["header"])
    elif edit == "insert_col":
        job["col"] = plan["col"]
    elif edit == "picture":
        job["col"] = plan["max_col"]
    elif edit in ("cond_format", "defined_name"):
        job.update(row=plan["first"], col=plan["max_col"])
    return job


@pytest.fixture(scope="module")
def edited(tmp_path_factory, root, office):
    from PIL import Image

    work = tmp_path_factory.mktemp("edits")
    image = work / "logo.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(image)
    templates = sorted((root / "templates").glob("*.xlsx"))
    plans = {path.name: _plan(path) for path in templates}
    jobs = [_job(path, work, edit, plans[path.name], image) for edit in EDITS for path in templates]
    office.edit(jobs, work)
    for edit in EDITS:  # the text templates (.j2) and mail/ come along unchanged
        for extra in (root / "templates").iterdir():
            if extra.suffix != ".xlsx" and extra.is_file():
                shutil.copy(extra, work / edit / extra.name)
    inputs = sorted((root / "input").glob("*.xlsx"))
    builds = {}
    for name, folder in [("base", root / "templates"), *((edit, work / edit) for edit in EDITS)]:
        reports = [build(source, work / f"out-{name}", folder) for source in inputs]
        builds[name] = reports
    return {"work": work, "plans": plans, "builds": builds}


def _outputs(reports) -> dict[str, Path]:
    """Every file of a build, by its path below the output folder."""
    found = {}
    for report in reports:
        for path in [*report.outputs, *report.city_files]:
            parts = path.parts
            start = next(i for i, part in enumerate(parts) if part.startswith("out-"))
            found["/".join(parts[start + 1:])] = path
    return found


def _grid(path: Path) -> tuple[dict, dict, list[str]]:
    book = load_workbook(path)
    cells, merges = {}, {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    cells[(ws.title, cell.row, cell.column)] = cell.value
        merges[ws.title] = sorted(str(m) for m in ws.merged_cells.ranges)
    return cells, merges, book.sheetnames


def _shift_formula(text, row: int | None = None, col: int | None = None):
    if not isinstance(text, str) or not text.startswith("="):
        return text

    def shift(m):
        from openpyxl.utils import column_index_from_string, get_column_letter

        c, r = column_index_from_string(m[2]), int(m[4])
        if row is not None and r >= row:
            r += 1
        if col is not None and c >= col:
            c += 1
        return f"{m[1]}{get_column_letter(c)}{m[3]}{r}"

    return _REF.sub(shift, text)


def _shift_area(area: str, row: int | None, col: int | None) -> str:
    return _shift_formula("=" + area, row, col)[1:]


def _sheet_plan(sheet: str, plans: dict) -> dict:
    """The plan of the template an output sheet came from (copies of xl:sheet are named 表名-…)."""
    return next(plan for plan in plans.values() if sheet == plan["sheet"] or sheet.startswith(plan["sheet"] + "-"))


def _expected(base_cells, base_merges, plans, edit):
    if edit not in ("insert_row", "insert_header_row", "insert_col"):
        return base_cells, base_merges
    cells, merges = {}, {}
    for (sheet, r, c), value in base_cells.items():
        plan = _sheet_plan(sheet, plans)
        row, col = _where(plan, edit)
        r2 = r + 1 if row is not None and r >= row else r
        c2 = c + 1 if col is not None and c >= col else c
        cells[(sheet, r2, c2)] = _shift_formula(value, row, col)
    for sheet, areas in base_merges.items():
        row, col = _where(_sheet_plan(sheet, plans), edit)
        merges[sheet] = sorted(_shift_area(a, row, col) for a in areas)
        if row is not None:
            cells[(sheet, row, 1)] = INSERTED
    return cells, merges


def _where(plan: dict, edit: str) -> tuple[int | None, int | None]:
    if edit == "insert_row":
        return plan["above"], None
    if edit == "insert_header_row":
        return plan["header"], None
    if plan["col_blocks"]:
        return None, None  # inserted right of the repeated columns: nothing in the output moves
    return None, plan["col"]


@pytest.mark.parametrize("edit", EDITS)
def test_edited_templates_build_the_same_forms(edited, edit):
    base, builds = edited["builds"]["base"], edited["builds"][edit]
    for report in builds:
        assert not report.failed, [str(p) for p in report.problems]
        assert not [p for p in report.problems.warnings if "模板" in str(p)], [str(p) for p in report.problems.warnings]
    base_files, edited_files = _outputs(base), _outputs(builds)
    assert sorted(edited_files) == sorted(base_files)
    assert len(base_files) == 33
    for key, path in base_files.items():
        base_cells, base_merges, base_names = _grid(path)
        cells, merges, names = _grid(edited_files[key])
        assert names == base_names, key
        want_cells, want_merges = _expected(base_cells, base_merges, edited["plans"], edit)
        assert merges == want_merges, key
        if cells != want_cells:
            diff = sorted(set(cells.items()) ^ set(want_cells.items()), key=str)[:6]
            pytest.fail(f"{edit} {key}: {diff}")


def test_recalculation_agrees_after_insertions(edited, libreoffice):
    # the province's files hold every kind of formula; one LibreOffice run recalculates them all
    files = [p for edit in ("insert_row", "insert_header_row", "insert_col") for r in edited["builds"][edit]
             for p in r.outputs]
    assert len(files) == 36
    assert libreoffice.check(files) == []


@pytest.mark.parametrize("edit", ["picture", "cond_format", "defined_name", "protect"])
def test_added_objects_are_in_every_output(edited, edit):
    for key, path in _outputs(edited["builds"][edit]).items():
        book = load_workbook(path)
        for ws in book.worksheets:
            if edit == "picture":
                assert len(ws._images) >= 1, (key, ws.title)
                assert ws._images[0].anchor._from.row == 0
            elif edit == "cond_format":
                assert len(list(ws.conditional_formatting)) >= 1, (key, ws.title)
            elif edit == "protect":
                assert ws.protection.sheet, (key, ws.title)
        if edit == "defined_name":
            assert "数据行" in book.defined_names or any("数据行" in ws.defined_names for ws in book.worksheets), key


def test_conditional_format_stretches_over_the_repeated_rows(edited):
    path = _outputs(edited["builds"]["cond_format"])["广州市荔湾区科技工业和信息化局/项目支出绩效目标表.xlsx"]
    ws = load_workbook(path).active
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    base = load_workbook(_outputs(edited["builds"]["base"])["广州市荔湾区科技工业和信息化局/项目支出绩效目标表.xlsx"]).active
    units = [r for r in range(5, base.max_row + 1) if str(base.cell(r, 2).value).startswith("=SUM(B")]
    # the officer formatted the units' subtotal row (row 5 of the template): one range per unit, none elsewhere
    assert len(units) >= 2
    assert sorted(int(re.search(r"\d+", part)[0]) for rng in ranges for part in rng.split()) == units
