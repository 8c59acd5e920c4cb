"""Project amounts: 资金需求 where given, else the sum of its three sources."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model import Project
from ..problems import Problems

SOURCES = ("appropriation", "special_account", "other_funds")
PRECISION = 6  # decimals kept for amounts: far below 1 元 in 万元, far above float noise


@dataclass(frozen=True)
class ProjectTotals:
    amount: float | None
    appropriation: float | None
    special_account: float | None
    other_funds: float | None


def project_frame(projects: list[Project]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [p.name for p in projects],
            "unit": [p.unit for p in projects],
            "amount": [p.amount for p in projects],
            **{key: [getattr(p, key) for p in projects] for key in SOURCES},
        },
        dtype=object,
    ).astype({"amount": "float64", **{key: "float64" for key in SOURCES}})


def compute_projects(projects: list[Project], problems: Problems) -> ProjectTotals:
    """Fill each project's ``total`` and return the workbook's totals."""
    frame = project_frame(projects)
    sources = frame[list(SOURCES)].sum(axis=1, min_count=1)
    total = frame["amount"].fillna(sources).round(PRECISION)
    for project, value, from_sources in zip(projects, total, sources, strict=True):
        project.total = None if pd.isna(value) else float(value)
        project.sources_total = None if pd.isna(from_sources) else round(float(from_sources), PRECISION)
    _parent_totals(projects)
    leaves = pd.Series([p.total for p in projects if not p.children], dtype="float64")
    return ProjectTotals(
        amount=_sum(leaves),
        appropriation=_sum(frame["appropriation"]),
        special_account=_sum(frame["special_account"]),
        other_funds=_sum(frame["other_funds"]),
    )


def _parent_totals(projects: list[Project]) -> None:
    """A project with 所属项目 rows under it and no 资金需求 of its own gets theirs (checked in reconcile)."""
    for project in projects:
        if project.children and project.total is None:
            project.total = round(sum(child.total or 0.0 for child in project.children), PRECISION)


def _sum(series: pd.Series) -> float | None:
    value = series.sum(min_count=1)
    return None if pd.isna(value) else round(float(value), PRECISION)
