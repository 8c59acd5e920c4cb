"""``xlreports import``: turn an existing 项目支出绩效目标表 into an input workbook.

The flow, one module per step::

    text_table / xlsx_table → rows → indicator_text → workbook
    (read the table)          (units, projects, amounts)  (parse 绩效指标)  (write 文件信息/项目/指标)

Sources are the table flattened to text (tab-separated, as published on district websites, seeds
002 and 003) or the same table in an ``.xlsx`` (the form xlreports builds, or an officer's
spreadsheet).  Every problem is collected in one :class:`~xlreports.problems.Problems` with its
line or cell; nothing that could not be read is dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from .. import contract
from ..amounts import is_known_unit
from ..problems import Problem, Problems
from .indicator_text import parse_indicator_text
from .records import INDICATORS, ImportedForm
from .rows import read_rows
from .workbook import write_input_workbook

__all__ = ["ImportedForm", "import_form", "write_input_workbook", "XLSX_SUFFIXES"]

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def import_form(source: Path, problems: Problems) -> ImportedForm | None:
    """Read ``source``; ``None`` when it cannot be read at all (the reason is in ``problems``)."""
    from .text_table import read_text_table
    from .xlsx_table import read_xlsx_table

    if not source.is_file():
        problems.error(f"找不到文件 {source}")
        return None
    reader = read_xlsx_table if source.suffix.lower() in XLSX_SUFFIXES else read_text_table
    table = reader(source, problems)
    if table is None:
        return None
    unit = table.amount_unit
    if unit is None:
        problems.warning(f"没有找到「单位：」，金额按{contract.DEFAULT_AMOUNT_UNIT}导入")
        unit = contract.DEFAULT_AMOUNT_UNIT
    elif not is_known_unit(unit):
        problems.error(f"金额单位「{unit}」无法识别", expected="元、千元、万元 或 亿元")
        return None
    form = read_rows(table, unit, problems)
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
