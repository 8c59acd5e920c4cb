"""Self-evaluation scores: the two rule sets of scoring.md, one function per 评分方式.

w is the weight, A the target number, B the actual number; a negative B counts as 0, and every
score is rounded to 2 decimals (half away from zero, as Excel's ROUND) and never exceeds w.

* 「比例」 (the 江门 form's 评分标准): positive B ÷ A × w, capped at w; reverse A ÷ B × w.
* 「一体化」 (the ministry system): positive B ≥ A → w, else B ÷ A × w; reverse B ≤ A → w,
  A < B < 2A → (1 − (B − A) ÷ A) × w, B ≥ 2A → 0.
* Both: exact (＝) is scored as positive, except A = 0: w if B ≤ 0, else 0; qualitative is
  完成比例 × w; 支出率 is min(支出 ÷ 预算, 1) × w.

Each function evaluates in the order of the Excel formula that the form writes for it (see
``templates/项目绩效自评指标评分表.xlsx``), so that the value cached in the file and the value Excel
or LibreOffice computes are the same float before rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..model import GradeBand

PROPORTIONAL, INTEGRATED = "比例", "一体化"
REACHED, PARTLY, MISSED = "达成", "部分达成", "未达成"
# 完成比例 bands of a qualitative indicator: 80 %（含）–100 %, 60 %（含）–80 %, 0–60 %.
BANDS = {REACHED: (80.0, 100.0), PARTLY: (60.0, 80.0), MISSED: (0.0, 60.0)}
BAND_TEXT = {REACHED: "达成年度指标：80（含）–100", PARTLY: "部分达成年度指标并具有一定效果：60（含）–80",
             MISSED: "未达成年度指标且效果较差：0–60"}


def round2(value: float) -> float:
    """Round half away from zero to 2 decimals, at Excel's 15 significant digits."""
    return float(Decimal(f"{value:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def quantitative(rule: str, direction: str, weight: float, target: float, actual: float) -> float:
    """Score of a 定量 indicator; ``direction`` is ``positive``, ``exact`` or ``reverse``."""
    b = max(actual, 0.0)
    if direction == "positive":
        factor = 1.0 if target <= 0 else min(b / target, 1.0)
    elif direction == "exact":
        factor = (1.0 if actual <= 0 else 0.0) if target == 0 else max(min(b / target, 1.0), 0.0)
    elif direction != "reverse":
        raise ValueError(f"unknown direction {direction!r}")
    elif target == 0:
        factor = 1.0 if actual <= 0 else 0.0
    elif rule == INTEGRATED:
        factor = 1.0 if b <= target else (0.0 if b >= 2 * target else 1 - (b - target) / target)
    else:
        factor = 1.0 if actual <= 0 else max(min(target / actual, 1.0), 0.0)
    return round2(factor * weight)


def qualitative(weight: float, ratio: float) -> float:
    """完成比例 (0–100) × weight."""
    return round2(max(min(ratio, 100.0), 0.0) / 100 * weight)


def spending(weight: float, paid: float, budget: float) -> float:
    """支出率: min(paid ÷ budget, 1) × weight; 0 without a budget."""
    factor = 0.0 if budget <= 0 else min(max(paid, 0.0) / budget, 1.0)
    return round2(factor * weight)


def manual(weight: float, score: float) -> float:
    """A score typed by the officer, capped at the weight."""
    return round2(min(score, weight))


def band_of(ratio: float) -> str:
    """The band a 完成比例 falls in."""
    if ratio >= BANDS[REACHED][0]:
        return REACHED
    return PARTLY if ratio >= BANDS[PARTLY][0] else MISSED


def in_band(band: str, ratio: float) -> bool:
    low, high = BANDS[band]
    return low <= ratio <= high if band == REACHED else low <= ratio < high


def grade_of(total: float, grades: list[GradeBand]) -> str:
    """The first grade whose minimum the (2-decimal) total reaches; the last one otherwise."""
    for band in grades:
        if round2(total) >= band.minimum:
            return band.name
    return grades[-1].name
