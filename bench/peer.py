"""The peer: the same forms filled the way a Python user would without xlreports.

    python bench/peer.py INPUT OUTDIR      # prints {"seconds": …} for the whole job

openpyxl loads each template, adds rows for every project, copies the template rows' styles into
them, fills values and formulas, merges cells and saves.  By default rows are filled in order below
the template block, which is removed at the end: the fastest way with openpyxl.  ``--insert`` makes
room with ``insert_rows`` above the template block instead, as a template with rows below it (a
合计, a 填表说明) would require: openpyxl moves every cell of the sheet on each insert, so that way
grows with the square of the size.  It fills the two forms that grow with
the input — 绩效目标表 (one block per project) and 项目支出绩效目标表 (a row per unit and project) —
and none of the six small ones, so the ratio it gives is a lower bound.  Reading and checking the
input uses xlreports' own loader, as a careful user would reuse one.
"""

from __future__ import annotations

import json
import sys
import time
from copy import copy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _copy_row(ws, source: int, target: int, columns: int) -> None:
    for col in range(1, columns + 1):
        cell = ws.cell(source, col)
        new = ws.cell(target, col)
        if cell.has_style:
            new._style = copy(cell._style)
    height = ws.row_dimensions[source].height
    if height:
        ws.row_dimensions[target].height = height


def _merge_groups(ws, col: int, first: int, keys: list) -> None:
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start] or not keys[start]:
            if k - start > 1 and keys[start]:
                ws.merge_cells(start_row=first + start, start_column=col, end_row=first + k - 1, end_column=col)
            start = k


def targets_form(projects, info, out: Path, insert: bool = False) -> None:
    """绩效目标表: template rows 4-14 are one project block; blocks go above it (``insert``) or below."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.pagebreak import Break

    wb = load_workbook(TEMPLATES / "绩效目标表.xlsx")
    ws = wb.active
    ws["A1"] = info.get("附件号") or ""
    ws["A2"] = info.get("标题") or f"{info.get('资金名称') or ''}绩效目标表"
    for ref in list(ws.merged_cells.ranges):
        if ref.min_row >= 4:
            ws.unmerge_cells(str(ref))
    at = 4 if insert else 15  # where the next block goes
    for project in projects:
        rows = 4 + len(project.indicators) + 1
        if insert:
            ws.insert_rows(at, rows)
        template = at + rows if insert else 4  # inserting moved the template block down
        for offset, source in enumerate([4, 5, 9, 10]):
            _copy_row(ws, template + source - 4, at + offset, 6)
        for k in range(len(project.indicators)):
            _copy_row(ws, template + 11 - 4, at + 4 + k, 6)
        ws.cell(at, 1, "项目名称")
        ws.cell(at, 3, f"{project.fund}\n\n政策任务-{project.name}" if project.fund else project.name)
        ws.cell(at + 1, 1, "资金需求\n（万元）")
        ws.cell(at + 1, 3, project.total)
        ws.cell(at + 2, 1, "总体绩效目标\n（概述）")
        ws.cell(at + 2, 3, project.overview)
        ws.cell(at + 3, 1, "绩\n效\n指\n标")
        for col, text in zip(range(2, 6), ("一级\n指标", "二级指标", "三级指标", "指标值"), strict=True):
            ws.cell(at + 3, col, text)
        for k, indicator in enumerate(project.indicators):
            r = at + 4 + k
            ws.cell(r, 2, indicator.level1)
            ws.cell(r, 3, indicator.level2)
            ws.cell(r, 4, indicator.name)
            ws.cell(r, 5, indicator.value)
            ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
        for r in range(at, at + 3):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
            ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=6)
        ws.merge_cells(start_row=at + 3, start_column=1, end_row=at + 3 + len(project.indicators), end_column=1)
        ws.merge_cells(start_row=at + 3, start_column=5, end_row=at + 3, end_column=6)
        _merge_groups(ws, 2, at + 4, [i.level1 for i in project.indicators])
        _merge_groups(ws, 3, at + 4, [(i.level1, i.level2) for i in project.indicators])
        ws.row_breaks.append(Break(id=at + rows - 1))
        at += rows
    ws.delete_rows(at if insert else 4, 11)  # the template block
    wb.save(out / "绩效目标表.xlsx")


def budget_form(units, total, info, out: Path, insert: bool = False) -> None:
    """项目支出绩效目标表: the 合计 row, then a unit row and a project row as templates for the rest."""
    from openpyxl import load_workbook

    wb = load_workbook(TEMPLATES / "项目支出绩效目标表.xlsx")
    ws = wb.active
    ws["A2"] = f"部门名称：{info.get('部门名称') or ''}"
    ws["F2"] = f"单位：{info.get('金额单位') or '万元'}"
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value and "合计" in str(ws.cell(r, 1).value))
    unit_row, project_row = header + 1, header + 2
    at = unit_row if insert else project_row + 1
    unit_rows = []
    for unit in units:
        moved = 1 + len(unit.projects) if insert else 0
        if insert:
            ws.insert_rows(at, moved)
        _copy_row(ws, unit_row + moved, at, 7)
        first = at + 1
        last = at + len(unit.projects)
        ws.cell(at, 1, unit.name)
        for col, letter in zip(range(2, 6), "BCDE", strict=True):
            ws.cell(at, col, f"=SUM({letter}{first}:{letter}{last})")
        unit_rows.append(at)
        for k, project in enumerate(unit.projects):
            r = first + k
            _copy_row(ws, project_row + moved, r, 7)
            ws.cell(r, 1, project.name)
            ws.cell(r, 2, f"=C{r}+D{r}+E{r}")
            ws.cell(r, 3, project.appropriation)
            ws.cell(r, 4, project.special_account)
            ws.cell(r, 5, project.other_funds)
            ws.cell(r, 6, project.overview)
            lines = []
            for n, i in enumerate(project.indicators, start=1):
                level1 = f"{i.level1_code}-{i.level1_std}" if i.level1_code else (i.level1 or "")
                level2 = f"{i.level2_code}-{i.level2_name}" if i.level2_code else i.level2
                cycle = f"实施周期指标值:{i.cycle_value}；" if i.cycle_value else ""
                lines.append(f"{n}、{level1}；{level2}；{i.name}；{cycle}年度指标值:{i.value}。")
            ws.cell(r, 7, "\n".join(lines))
        at = last + 1
    ws.delete_rows(at if insert else unit_row, 2)  # the template unit and project rows
    if not insert:
        unit_rows = [r - 2 for r in unit_rows]
        for r in range(unit_row, at - 2):  # the formulas were written before the two rows went
            for col in range(2, 6):
                value = ws.cell(r, col).value
                if isinstance(value, str) and value.startswith("="):
                    ws.cell(r, col).value = _shift(value, -2)
    for col, letter in zip(range(2, 6), "BCDE", strict=True):
        ws.cell(header, col, "=" + "+".join(f"{letter}{r}" for r in unit_rows) if unit_rows else 0)
    wb.save(out / "项目支出绩效目标表.xlsx")


def _shift(formula: str, by: int) -> str:
    import re

    return re.sub(r"([A-Z])(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + by}", formula)


def run(source: Path, out: Path, insert: bool = False) -> float:
    from xlreports.compute import build_context
    from xlreports.problems import Problems
    from xlreports.validate import read_input

    start = time.perf_counter()
    problems = Problems()
    data = read_input(source, problems)
    context = build_context(data, problems)
    out.mkdir(parents=True, exist_ok=True)
    targets_form(context["indicator_projects"], data.info, out, insert)
    budget_form(context["units"], context["units_total"], data.info, out, insert)
    return time.perf_counter() - start


if __name__ == "__main__":
    print(json.dumps({"seconds": run(Path(sys.argv[1]), Path(sys.argv[2]), "--insert" in sys.argv[3:])}))
