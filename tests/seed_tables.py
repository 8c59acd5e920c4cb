"""The published 项目支出绩效目标表 of seeds 002 and 003, read plainly for the tests' expectations.

Deliberately simple and independent of the importer: a row is a line of seven tab-separated cells;
a line whose first cell is empty continues the cells of the row above (seed 003, line 17); ``<p>``
tags are dropped.  Tests compare what xlreports makes with what these files say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
GUANGZHOU_DEVELOPMENT_ZONE = SEEDS / "002_1248fddac0f7b900.txt"  # 广州开发区/黄埔区
LIWAN = SEEDS / "003_f899a0809e88c676.txt"                          # 荔湾区


@dataclass
class SeedRow:
    line: int
    name: str
    total: str
    appropriation: str
    overview: str
    indicators: str


def seed_rows(path: Path) -> list[SeedRow]:
    """Every row under the header (合计, units and projects), continuations joined."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("项目名称（资金使用单位）"))
    rows: list[list[str]] = []
    numbers: list[int] = []
    for index in range(header + 1, len(lines)):
        cells = lines[index].split("\t")
        if len(cells) != 7:
            continue
        if not cells[0].strip():
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
            continue
        rows.append(cells)
        numbers.append(index + 1)
    return [SeedRow(n, *(_plain(c) for c in (r[0], r[1], r[2], r[5], r[6]))) for n, r in zip(numbers, rows, strict=True)]


def seed_projects(path: Path) -> list[SeedRow]:
    """The rows that carry 绩效指标 text: the projects, in the seed's order."""
    return [row for row in seed_rows(path) if row.indicators]


def amount(text: str) -> float:
    return float(text.replace(",", ""))


def normalise(text: str) -> str:
    """Indicator text with separators unified: ``；``/``; `` → ``;``, ``：``/``:`` → ``:``, no white space."""
    return re.sub(r"\s+", "", text).replace("；", ";").replace("：", ":")


def _plain(text: str) -> str:
    return re.sub(r"</?p>", "", text).strip()
