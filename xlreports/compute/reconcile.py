"""Stated totals checked against the sum of their parts.

Published forms state totals (a project's 总计, a unit's amount, the 合计 row) that do not always
add up: seed 002 states 190,857.18 where its projects sum to 190,133.18.  A form built by xlreports
always shows the computed total; every stated total that differs is reported, with both figures
and the difference, so that nobody signs a form believing the two agree.  The importer uses
:func:`mismatch_message` too, so that both report a difference in the same words.
"""

from __future__ import annotations

import math

from .. import contract
from ..model import Project
from ..numbers import show_amount
from ..problems import Problems
from .units import UnitBreakdown, has_sources

TOLERANCE = 0.005  # half a cent of the displayed two decimals


def differs(stated: float | None, computed: float | None) -> bool:
    return stated is not None and computed is not None and abs(stated - computed) > TOLERANCE


def mismatch_message(subject: str, parts: str, stated: float, computed: float, unit: str) -> str:
    """``合计与各项目之和不一致：原表写明 190,857.18 万元，各项目之和为 190,133.18 万元，相差 724.00 万元…``"""
    difference = stated - computed
    side = "原表多" if difference > 0 else "原表少"
    return (f"{subject}与{parts}不一致：原表写明 {show_amount(stated)} {unit}，{parts}为 "
            f"{show_amount(computed)} {unit}，相差 {show_amount(abs(difference))} {unit}（{side}）；"
            f"生成的表格使用{parts}")


def reconcile(projects: list[Project], breakdown: UnitBreakdown, unit: str, problems: Problems) -> None:
    """Warn about every stated total that differs from the sum of its parts: 合计, units, projects."""
    total = breakdown.total
    if differs(total.stated_total, total.total):
        problems.warning(mismatch_message("合计", "各项目之和", total.stated_total, total.total, unit),
                         sheet=contract.INFO)
    for group in breakdown.units:
        if differs(group.stated_total, group.total):
            problems.warning(mismatch_message(f"资金使用单位「{group.name or ''}」的单位合计(原表)", "其各项目之和",
                                              group.stated_total, group.total, unit),
                             sheet=contract.PROJECTS, cell=f"第{group.row}行")
    for project in projects:
        computed = project.sources_total if project.sources_total is not None else project.total
        if differs(project.stated_total, computed):
            parts = "财政拨款、财政专户拨款、其他资金之和" if project.sources_total is not None else "资金需求"
            problems.warning(mismatch_message(f"项目「{project.name}」的合计(原表)", parts, project.stated_total,
                                              computed, unit), sheet=contract.PROJECTS, cell=f"第{project.row}行")
    if breakdown.source_projects:
        for project in projects:
            if not has_sources(project):
                problems.warning(f"项目「{project.name}」没有填写财政拨款、财政专户拨款或其他资金："
                                 "项目支出绩效目标表中它的金额为空", sheet=contract.PROJECTS, cell=f"第{project.row}行")



def reconcile_parents(projects: list[Project], unit: str, problems: Problems) -> None:
    """A project's 资金需求 against the sum of its 所属项目 rows (seed 001: 482 = 125 + 65 + 75 + 217)."""
    for project in projects:
        if not project.children:
            continue
        parts = round(math.fsum(child.total or 0.0 for child in project.children), 6)
        if differs(project.total, parts):
            problems.warning(mismatch_message(f"项目「{project.name}」的资金需求", f"其下 {len(project.children)} 个明细项目之和",
                                              project.total, parts, unit), sheet=contract.PROJECTS, cell=f"第{project.row}行")
