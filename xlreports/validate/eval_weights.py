"""「自评指标」 as a whole: weights that add up, and qualitative ratios inside their bands.

A 二级 weight must equal the sum of its 三级 weights and a 一级 weight the sum of its 二级 weights
(each to 0.01); the 一级 weights must add up to 100.  A group without a typed weight takes the sum
of its children.  Each error names the group, its rows and the cell where the weight was typed.
"""

from __future__ import annotations

import math

from ..compute import scoring
from ..model import EvalGroup, EvalIndicator
from ..numbers import show_number
from ..problems import Problems

TOLERANCE = 0.01
WHOLE = 100.0


def check_weights(sheet: str, groups: list[EvalGroup], indicators: list[EvalIndicator], problems: Problems) -> None:
    typed_total = 0.0
    for group1 in groups:
        for group2 in group1.children:
            _compare(sheet, group2, children_weight(group2), "二级", "三级", problems)
        _compare(sheet, group1, children_weight(group1), "一级", "二级", problems)
        typed_total += typed_weight(group1)
    if groups and abs(typed_total - WHOLE) > TOLERANCE + 1e-9:
        parts = "、".join(f"{g.name} {show_weight(typed_weight(g))}（{g.rows}）" for g in groups)
        column = "level1_weight" if any(g.weight_cell for g in groups) else "weight"
        first, last = indicators[0].cells[column], indicators[-1].cells[column]
        problems.error(f"全部一级指标的权重合计为 {show_weight(typed_total)}，应为 100：{parts}", sheet=sheet,
                       cell=f"{first}:{last}", expected="各一级指标权重之和为 100")


def check_bands(sheet: str, indicators: list[EvalIndicator], problems: Problems) -> None:
    """A 定性 row's 完成比例 must lie in the band of its 完成档次 (达成 80–100 …)."""
    for indicator in indicators:
        band, ratio = indicator.band, indicator.ratio
        if indicator.method != "定性" or band is None or ratio is None or scoring.in_band(band, ratio):
            continue
        problems.error(f"「{indicator.name}」（第 {indicator.row} 行）的完成比例 {show_weight(ratio)} 不在「{band}」档次的范围内"
                       f"（按完成比例应为「{scoring.band_of(ratio)}」）", sheet=sheet, cell=indicator.cells["ratio"],
                       expected=scoring.BAND_TEXT[band])


def children_weight(group: EvalGroup) -> float:
    """The sum of a group's 三级 weights."""
    return math.fsum(i.weight for i in group.indicators)


def typed_weight(group: EvalGroup) -> float:
    return group.declared_weight if group.declared_weight is not None else children_weight(group)


def _compare(sheet: str, group: EvalGroup, children: float, level: str, below: str, problems: Problems) -> None:
    if group.declared_weight is None or abs(group.declared_weight - children) <= TOLERANCE + 1e-9:
        return
    problems.error(f"{level}指标「{group.name}」的权重 {show_weight(group.declared_weight)} 与其{below}指标权重之和 "
                   f"{show_weight(children)} 不一致（{group.rows}）", sheet=sheet, cell=group.weight_cell,
                   expected=f"{level}指标权重等于其下各{below}指标权重之和（允许相差 0.01）")


def show_weight(value: float) -> str:
    """A weight or score in a message, as typed: 33.3, not 33.300000000000004."""
    return show_number(value)
