"""Give each grid to the layout that recognises it, and gather what they read into one form.

A grid no layout recognises, and that holds more than a title, is an error naming its first rows;
a file where no grid is recognised is refused with what was looked for.
"""

from __future__ import annotations

from .. import contract
from ..problems import Problems
from .grid import Grid
from .layouts import (
    allocation_matrix,
    arrangement,
    city_blocks,
    city_targets,
    indicator_rows,
    project_form,
    selfeval,
    selfeval_national,
    task_table,
    wide_table,
)
from .layouts.outcome import Outcome
from .records import (
    AllocationForm,
    CityTargetForm,
    EvaluationForm,
    ImportedForm,
    SourceTable,
    TaskForm,
)

LOOKED_FOR = ("项目支出绩效目标表（项目名称（资金使用单位） | 总计 | 财政拨款 | … | 绩效指标）；"
              "单个项目的绩效目标表（项目名称 …，然后 一级指标 | 二级指标 | 三级指标 | 指标值）；"
              "每行一个指标的申报表（单位名称 | 项目名称 | 预算数 | … | 一级指标 | … | 指标值）")


def recognise(grids: list[Grid], problems: Problems) -> tuple[list[SourceTable], Outcome]:
    """Wide tables (read on by :mod:`.rows`) and the outcome of the other layouts."""
    outcome = Outcome(problems)
    wide: list[SourceTable] = []
    unread: list[Grid] = []
    for grid in grids:
        if selfeval_national.recognises(grid):
            if outcome.evaluation is None:
                outcome.evaluation = EvaluationForm(grid.source, {}, [])
            selfeval_national.read(grid, outcome, outcome.evaluation)
        elif selfeval.recognises(grid):
            if outcome.evaluation is None:
                outcome.evaluation = EvaluationForm(grid.source, {}, [])
            selfeval.read(grid, outcome, outcome.evaluation)
        elif allocation_matrix.recognises(grid):
            if outcome.allocation is None:
                outcome.allocation = AllocationForm(grid.source, outcome.unit, [])
            allocation_matrix.read(grid, outcome, outcome.allocation)
        elif city_blocks.recognises(grid):
            if outcome.cities is None:
                outcome.cities = CityTargetForm(grid.source, [])
            city_blocks.read(grid, outcome, outcome.cities)
        elif city_targets.recognises(grid):
            if outcome.cities is None:
                outcome.cities = CityTargetForm(grid.source, [])
            city_targets.read(grid, outcome, outcome.cities)
        elif task_table.recognises(grid):
            if outcome.tasks is None:
                outcome.tasks = TaskForm(grid.source, [])
            task_table.read(grid, outcome, outcome.tasks)
        elif arrangement.recognises(grid):
            arrangement.read(grid, outcome)
        elif wide_table.recognises(grid):
            wide.append(wide_table.source_table(grid, outcome))
        elif indicator_rows.recognises(grid):
            indicator_rows.read(grid, outcome)
        elif project_form.recognises(grid):
            project_form.read(grid, outcome)
        elif sum(1 for row in grid.rows if not row.blank) > 2:
            unread.append(grid)
    recognised = bool(wide or outcome.descriptions or outcome.projects or outcome.evaluation or outcome.allocation or outcome.tasks or outcome.cities)
    for grid in unread:
        first = next(row for row in grid.rows if not row.blank)
        message = (f"「{grid.name}」不是可以识别的表格" if recognised else
                   f"{grid.source.name} 中找不到可以识别的表格（第一行内容：{' | '.join(first.texts())[:60]}）")
        problems.error(message, sheet=first.sheet, cell=first.cells[0].cell if first.cells else first.label,
                       expected=LOOKED_FOR)
    return wide, outcome


def form_of(grids: list[Grid], outcome: Outcome, source) -> ImportedForm:
    info = {k: v for k, v in outcome.info.items() if k not in ("cities_total", "cities_row")}
    department = info.pop(contract.INFO_DEPARTMENT, None)
    funds = {p.fund for p in outcome.projects if p.fund}
    if len(funds) == 1:
        info.setdefault(contract.INFO_FUND, funds.pop())
    form = ImportedForm(source, department, outcome.unit, outcome.stated_total, outcome.projects, [], info=info)
    form.reports = list(outcome.descriptions) + list(outcome.notes)
    form.shows_indicators = not outcome.without_indicators
    if "cities_row" in outcome.info:
        form.cities_total = (outcome.info["cities_total"], outcome.info["cities_row"])
    return form
