"""「自评指标」: one row per 三级指标, grouped into consecutive 一级 and 二级 groups.

Each row is checked on its own (names, weights, 评分方式 and what it needs); the groups are then
built from consecutive rows.  Whether the weights add up is checked in :mod:`.eval_weights`; what
each row scores is computed in :mod:`xlreports.compute.evaluation`.
"""

from __future__ import annotations

from .. import codes
from ..amounts import NotANumber, parse_number
from ..compute.scoring import MISSED, PARTLY, REACHED
from ..formula_literals import fits_formula
from ..load.tables import Table
from ..model import EvalGroup, EvalIndicator
from ..names import compact
from ..notation import comparable, parse_value, scales
from ..problems import Problems
from .eval_weights import show_weight
from .suggest import level_typo

QUANTITATIVE, REVERSE, QUALITATIVE, SPENDING, MANUAL = "定量", "定量反向", "定性", "支出率", "手工"
METHODS = {
    "定量": QUANTITATIVE, "正向": QUANTITATIVE, "定量正向": QUANTITATIVE,
    "定量反向": REVERSE, "反向": REVERSE,
    "定性": QUALITATIVE,
    "支出率": SPENDING, "资金支出率": SPENDING, "预算执行率": SPENDING, "执行率": SPENDING,
    "手工": MANUAL, "手动": MANUAL, "人工": MANUAL,
}
METHOD_NAMES = "定量、定量反向、定性、支出率 或 手工"
BAND_NAMES = "达成、部分达成 或 未达成"
_KEYS = ("level1", "level1_weight", "level2", "level2_weight", "name", "weight", "target", "actual", "method",
         "ratio", "band", "score", "reason", "standard", "evidence")


def validate_eval_indicators(table: Table, problems: Problems) -> tuple[list[EvalIndicator], list[EvalGroup]]:
    indicators: list[EvalIndicator] = []
    declared: list[tuple[float | None, float | None]] = []
    columns = {key: table.get(key) for key in _KEYS}
    previous: EvalIndicator | None = None
    reported: set[tuple[str, str]] = set()
    for i in range(len(table)):
        row = {key: values[i] for key, values in columns.items()}
        cells = {key: table.cell(key, i) for key in _KEYS}
        _level_typos(table, row, cells, reported, problems)
        indicator = _indicator(table, row, cells, previous, problems)
        if indicator is None:
            continue
        indicator.row, indicator.cells = table.rows[i], cells
        weights = (_weight(table, row, cells, "level1_weight", "一级权重", problems),
                   _weight(table, row, cells, "level2_weight", "二级权重", problems))
        _method(table, indicator, row, cells, problems)
        indicators.append(indicator)
        declared.append(weights)
        previous = indicator
    return indicators, _groups(table, indicators, declared, problems)


def _level_typos(table: Table, row, cells, reported: set[tuple[str, str]], problems: Problems) -> None:
    """A 一级/二级 name one edit from a standard one is an error, once per name (merged names repeat)."""
    for level, key in ((1, "level1"), (2, "level2")):
        written = row[key]
        if written is None or (key, written) in reported:
            continue
        reported.add((key, written))
        if typo := level_typo(level, written):
            problems.error(typo, sheet=table.sheet, cell=cells[key])


def _indicator(table, row, cells, previous, problems) -> EvalIndicator | None:
    level1, level2, name = row["level1"], row["level2"], row["name"]
    if level1 is None and previous is not None:
        level1 = previous.level1  # a group's name written on its first row only
        level2 = level2 if level2 is not None else previous.level2
    elif level2 is None and previous is not None and level1 == previous.level1:
        level2 = previous.level2
    ok = True
    for key, header, value in (("level1", "一级指标", level1), ("level2", "二级指标", level2), ("name", "三级指标", name)):
        if value is None:
            problems.error(f"「{header}」为空", sheet=table.sheet, cell=cells[key], expected=f"填写{header}")
            ok = False
    weight = _weight(table, row, cells, "weight", "权重", problems)
    if row["weight"] is None:
        problems.error("「权重」为空", sheet=table.sheet, cell=cells["weight"], expected="三级指标的权重（%），例如 2.22")
        ok = False
    for key, header in (("target", "预期值"), ("actual", "实现值")):
        if row[key] is not None and not fits_formula(str(row[key])):
            problems.error(f"「{header}」中有空字符（\\x00），公式无法读取", sheet=table.sheet, cell=cells[key],
                           value=row[key], expected="删除这个不可见的字符后重新输入")  # the row is kept: its weight counts
    if not ok or weight is None:
        return None
    first = codes.level1(level1)
    return EvalIndicator(
        level1=level1, level2=level2, name=name, weight=weight, target=row["target"], actual=row["actual"],
        reason=row["reason"], standard=row["standard"], evidence=row["evidence"],
        level1_std=first.name if first else None,
        target_value=parse_value(row["target"]) if row["target"] is not None else None,
        actual_value=parse_value(row["actual"]) if row["actual"] is not None else None,
    )


def _method(table: Table, indicator: EvalIndicator, row, cells, problems: Problems) -> None:
    """Resolve 评分方式 and check that the row has what it needs."""
    sheet = table.sheet
    indicator.ratio = _ratio(table, row, cells, problems)
    indicator.band = _band(table, row, cells, problems)
    indicator.given_score = _number(table, row, cells, "score", "自评分数", problems)
    written = row["method"]
    target = indicator.target_value
    if written is not None:
        method = METHODS.get(compact(written))
        if method is None:
            problems.error(f"评分方式「{written}」无法识别", sheet=sheet, cell=cells["method"], value=written,
                           expected=METHOD_NAMES)
            return
    elif target is not None and not target.qualitative:
        method = QUANTITATIVE
    elif indicator.ratio is not None:
        method = QUALITATIVE
    else:
        problems.error("请填写评分方式：预期值不是数值，也没有填写完成比例", sheet=sheet, cell=cells["method"],
                       value=indicator.target, expected=METHOD_NAMES)
        return
    indicator.method = method
    if method in (QUANTITATIVE, REVERSE):
        _quantitative(table, indicator, cells, problems)
    elif method == QUALITATIVE and indicator.ratio is None:
        problems.error("定性指标需要填写「完成比例」（0–100）", sheet=sheet, cell=cells["ratio"],
                       expected="达成 80–100，部分达成 60–80，未达成 0–60")
    elif method == MANUAL and indicator.given_score is None:
        problems.error("评分方式为“手工”时需要填写「自评分数」", sheet=sheet, cell=cells["score"])
    elif method == MANUAL and not 0 <= indicator.given_score <= indicator.weight + 0.005:
        problems.error(f"自评分数 {show_weight(indicator.given_score)} 应在 0 与权重 {show_weight(indicator.weight)} 之间",
                       sheet=sheet, cell=cells["score"], expected=f"0–{show_weight(indicator.weight)}")
    if method != QUALITATIVE and indicator.ratio is not None:
        problems.warning(f"完成比例只用于定性指标（本行评分方式为{method}），不会使用", sheet=sheet, cell=cells["ratio"])


def _quantitative(table: Table, indicator: EvalIndicator, cells, problems: Problems) -> None:
    sheet = table.sheet
    target, actual = indicator.target_value, indicator.actual_value
    ok = True
    if target is None or target.qualitative:
        problems.error("预期值不是数值，不能按定量计分", sheet=sheet, cell=cells["target"], value=indicator.target,
                       expected="例如 ≥5、100次、90%以上；文字目标请把评分方式改为“定性”并填写完成比例")
        ok = False
    if actual is None:
        problems.error("「实现值」为空", sheet=sheet, cell=cells["actual"], expected="评价年度实现值，例如 305")
        ok = False
    elif actual.qualitative:
        problems.error("实现值不是数值，不能按定量计分", sheet=sheet, cell=cells["actual"], value=indicator.actual,
                       expected="例如 305、2368件；文字实现值请把评分方式改为“定性”并填写完成比例")
        ok = False
    if not ok:
        return
    if indicator.method == REVERSE:
        indicator.direction = "reverse"
        if target.direction == "positive":
            problems.warning(f"预期值「{indicator.target}」写的是下限，但评分方式是定量反向（越低越好）",
                             sheet=sheet, cell=cells["method"])
    else:
        indicator.direction = target.direction
    indicator.target_number, indicator.actual_number = comparable(target, actual)
    indicator.target_scale, indicator.actual_scale = scales(target, actual)


def _groups(table: Table, indicators: list[EvalIndicator], declared, problems: Problems) -> list[EvalGroup]:
    """Consecutive rows of one 一级 (and within it one 二级) form a group; a name may not come back."""
    groups: list[EvalGroup] = []
    seen1: dict[str, EvalIndicator] = {}
    for indicator, (weight1, weight2) in zip(indicators, declared, strict=True):
        group1 = groups[-1] if groups and groups[-1].name == indicator.level1 else None
        if group1 is None:
            if indicator.level1 in seen1:
                _not_adjacent(table, "一级指标", indicator.level1, seen1[indicator.level1], indicator, "level1", problems)
            seen1[indicator.level1] = indicator
            group1 = EvalGroup(1, indicator.level1, std_name=indicator.level1_std)
            groups.append(group1)
        group2 = group1.children[-1] if group1.children and group1.children[-1].name == indicator.level2 else None
        if group2 is None:
            earlier = next((g for g in group1.children if g.name == indicator.level2), None)
            if earlier is not None:
                _not_adjacent(table, "二级指标", indicator.level2, earlier.indicators[-1], indicator, "level2", problems)
            group2 = EvalGroup(2, indicator.level2)
            group1.children.append(group2)
        group1.indicators.append(indicator)
        group2.indicators.append(indicator)
        indicator.group1, indicator.group2 = group1, group2
        _declare(table, group1, weight1, indicator.cells["level1_weight"], "一级", problems)
        _declare(table, group2, weight2, indicator.cells["level2_weight"], "二级", problems)
    return groups


def _declare(table: Table, group: EvalGroup, weight: float | None, cell: str, level: str, problems: Problems) -> None:
    """A group's weight, typed on its first row or on every row; typed twice it must agree."""
    if weight is None:
        return
    if group.declared_weight is None:
        group.declared_weight, group.weight_cell = weight, cell
    elif abs(group.declared_weight - weight) > 0.005:
        problems.error(f"{level}指标「{group.name}」的权重前后不一致：{group.weight_cell} 为 "
                       f"{show_weight(group.declared_weight)}，本格为 {show_weight(weight)}", sheet=table.sheet, cell=cell,
                       expected=f"同一{level}指标的各行填写相同的权重，或只在第一行填写")


def _not_adjacent(table, header, name, earlier, indicator, key, problems) -> None:
    problems.error(f"{header}「{name}」的行不相邻（第 {earlier.row} 行已出现，中间隔着其他指标）", sheet=table.sheet,
                   cell=indicator.cells[key], expected=f"同一{header}的各行连续排列")


def _number(table: Table, row, cells, key: str, header: str, problems: Problems) -> float | None:
    try:
        return parse_number(row[key])
    except NotANumber:
        problems.error(f"「{header}」不是数字", sheet=table.sheet, cell=cells[key], value=row[key],
                       expected="数字，例如 2.22")
        return None


def _weight(table: Table, row, cells, key: str, header: str, problems: Problems) -> float | None:
    """A weight in %: 0–100 (the weights of a table add up to 100)."""
    weight = _number(table, row, cells, key, header, problems)
    if weight is not None and weight < 0:
        problems.error(f"「{header}」不能是负数", sheet=table.sheet, cell=cells[key], value=row[key])
        return None
    if weight is not None and weight > 100:
        problems.error(f"「{header}」应在 0–100 之间", sheet=table.sheet, cell=cells[key], value=row[key],
                       expected="权重（%），例如 2.22")
        return None
    return weight


def _ratio(table: Table, row, cells, problems: Problems) -> float | None:
    ratio = _number(table, row, cells, "ratio", "完成比例", problems)
    if ratio is None:
        return None
    if not 0 <= ratio <= 100:
        problems.error("完成比例应在 0–100 之间", sheet=table.sheet, cell=cells["ratio"], value=row["ratio"],
                       expected="百分数，例如 85 或 85%")
        return None
    if 0 < ratio <= 1 and "%" not in str(row["ratio"]):
        problems.warning(f"完成比例按百分数填写：{row['ratio']} 表示 {row['ratio']}%", sheet=table.sheet,
                         cell=cells["ratio"], expected="例如 85 表示 85%")
    return ratio


def _band(table: Table, row, cells, problems: Problems) -> str | None:
    written = row["band"]
    if written is None:
        return None
    text = compact(written)
    if "未达成" in text or "未完成" in text:
        return MISSED
    if "部分" in text:
        return PARTLY
    if "达成" in text or "完成" in text:
        return REACHED
    problems.error(f"完成档次「{written}」无法识别", sheet=table.sheet, cell=cells["band"], value=written,
                   expected=BAND_NAMES)
    return None


