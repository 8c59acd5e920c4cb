"""``xlreports import``: turn existing forms into an input workbook.

The flow, one module per step::

    sources (grid_text / grid_html / grid_docx / grid_sheet) → recognise (layouts/*) → rows / indicator_text → workbook
    (every container → one cell grid)                          (which layout, read it)                          (write)

Every problem is collected in one :class:`~xlreports.problems.Problems` with its line or cell;
a line or cell that is not read is an error, never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from .. import contract
from ..load.limits import check_workbook
from ..problems import Problem, Problems
from .indicator_text import parse_indicator_text
from .records import INDICATORS, ImportedForm
from .rows import read_rows
from .sources import SHEET_SUFFIXES
from .workbook import write_input_workbook

__all__ = ["ImportedForm", "import_form", "write_input_workbook", "XLSX_SUFFIXES"]

XLSX_SUFFIXES = SHEET_SUFFIXES


def import_form(source: Path, problems: Problems) -> ImportedForm | None:
    """Read ``source``; ``None`` when it cannot be read at all (the reason is in ``problems``)."""
    from .recognise import form_of, recognise
    from .sources import read_grids

    if not source.is_file():
        problems.error(f"找不到文件 {source}")
        return None
    refusal = check_workbook(source)  # a spreadsheet, a .docx: measured before any reader opens it
    if refusal is not None:
        problems.error(refusal.message, sheet=refusal.sheet, cell=refusal.cell)
        return None
    if source.suffix.lower() in XLSX_SUFFIXES and _is_input_workbook(source, problems):
        return None
    grids = read_grids(source, problems)
    if grids is None:
        return None
    wide, outcome = recognise(grids, problems)
    if wide:
        form = _wide_form(wide[0], outcome, problems)
        if form is not None and len(wide) > 1:
            problems.error(f"{source.name} 中有 {len(wide)} 张项目支出绩效目标表，一次只能导入一张",
                           expected="每张表格分别导入")
        if form is not None and outcome.projects:
            problems.error("同一个文件中既有项目支出绩效目标表，又有单个项目的绩效目标表", expected="分别导入")
        return form
    forms = [f for f in (outcome.allocation, outcome.tasks, outcome.cities) if f is not None]
    if forms:  # a city's own file holds several of these forms, one sheet each
        primary = forms[0]
        primary.reports = list(outcome.descriptions) + list(outcome.notes)
        primary.others = forms[1:]
        return primary
    if outcome.evaluation is not None:
        outcome.evaluation.reports = list(outcome.descriptions) + list(outcome.notes)
        if outcome.projects:
            problems.error("同一个文件中既有自评表，又有绩效目标表", expected="分别导入")
        return outcome.evaluation
    if not outcome.descriptions and not problems.has_errors():
        from .recognise import LOOKED_FOR

        problems.error(f"{source.name} 中找不到可以识别的表格", expected=LOOKED_FOR)
        return None
    return form_of(grids, outcome, source)


def _is_input_workbook(source: Path, problems: Problems) -> bool:
    import python_calamine

    try:
        names = python_calamine.CalamineWorkbook.from_path(str(source)).sheet_names
    except Exception:  # reported by the reader
        return False
    known = {spec.name for spec in map(contract.sheet_spec, names) if spec is not None}
    if {contract.PROJECTS, contract.INDICATORS} <= known:
        problems.error(f"{source.name} 已经是填报工作簿（有「{contract.PROJECTS}」「{contract.INDICATORS}」工作表），不需要导入",
                       expected=f"直接运行 xlreports build {source.name}")
        return True
    return False


def _wide_form(table, outcome, problems: Problems) -> ImportedForm | None:
    unit = table.amount_unit
    if not outcome.unit_stated:
        problems.warning(f"没有找到「单位：」，金额按{contract.DEFAULT_AMOUNT_UNIT}导入")
        unit = contract.DEFAULT_AMOUNT_UNIT
    form = read_rows(table, unit, problems)
    form.reports = list(outcome.descriptions)
    for project in form.projects:
        parsed = parse_indicator_text(project.indicator_text)
        project.indicators = parsed.indicators
        sheet, cell = project.row.where(INDICATORS)
        if project.overview and not project.indicator_text:
            problems.warning(f"项目「{project.name}」没有绩效指标", sheet=sheet, cell=cell)
        for issue in parsed.issues:  # every one, even several in one cell
            problems.add(Problem(f"项目「{project.name}」的绩效指标：{issue.message}", sheet, cell, issue.value,
                                 issue.expected, "error" if issue.error else "warning"))
    return form


def plan_into(form, workbook: Path, problems: Problems) -> list:
    """The changes ``import --into`` makes to ``workbook`` for ``form`` and the forms read with it."""
    from .into import plan_changes
    from .into_allocations import plan_allocation_changes
    from .into_cities import plan_city_changes
    from .into_eval import plan_evaluation_changes
    from .into_tasks import plan_task_changes

    def plan(one):
        planner = (plan_city_changes if hasattr(one, "entries") else plan_task_changes if hasattr(one, "tasks") else
                   plan_allocation_changes if hasattr(one, "allocations") else
                   plan_changes if hasattr(one, "units") else plan_evaluation_changes)
        return planner(one, workbook, problems)

    return [change for one in (form, *getattr(form, "others", ())) for change in plan(one)]
