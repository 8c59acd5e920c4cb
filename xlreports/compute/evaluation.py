"""A self-evaluation's group weights, every indicator's score, the group scores, total and grade.

The input was checked by :mod:`xlreports.validate` (weights that add up, bands, what each 评分方式
needs); this step only computes.  Each score comes from :mod:`.scoring`, in the same order of
operations as the formula the form writes for it.
"""

from __future__ import annotations

import math

from ..model import EvalIndicator, Evaluation
from ..numbers import show_number
from ..problems import Problems
from . import scoring


def compute_evaluation(evaluation: Evaluation, problems: Problems) -> Evaluation:
    """Fill in weights, scores, completion, group scores, the total and the grade (in place)."""
    for group1 in evaluation.groups:
        for group2 in group1.children:
            group2.weight = _sum(i.weight for i in group2.indicators)
        group1.weight = _sum(g.weight for g in group1.children)
    for indicator in evaluation.indicators:
        indicator.score = _score(evaluation, indicator)
        indicator.complete = indicator.score is not None and indicator.score >= indicator.weight - 0.005
        _compare_given(evaluation.sheet, indicator, problems)
    for group1 in evaluation.groups:
        for group2 in group1.children:
            group2.score = _sum_scores(group2.indicators)
        group1.score = _sum_scores(group1.indicators)
    evaluation.total_weight = _sum(i.weight for i in evaluation.indicators)
    evaluation.total = _sum_scores(evaluation.indicators)
    evaluation.grade = scoring.grade_of(evaluation.total, evaluation.grades)
    return evaluation


def _score(evaluation: Evaluation, indicator: EvalIndicator) -> float | None:
    method, weight = indicator.method, indicator.weight
    if method in ("定量", "定量反向"):
        if indicator.direction is None:
            return None  # reported by validation
        return scoring.quantitative(evaluation.rule, indicator.direction, weight, indicator.target_number,
                                    indicator.actual_number)
    if method == "定性":
        return None if indicator.ratio is None else scoring.qualitative(weight, indicator.ratio)
    if method == "支出率":
        indicator.target_number, indicator.actual_number = evaluation.spending_base, evaluation.spending_paid
        return scoring.spending(weight, indicator.actual_number, indicator.target_number)
    given = indicator.given_score
    return None if given is None else scoring.manual(weight, max(given, 0.0))


def _compare_given(sheet: str, indicator: EvalIndicator, problems: Problems) -> None:
    """A 自评分数 typed on a computed row that differs from the computation is worth a warning."""
    given, score = indicator.given_score, indicator.score
    if indicator.method == "手工" or given is None or score is None or abs(given - score) <= 0.005:
        return
    problems.warning(f"填写的自评分数 {show_number(given)} 与按{indicator.method}计算的 {show_number(score)} 不同，表格中使用计算结果",
                     sheet=sheet, cell=indicator.cells["score"])


def _sum(values) -> float:
    return round(math.fsum(values), 6)


def _sum_scores(indicators: list[EvalIndicator]) -> float:
    return scoring.round2(math.fsum(i.score or 0.0 for i in indicators))
