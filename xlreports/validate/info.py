"""「文件信息」: free key/value pairs for the templates, with the amount unit checked."""

from __future__ import annotations

from .. import contract
from ..amounts import is_known_unit
from ..load.tables import KeyValues, format_number
from ..model import Info
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
        unit = contract.normalize_name(unit)
        if not is_known_unit(unit):
            problems.error("金额单位无法识别", sheet=sheet.sheet, cell=sheet.cells.get(contract.INFO_UNIT),
                           value=unit, expected="元、千元、万元 或 亿元")
            unit = contract.DEFAULT_AMOUNT_UNIT
        info[contract.INFO_UNIT] = unit
    year = info.get(contract.INFO_YEAR)
    if isinstance(year, float):
        info[contract.INFO_YEAR] = format_number(year)
    return info
