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
from .evaluation import compute_evaluation
from .projects import compute_projects

__all__ = ["build_context"]


def build_context(data: InputData, problems: Problems) -> dict[str, Any]:
    totals = compute_projects(data.projects, problems)
    return {
        "info": data.info,
        "unit": data.info[contract.INFO_UNIT],
        "projects": data.projects,
        "indicator_projects": [p for p in data.projects if p.indicators],
        "totals": totals,
        "source": data.name,
        "evaluation": compute_evaluation(data.evaluation, problems) if data.evaluation else None,
    }
