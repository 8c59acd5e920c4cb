"""The self-evaluation sheets: 「自评信息」 (key/value), 「自评指标」 and 「自评说明」 → :class:`Evaluation`.

「自评信息」 gives the form's header fields and the funds that a 支出率 row is scored on, the rule
set (评分规则) and, optionally, the grade bands (等级划分); 「自评说明」 gives the closing sections.
"""

from __future__ import annotations

import re
import unicodedata

from .. import contract
from ..amounts import UNIT_CHOICES, NotANumber, canonical_unit, parse_amount
from ..formula_literals import fits_formula
from ..load.tables import KeyValues, Table, merged_number_message
from ..model import Evaluation, GradeBand, Info
from ..names import compact
from ..numbers import show_number
from ..problems import Problems
from .eval_indicators import SPENDING, validate_eval_indicators
from .eval_weights import check_bands, check_weights

AMOUNT_KEYS = ("评价金额", "预算计划安排", "实际分配下达_本级", "实际分配下达_转移支付", "实际支出_本级",
               "实际支出_转移支付", "待支付金额", "预算调减")
REQUIRED_KEYS = ("项目名称",)
# 实际分配下达（市本级）, 实际支出金额-转移支付至下级 … are the keys above.
_SPLIT_KEY = re.compile(r"^(实际分配下达|实际支出)(?:金额)?[_\-－—(（:：]?"
                        r"(?:(?:市|省|县|区)?(本级)|(转移支付)(?:至下级)?)[)）]?$")
_GRADE = re.compile(r"^(?P<name>[^\d≥>=＞≧<≤]+?)(?:[≥>=＞≧:：]*(?P<min>\d+(?:\.\d+)?)(?:分)?(?:及以上|以上)?)?$")

SECTIONS = {
    "资金使用绩效": ("资金使用绩效",),
    "资金支出情况": ("资金支出情况",),
    "资金完成绩效目标情况": ("资金完成绩效目标情况", "绩效目标完成情况"),
    "资金分用途使用成效": ("资金分用途使用成效", "分用途使用成效"),
    "资金项目管理情况": ("资金项目管理情况", "项目管理情况"),
    "存在问题": ("存在问题", "存在的问题", "资金使用绩效存在的问题"),
    "改进意见": ("改进意见",),
    "到期资金": ("到期资金",),
}
_SECTION_NAMES = {alias: name for name, aliases in SECTIONS.items() for alias in aliases}
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?)")


def validate_evaluation(info: KeyValues | None, indicators: Table | None, notes: Table | None, unit: str,
                        problems: Problems) -> Evaluation | None:
    """The self-evaluation of a workbook, or ``None`` when it has none of the three sheets."""
    if indicators is None or not len(indicators):
        filled = (info is not None and any(v is not None for k, v in info.values.items() if k != contract.INFO_UNIT)
                  or notes is not None and len(notes) > 0)
        if filled:
            problems.warning(f"「{contract.EVAL_INDICATORS}」中没有指标：不生成项目绩效自评指标评分表",
                             sheet=contract.EVAL_INDICATORS, expected="每行一个三级指标")
        return None
    if info is None:
        problems.error(f"有「{contract.EVAL_INDICATORS}」工作表但缺少「{contract.EVAL_INFO}」工作表",
                       sheet=contract.EVAL_INFO, expected="字段 | 值 两列，至少填写项目名称")
        info = KeyValues(contract.EVAL_INFO, {}, {})
    evaluation = _info(info, unit, problems)
    evaluation.indicators, evaluation.groups = validate_eval_indicators(indicators, problems)
    evaluation.sheet = indicators.sheet
    if evaluation.indicators:
        check_weights(indicators.sheet, evaluation.groups, evaluation.indicators, problems)
        check_bands(indicators.sheet, evaluation.indicators, problems)
    if notes is not None:
        evaluation.notes = _notes(notes, problems)
    _check_spending(evaluation, info, problems)
    return evaluation


def canonical_key(key: str) -> str:
    """``实际支出金额（市本级）`` → ``实际支出_本级``; other keys unchanged."""
    match = _SPLIT_KEY.match(key)
    if not match:
        return key
    return f"{match.group(1)}_{match.group(2) or match.group(3)}"


def _info(sheet: KeyValues, default_unit: str, problems: Problems) -> Evaluation:
    values, cells, key_units, merged = {}, {}, {}, {}
    for written, value in sheet.values.items():
        key, key_unit = key_and_unit(written)
        values[key], cells[key] = value, sheet.cells.get(written)
        if key_unit:
            key_units[key] = key_unit
        if written in sheet.merged:
            merged[key] = sheet.merged[written]
    unit = _unit(values.get(contract.INFO_UNIT), default_unit, sheet.sheet, cells, problems)
    info = Info()
    for key, value in values.items():
        if key in AMOUNT_KEYS and key in merged:
            problems.error(merged_number_message(key, "多个字段", True, "每个字段"), sheet=sheet.sheet, cell=merged[key],
                           value=value)
        elif key in AMOUNT_KEYS:
            try:
                info[key] = parse_amount(value, key_units.get(key, unit), into=unit)
            except NotANumber as error:
                problems.error(f"「{key}」{error.reason or '不是数字'}", sheet=sheet.sheet, cell=cells.get(key), value=value,
                               expected=f"金额（{unit}），例如 1033.48")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            info[key] = show_number(value)
        else:
            info[key] = value.strip() if isinstance(value, str) else value
    info[contract.INFO_UNIT] = unit
    for key in REQUIRED_KEYS:
        if not info.get(key):
            problems.error(f"缺少字段「{key}」", sheet=sheet.sheet, cell=cells.get(key), expected=f"填写{key}")
    return Evaluation(
        info=info, unit=unit,
        rule=_rule(info.get(contract.EVAL_RULE), sheet.sheet, cells, problems),
        grades=_grades(info.get(contract.EVAL_GRADES), sheet.sheet, cells, problems),
        budget=info.get("预算计划安排"), cut=info.get("预算调减"), spent_local=info.get("实际支出_本级"),
        spent_transfer=info.get("实际支出_转移支付"), pending=info.get("待支付金额"),
    )


def key_and_unit(written: str) -> tuple[str, str | None]:
    """``预算计划安排（元）`` → ``("预算计划安排", "元")``: a field may name the unit of its amount."""
    key = canonical_key(written)
    if key in AMOUNT_KEYS:
        return key, None
    unit = contract.header_unit(written)
    if unit and canonical_unit(unit):
        bare = canonical_key(contract.header_candidates(written)[-1])
        if bare in AMOUNT_KEYS:
            return bare, canonical_unit(unit)
    return key, None


def _unit(written, default: str, sheet: str, cells, problems: Problems) -> str:
    if written is None:
        return default
    unit = canonical_unit(written)
    if unit is None:
        problems.error("金额单位无法识别", sheet=sheet, cell=cells.get(contract.INFO_UNIT), value=written,
                       expected=UNIT_CHOICES)
        return default
    return unit


def _rule(written, sheet: str, cells, problems: Problems) -> str:
    if written is None:
        return contract.DEFAULT_EVAL_RULE
    text = compact(written)
    for rule in contract.EVAL_RULES:
        if rule in text:
            return rule
    problems.error("评分规则无法识别", sheet=sheet, cell=cells.get(contract.EVAL_RULE), value=written,
                   expected="比例 或 一体化")
    return contract.DEFAULT_EVAL_RULE


def parse_grades(text: str) -> list[GradeBand] | None:
    """``优≥90；良≥80；中≥60；差`` → bands from the highest; ``None`` if it cannot be read."""
    parts = [p for p in re.split(r"[;；,，、\s]+", unicodedata.normalize("NFKC", text)) if p]
    bands: list[GradeBand] = []
    for index, part in enumerate(parts):
        match = _GRADE.match(part)
        if not match:
            return None
        last = index == len(parts) - 1
        if match["min"] is None and not last:
            return None
        minimum = float(match["min"]) if match["min"] is not None else 0.0
        if bands and minimum >= bands[-1].minimum:
            return None
        bands.append(GradeBand(match["name"], minimum))
    if len(bands) < 2 or bands[-1].minimum != 0:
        return None
    return bands


def _grades(written, sheet: str, cells, problems: Problems) -> list[GradeBand]:
    default = parse_grades(contract.DEFAULT_GRADES)
    if written is None:
        return default
    bands = parse_grades(str(written))
    if bands is not None and not all(fits_formula(band.name) for band in bands):
        problems.error("等级划分中有空字符（\\x00），自评等级公式无法写出", sheet=sheet,
                       cell=cells.get(contract.EVAL_GRADES), value=written, expected="删除这个不可见的字符后重新输入")
        return default
    if bands is None:
        problems.error("等级划分无法识别", sheet=sheet, cell=cells.get(contract.EVAL_GRADES), value=written,
                       expected=f"从高到低写出等级和分数线，最后一档不写分数，例如 {contract.DEFAULT_GRADES}")
        return default
    return bands


def section_name(written: str) -> str | None:
    """``一、资金使用绩效：`` → ``资金使用绩效``; ``None`` for a section the form does not have."""
    text = compact(written).rstrip(":：")
    text = _NUMBERING.sub("", text, count=1)
    return _SECTION_NAMES.get(text)


def _notes(table: Table, problems: Problems) -> Info:
    notes = Info()
    for i, (written, text) in enumerate(zip(table.get("section"), table.get("text"), strict=True)):
        if written is None or text is None:
            key, header = ("section", "部分") if written is None else ("text", "内容")
            problems.error(f"「{header}」为空", sheet=table.sheet, cell=table.cell(key, i), expected=f"填写{header}")
            continue
        name = section_name(written)
        if name is None:
            problems.warning(f"自评说明的部分「{written}」不是表格中的部分，不会显示", sheet=table.sheet,
                             cell=table.cell("section", i), expected="、".join(SECTIONS))
            continue
        notes[name] = f"{notes[name]}\n{text}" if notes.get(name) else text
    return notes


def _check_spending(evaluation: Evaluation, sheet: KeyValues, problems: Problems) -> None:
    rows = [i for i in evaluation.indicators if i.method == SPENDING]
    if not rows:
        return
    where = "、".join(i.cells["method"] for i in rows)
    if evaluation.budget is None:
        problems.error(f"评分方式为“支出率”的指标（自评指标!{where}）需要「预算计划安排」", sheet=sheet.sheet,
                       cell=sheet.cells.get("预算计划安排"), expected="预算计划安排（万元）")
    elif evaluation.spending_base <= 0:
        problems.error("预算计划安排减去预算调减后不大于 0，无法计算支出率", sheet=sheet.sheet,
                       cell=sheet.cells.get("预算调减") or sheet.cells.get("预算计划安排"),
                       value=show_number(evaluation.spending_base), expected="大于 0 的预算数")
    if evaluation.spent_local is None and evaluation.spent_transfer is None:
        problems.error(f"评分方式为“支出率”的指标（自评指标!{where}）需要「实际支出_本级」或「实际支出_转移支付」",
                       sheet=sheet.sheet, expected="实际支出金额（万元）")
