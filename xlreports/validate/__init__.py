"""Turn the loaded tables of a workbook into :class:`~xlreports.model.InputData`.

Each sheet has its own module; every problem found is added to one :class:`Problems` list with its
sheet and cell, and :func:`read_input` raises once, after all sheets were looked at.
"""

from __future__ import annotations

from pathlib import Path

from .. import contract
from ..load.tables import read_key_values, read_table
from ..load.workbook import open_workbook
from ..model import Info, InputData
from ..problems import InputError, Problems
from .allocations import validate_allocations, validate_city_tasks
from .evaluation import validate_evaluation
from .indicators import validate_indicators
from .info import validate_info
from .projects import validate_projects
from .recipients import validate_recipients

__all__ = ["read_input"]


def read_input(path: Path, problems: Problems | None = None) -> InputData:
    """Load and validate ``path``; raise :class:`InputError` if it has errors.

    Warnings are left in ``problems`` (pass one in to see them).
    """
    problems = problems if problems is not None else Problems()
    book = open_workbook(path, problems)
    if book is None:
        raise InputError(problems)
    try:
        if not book.sheets:
            names = "、".join(spec.name for spec in contract.SHEETS)
            problems.error(f"{path.name} 中没有可识别的工作表", expected=f"至少包含以下工作表之一：{names}")
            raise InputError(problems)
        data = _validate(path, book, problems)
    finally:
        book.close()
    problems.raise_if_errors()
    return data


def _validate(path: Path, book, problems: Problems) -> InputData:
    info_sheet = read_key_values(book, contract.INFO_SHEET, problems)
    info = validate_info(info_sheet, problems) if info_sheet else Info({contract.INFO_UNIT: contract.DEFAULT_AMOUNT_UNIT})
    unit = info[contract.INFO_UNIT]

    projects_table = read_table(book, contract.PROJECT_SHEET, problems)
    indicators_table = read_table(book, contract.INDICATOR_SHEET, problems)
    allocations = read_table(book, contract.ALLOCATION_SHEET, problems)
    tasks = read_table(book, contract.CITY_TASK_SHEET, problems)
    recipients = read_table(book, contract.RECIPIENT_SHEET, problems)

    data = InputData(path, info)
    data.city_columns = {table.spec.name: table.letters["city"] for table in (indicators_table, allocations, tasks)
                         if table is not None and "city" in table.letters}
    if projects_table is not None:
        data.projects = validate_projects(projects_table, unit, problems)
    if allocations is not None:
        data.allocations, data.stated_allocation_totals = validate_allocations(allocations, unit, problems)
    if indicators_table is not None:
        if contract.PROJECTS not in book.sheets and not data.allocations:
            problems.error(f"有「{contract.INDICATORS}」工作表但缺少「{contract.PROJECTS}」工作表：指标必须属于某个项目",
                           sheet=contract.INDICATORS, expected=f"同时提供「{contract.PROJECTS}」工作表")
        else:
            directions = frozenset(a.direction for a in data.allocations)
            data.indicators = validate_indicators(indicators_table, data.projects, problems, directions)
    if tasks is not None:
        data.city_tasks = validate_city_tasks(tasks, problems)
    if recipients is not None:
        data.recipients = validate_recipients(recipients, problems)

    data.evaluation = validate_evaluation(read_key_values(book, contract.EVAL_INFO_SHEET, problems),
                                          read_table(book, contract.EVAL_INDICATOR_SHEET, problems),
                                          read_table(book, contract.EVAL_NOTES_SHEET, problems), unit, problems)
    return data
