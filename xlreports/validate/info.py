"""「文件信息」: free key/value pairs for the templates, with the amount unit checked."""

from __future__ import annotations

from .. import contract
from ..amounts import UNIT_CHOICES, NotANumber, canonical_unit, parse_amount
from ..load.tables import KeyValues, merged_number_message
from ..model import Info
from ..numbers import show_number
from ..problems import Problems


def validate_info(sheet: KeyValues, problems: Problems) -> Info:
    info = Info()
    for key, value in sheet.values.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        info[key] = value.strip() if isinstance(value, str) else value
    unit = info.get(contract.INFO_UNIT)
    if unit is None:
        info[contract.INFO_UNIT] = contract.DEFAULT_AMOUNT_UNIT
    else:
        known = canonical_unit(unit)
        if known is None:
            problems.error("金额单位无法识别", sheet=sheet.sheet, cell=sheet.cells.get(contract.INFO_UNIT),
                           value=unit, expected=UNIT_CHOICES)
        info[contract.INFO_UNIT] = known or contract.DEFAULT_AMOUNT_UNIT
    _stated_total(info, sheet, problems)
    year = info.get(contract.INFO_YEAR)
    if isinstance(year, float):
        info[contract.INFO_YEAR] = show_number(year)
    return info


def _stated_total(info: Info, sheet: KeyValues, problems: Problems) -> None:
    """「合计(原表)」: the total stated by the source document, an amount in the workbook's unit."""
    key = contract.INFO_STATED_TOTAL
    if info.get(key) is None:
        return
    unit = info[contract.INFO_UNIT]
    if key in sheet.merged:
        problems.error(merged_number_message(key, "多个字段", True, "每个字段"), sheet=sheet.sheet, cell=sheet.merged[key],
                       value=info.get(key))
        info[key] = None
        return
    try:
        info[key] = parse_amount(info.get(key), unit)
    except NotANumber as error:
        problems.error(f"「{key}」{error.reason or '不是数字'}", sheet=sheet.sheet, cell=sheet.cells.get(key), value=info.get(key),
                       expected=f"金额（{unit}），例如 190,857.18")
        info[key] = None
