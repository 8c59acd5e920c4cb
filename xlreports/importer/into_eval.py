"""``import --into`` for a self-evaluation form: 「自评信息」 values and 「自评指标」 rows by 三级指标.

A value the form leaves empty is not cleared in the workbook; an indicator the workbook does not
have, or one the form no longer shows, is an error (rows are never added or deleted).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .. import contract
from ..amounts import NotANumber, canonical_unit, convert, parse_amount, parse_number
from ..problems import Problems
from ..validate.evaluation import AMOUNT_KEYS, key_and_unit
from .into import TOLERANCE, Change, _compact, _key, read_sheets
from .records import EvaluationForm

COMPARED = ("target", "actual", "method", "ratio", "reason", "standard", "evidence", "weight")
NUMBER_KEYS = ("weight", "ratio")


def plan_evaluation_changes(form: EvaluationForm, workbook: Path, problems: Problems) -> list[Change]:
    sheets = read_sheets(workbook, problems, contract.EVAL_INFO_SHEET, contract.EVAL_INDICATOR_SHEET)
    if sheets is None:
        return []
    info, table = sheets
    if info is None or table is None:
        problems.error(f"{workbook.name} 没有「{contract.EVAL_INFO}」和「{contract.EVAL_INDICATORS}」工作表，无法写回",
                       expected="xlreports 的自评填报工作簿")
        return []
    changes: list[Change] = []
    unit = canonical_unit(info.values.get(contract.INFO_UNIT)) or contract.DEFAULT_AMOUNT_UNIT
    form_unit = canonical_unit(form.info.get(contract.INFO_UNIT)) or unit
    fields = {}  # the form's key → the workbook's field as written, and the unit that field names
    for written in info.values:
        key, key_unit = key_and_unit(written)
        fields[key] = (written, key_unit)
    for key, value in form.info.items():
        if value is None or key not in fields or key == contract.INFO_UNIT:
            continue
        written, key_unit = fields[key]
        target = key_unit or unit
        if key in AMOUNT_KEYS and isinstance(value, int | float):
            value = convert(value, form_unit, target)  # the form's amount, in the unit of the workbook's field
        old = info.values[written]
        if _differs(old, value, isinstance(value, float), target):
            changes.append(Change(info.sheet, info.cells[written], old, value))
    rows: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(table.get("name")):
        if name:
            rows[_key(name)].append(index)
    for indicator in form.indicators:
        matches = rows.get(_key(indicator["name"]))
        if not matches:
            problems.error(f"填报工作簿的「{contract.EVAL_INDICATORS}」中没有指标「{indicator['name']}」",
                           expected="表格中的三级指标与填报工作簿一致（导入只修改已有的行）")
            continue
        index = matches.pop(0)
        for key in COMPARED:
            value = indicator.get(key)
            if value is None or not table.has(key):
                continue
            old = table.get(key)[index]
            if _differs(old, value, key in NUMBER_KEYS, unit):
                changes.append(Change(table.sheet, table.cell(key, index), old, value))
                if key == "ratio":
                    changes.extend(_band(table, index, value))
    for left in rows.values():
        for index in left:
            problems.error(f"表格中没有指标「{table.get('name')[index]}」", sheet=table.sheet,
                           cell=table.cell("name", index), expected="表格中保留填报工作簿的每个指标（导入不删除行）")
    return changes


def _band(table, index: int, ratio: object) -> list[Change]:
    """The 完成档次 the new 完成比例 falls in, when the workbook names one it no longer fits."""
    from ..compute.scoring import band_of, in_band

    old = table.get("band")[index] if table.has("band") else None
    try:
        value = parse_number(ratio)
    except NotANumber:
        return []
    if not old or value is None or in_band(str(old), value):
        return []
    return [Change(table.sheet, table.cell("band", index), old, band_of(value))]


def _differs(old: object, new: object, numeric: bool, unit: str) -> bool:
    if numeric:
        try:
            a = parse_amount(old, unit) if isinstance(new, float) else parse_number(old)
            b = float(new) if isinstance(new, int | float) else parse_number(new)
        except NotANumber:
            return _compact(old) != _compact(new)
        return a is None or b is None or abs(a - b) > TOLERANCE
    if isinstance(new, float):
        return _differs(old, new, True, unit)
    return _compact(old) != _compact(new)
