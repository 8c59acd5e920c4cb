"""Every total, subtotal and score, computed in one place from the validated data.

:func:`build_context` returns what templates see: the model objects with their derived values
filled in, plus the totals.  Templates never add numbers themselves; a formula cell shows the
value computed here as its cached result, and the tests check LibreOffice agrees.
"""

from __future__ import annotations

from typing import Any

from .. import contract
from ..model import InputData
from ..problems import Problems
from .projects import compute_projects
from .reconcile import reconcile
from .units import compute_units

__all__ = ["build_context"]


def build_context(data: InputData, problems: Problems) -> dict[str, Any]:
    totals = compute_projects(data.projects, problems)
    breakdown = compute_units(data.projects, data.info[contract.INFO_STATED_TOTAL], problems)
    reconcile(data.projects, breakdown, data.info[contract.INFO_UNIT], problems)
    return {
        "info": data.info,
        "unit": data.info[contract.INFO_UNIT],
        "projects": data.projects,
        "indicator_projects": [p for p in data.projects if p.indicators],
        "totals": totals,
        "source": data.name,
        # 项目支出绩效目标表: projects by 资金使用单位, with subtotals and the 合计 row
        "units": breakdown.units,
        "units_total": breakdown.total,
        "source_projects": breakdown.source_projects,
    }
