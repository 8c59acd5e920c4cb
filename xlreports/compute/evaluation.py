"""A self-evaluation's weights checked, every indicator scored, the groups, total and grade.

Weights: a 二级 weight must equal the sum of its 三级 weights, a 一级 weight the sum of its 二级
weights (each to 0.01), and the 一级 weights must add up to 100; a group without a typed weight
takes the sum of its children.  Each error names the group, its rows and the cell.
"""

from __future__ import annotations

import math

from ..model import EvalGroup, EvalIndicator, Evaluation
from ..problems import Problems
from . import scoring

TOLERANCE = 0.01
WHOLE = 100.0


def compute_evaluation(evaluation: Evaluation, problems: Problems) -> Evaluation:
    """Fill in weights, scores, completion, group scores, the total and the grade (in place)."""
    problems = _Located(problems, evaluation.sheet)
    _check_weights(evaluation, problems)
    for indicator in evaluation.indicators:
        indicator.score = _score(evaluation, indicator, problems)
        indicator.complete = indicator.score is not None and indicator.score >= indicator.weight - 0.005
    for group1 in evaluation.groups:
        for group2 in group1.children:
            group2.score = _sum_scores(group2.indicators)
        group1.score = _sum_scores(group1.indicators)
    evaluation.total_weight = round(math.fsum(i.weight for i in evaluation.indicators), 6)
    evaluation.total = _sum_scores(evaluation.indicators)
    evaluation.grade = scoring.grade_of(evaluation.total, evaluation.grades)
    return evaluation


def _check_weights(evaluation: Evaluation, problems: _Located) -> None:
    for group1 in evaluation.groups:
        for group2 in group1.children:
            group2.weight = round(math.fsum(i.weight for i in group2.indicators), 6)
            _compare(group2, group2.weight, "二级", "三级", problems)
        group1.weight = round(math.fsum(g.weight for g in group1.children), 6)
        _compare(group1, group1.weight, "一级", "二级", problems)
    whole = math.fsum(_typed(g) for g in evaluation.groups)
    if evaluation.groups and abs(whole - WHOLE) > TOLERANCE + 1e-9:
        parts = "、".join(f"{g.name} {_show(_typed(g))}（{g.rows}）" for g in evaluation.groups)
        typed = [g.weight_cell for g in evaluation.groups if g.weight_cell]
        first, last = evaluation.indicators[0], evaluation.indicators[-1]
        column = "level1_weight" if typed else "weight"
        where = f"{first.cells[column].rstrip('0123456789')}{first.row}:{last.cells[column]}"
        problems.error(f"全部一级指标的权重合计为 {_show(whole)}，应为 100：{parts}", cell=where,
                       expected="各一级指标权重之和为 100")


def _compare(group: EvalGroup, children: float, level: str, below: str, problems: _Located) -> None:
    if group.declared_weight is None or abs(group.declared_weight - children) <= TOLERANCE + 1e-9:
        return
    problems.error(f"{level}指标「{group.name}」的权重 {_show(group.declared_weight)} 与其{below}指标权重之和 "
                   f"{_show(children)} 不一致（{group.rows}）", cell=group.weight_cell,
                   expected=f"{level}指标权重等于其下各{below}指标权重之和（允许相差 0.01）")


def _typed(group: EvalGroup) -> float:
    return group.declared_weight if group.declared_weight is not None else group.weight


def _score(evaluation: Evaluation, indicator: EvalIndicator, problems: _Located) -> float | None:
    method, weight = indicator.method, indicator.weight
    if method in ("定量", "定量反向"):
        if indicator.direction is None:
            return None  # reported by validation
        score = scoring.quantitative(evaluation.rule, indicator.direction, weight, indicator.target_number,
                                     indicator.actual_number)
    elif method == "定性":
        if indicator.ratio is None:
            return None
        _check_band(indicator, problems)
        score = scoring.qualitative(weight, indicator.ratio)
    elif method == "支出率":
        indicator.target_number, indicator.actual_number = evaluation.spending_base, evaluation.spending_paid
        score = scoring.spending(weight, indicator.actual_number, indicator.target_number)
    else:
        return _manual(indicator, problems)
    given = indicator.given_score
    if given is not None and abs(given - score) > 0.005:
        problems.warning(f"填写的自评分数 {_show(given)} 与按{method}计算的 {_show(score)} 不同，表格中使用计算结果",
                         cell=indicator.cells["score"])
    return score


def _check_band(indicator: EvalIndicator, problems: _Located) -> None:
    band = indicator.band
    if band is None or scoring.in_band(band, indicator.ratio):
        return
    problems.error(f"「{indicator.name}」（第 {indicator.row} 行）的完成比例 {_show(indicator.ratio)} 不在"
                   f"「{band}」档次的范围内（按完成比例应为「{scoring.band_of(indicator.ratio)}」）",
                   cell=indicator.cells["ratio"], expected=scoring.BAND_TEXT[band])


def _manual(indicator: EvalIndicator, problems: _Located) -> float | None:
    given = indicator.given_score
    if given is None:
        return None
    if given < 0 or given > indicator.weight + 0.005:
        problems.error(f"自评分数 {_show(given)} 应在 0 与权重 {_show(indicator.weight)} 之间（第 {indicator.row} 行）",
                       cell=indicator.cells["score"], expected=f"0–{_show(indicator.weight)}")
    return scoring.manual(indicator.weight, max(given, 0.0))


def _sum_scores(indicators: list[EvalIndicator]) -> float:
    return scoring.round2(math.fsum(i.score or 0.0 for i in indicators))


class _Located:
    """The problems of this step, all on the 「自评指标」 sheet."""

    def __init__(self, problems: Problems, sheet: str) -> None:
        self.problems, self.sheet = problems, sheet

    def error(self, message: str, **where) -> None:
        self.problems.error(message, sheet=self.sheet, **where)

    def warning(self, message: str, **where) -> None:
        self.problems.warning(message, sheet=self.sheet, **where)


def _show(value: float) -> str:
    return f"{round(value, 6):g}"
