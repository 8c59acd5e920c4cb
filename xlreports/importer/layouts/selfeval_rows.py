"""The rows of a self-evaluation indicator table (评价指标 | 评价年度预期值 | 评价年度实现值 | 自评分数 | …).

A spreadsheet row is read by column.  A copied text (seed 004) is not aligned: merged 一级/二级 cells
are absent, or printed in the middle of their rows as lines of their own (``产出`` / ``40`` /
``数量指标`` / ``33.3``), and a long cell spills over lines.  So a text row is read around its
三级指标: the first text cell followed by a number (its 权重), a 预期值, a 实现值 and a number (its
自评分数) that is not itself a 一级/二级 name.  Name/number pairs before it are the 一级 and 二级
with their weights; the cells after the score are 未达标原因分析, 评分标准 and 参考佐证材料.
"""

from __future__ import annotations

import re

from ... import codes  # noqa: F401  (used by selfeval_table through this module)
from ...amounts import NotANumber, parse_number
from ..grid import Cell

LEVEL1_NAMES = {"决策", "过程", "产出", "效益", "满意度", "成本", "产出指标", "效益指标", "满意度指标", "成本指标"}
_EVIDENCE = re.compile(r"^\d+(?:-\d+)?[.．、]")


def number(text: str) -> float | None:
    try:
        return parse_number(text.replace("%", "")) if text.strip() else None
    except NotANumber:
        return None


def is_level_name(text: str) -> bool:
    return text in LEVEL1_NAMES or codes.level1(text) is not None or codes.level2(text) is not None


def anchor(cells: list[Cell]) -> int | None:
    """Index of the 三级指标 cell of a text row, or None."""
    texts = [c.text for c in cells]
    for i in range(len(texts) - 4):
        text = texts[i]
        if not text or number(text) is not None or is_level_name(text):
            continue
        if number(texts[i + 1]) is not None and number(texts[i + 4]) is not None:
            return i
    return None


def levels_before(cells: list[Cell]) -> list[tuple[str, float | None]]:
    """The (name, weight) pairs before the 三级指标 of a text row: 一级 and/or 二级."""
    texts = [c.text for c in cells if c.text]
    pairs = []
    index = 0
    while index < len(texts):
        name = texts[index]
        weight = number(texts[index + 1]) if index + 1 < len(texts) else None
        pairs.append((name, weight))
        index += 2 if weight is not None else 1
    return pairs


def after_score(cells: list[Cell]) -> dict[str, str]:
    """未达标原因分析, 评分标准 and 参考佐证材料 from the cells after the score of a text row."""
    texts = [c.text for c in cells if c.text]
    if not texts:
        return {}
    if len(texts) >= 3:
        return {"reason": texts[0], "standard": texts[1], "evidence": "\n".join(texts[2:])}
    if len(texts) == 2:
        second = "evidence" if _EVIDENCE.match(texts[1]) or len(texts[1]) < 40 else "standard"
        return {"reason": texts[0], second: texts[1]}
    return {"reason": texts[0]}
