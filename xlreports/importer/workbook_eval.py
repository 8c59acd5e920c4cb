"""Write an imported self-evaluation form as 「自评信息」「自评指标」「自评说明」 (the contract's headers)."""

from __future__ import annotations

from .. import contract
from ..write.xlsx import plain_workbook
from .records import EvaluationForm
from .workbook import replace_with

INDICATOR_KEYS = ("level1", "level1_weight", "level2", "level2_weight", "name", "weight", "target", "actual",
                  "method", "ratio", "score", "reason", "standard", "evidence")


def write_evaluation_workbook(form: EvaluationForm, path) -> None:
    replace_with(path, lambda temporary: _write(form, temporary))


def _write(form: EvaluationForm, path) -> None:
    book = plain_workbook(path)
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        info = book.add_worksheet(contract.EVAL_INFO)
        info.write_row(0, 0, ["字段", "值"], header)
        for row, (key, value) in enumerate(((k, v) for k, v in form.info.items() if v is not None), start=1):
            info.write_string(row, 0, key)
            _value(info, row, 1, value)
        info.set_column(0, 0, 20)
        info.set_column(1, 1, 80)
        sheet = book.add_worksheet(contract.EVAL_INDICATORS)
        spec = contract.EVAL_INDICATOR_SHEET
        sheet.write_row(0, 0, [spec.column(key).header for key in INDICATOR_KEYS], header)
        previous: dict[str, object] = {}
        for row, indicator in enumerate(form.indicators, start=1):
            for col, key in enumerate(INDICATOR_KEYS):
                value = indicator.get(key)
                group = key in ("level1", "level1_weight") or key in ("level2", "level2_weight")
                if group and _same_group(previous, indicator, key):
                    continue  # a group's name and weight on its first row only (as the contract allows)
                _value(sheet, row, col, value)
            previous = indicator
        sheet.freeze_panes(1, 0)
        if any(text for _, text in form.notes):
            notes = book.add_worksheet(contract.EVAL_NOTES)
            notes.write_row(0, 0, ["部分", "内容"], header)
            filled = [(section, text) for section, text in form.notes if text]
            for row, (section, text) in enumerate(filled, start=1):
                notes.write_string(row, 0, section)
                if text:
                    notes.write_string(row, 1, text)
            notes.set_column(1, 1, 100)
    finally:
        book.close()


def _same_group(previous: dict, indicator: dict, key: str) -> bool:
    level = "level1" if key.startswith("level1") else "level2"
    same1 = previous.get("level1") == indicator.get("level1")
    return bool(previous) and same1 and (level == "level1" or previous.get("level2") == indicator.get("level2"))


def _value(sheet, row: int, col: int, value) -> None:
    if value is None or value == "":
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))
