"""Write an imported form as an input workbook: 「文件信息」, 「项目」 and 「指标」.

Headers are the contract's (:mod:`xlreports.contract`), so the workbook builds as it is.  Text is
written as text (``strings_to_formulas`` off: a name such as ``=A1`` stays a name), amounts as
numbers, and the file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

from pathlib import Path

from .. import contract
from ..write.xlsx import plain_workbook
from .records import ImportedForm

PROJECT_COLUMNS = ("name", "unit", "appropriation", "special_account", "other_funds", "stated_total",
                   "unit_stated_total", "overview")
OPTIONAL_COLUMNS = ("fund", "amount", "amount_note", "content", "basis")  # written when a project has them
INDICATOR_COLUMNS = ("project", "level1", "level2", "name", "cycle_value", "value")
WIDTHS = {"name": 36, "unit": 30, "overview": 60, "project": 36, "level1": 12, "level2": 14, "cycle_value": 30,
          "value": 30}
AMOUNT_FORMAT = "#,##0.00"


def write_input_workbook(form: ImportedForm, path: Path) -> None:
    from .records import EvaluationForm

    if hasattr(form, "tasks"):
        replace_with(path, lambda temporary: _write_tasks(form, temporary))
        return
    if hasattr(form, "allocations"):
        replace_with(path, lambda temporary: _write_allocations(form, temporary))
        return
    if isinstance(form, EvaluationForm):
        from .workbook_eval import write_evaluation_workbook

        write_evaluation_workbook(form, path)
        return
    replace_with(path, lambda temporary: _write(form, temporary))


def replace_with(path: Path, write) -> None:
    """The one place import writes a file: ``write(temporary)``, then renamed over ``path``.

    Through :class:`~xlreports.write.files.FileSet`, as every file xlreports writes: a target that
    cannot be replaced, or a failed write, is a :class:`~xlreports.write.FileError` in Chinese.
    """
    from ..write.files import FileSet

    with FileSet(path.parent) as files:
        files.write(path, write)


def _write(form: ImportedForm, path: Path) -> None:
    book = plain_workbook(path, default_format_properties={"font_name": "宋体", "font_size": 11})
    try:
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center",
                                       "valign": "vcenter", "text_wrap": True}),
            "amount": book.add_format({"num_format": AMOUNT_FORMAT}),
            "text": book.add_format({"num_format": "@"}),
        }
        _info(book.add_worksheet(contract.INFO), form, formats)
        _projects(book.add_worksheet(contract.PROJECTS), form, formats)
        _indicators(book.add_worksheet(contract.INDICATORS), form, formats)
    finally:
        book.close()


def _info(sheet, form: ImportedForm, formats) -> None:
    sheet.write_row(0, 0, ["字段", "值"], formats["header"])
    rows = [(contract.INFO_DEPARTMENT, form.department), (contract.INFO_UNIT, form.amount_unit),
            (contract.INFO_STATED_TOTAL, form.stated_total), *form.info.items()]
    for row, (key, value) in enumerate(((k, v) for k, v in rows if v is not None), start=1):
        sheet.write_string(row, 0, key)
        _write_value(sheet, row, 1, value, formats)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 60)


def _projects(sheet, form: ImportedForm, formats) -> None:
    spec = contract.PROJECT_SHEET
    optional = tuple(key for key in OPTIONAL_COLUMNS if any(getattr(p, key) is not None for p in form.projects))
    columns = PROJECT_COLUMNS + optional
    _header(sheet, [spec.column(key).header for key in columns], columns, formats)
    stated_by_unit = {unit.name: unit.stated_total for unit in form.units}
    for row, project in enumerate(form.projects, start=1):
        values = {"name": project.name, "unit": project.unit, "appropriation": project.appropriation,
                  "special_account": project.special_account, "other_funds": project.other_funds,
                  "stated_total": project.stated_total, "unit_stated_total": stated_by_unit.get(project.unit),
                  "overview": project.overview, **{key: getattr(project, key) for key in optional}}
        for col, key in enumerate(columns):
            _write_value(sheet, row, col, values[key], formats)


def _indicators(sheet, form: ImportedForm, formats) -> None:
    spec = contract.INDICATOR_SHEET
    _header(sheet, [spec.column(key).header for key in INDICATOR_COLUMNS], INDICATOR_COLUMNS, formats)
    row = 1
    for project in form.projects:
        for indicator in project.indicators:
            values = {"project": project.name, "level1": indicator.level1, "level2": indicator.level2,
                      "name": indicator.name, "cycle_value": indicator.cycle_value, "value": indicator.value}
            for col, key in enumerate(INDICATOR_COLUMNS):
                _write_value(sheet, row, col, values[key], formats)
            row += 1


def _header(sheet, headers: list[str], keys: tuple[str, ...], formats) -> None:
    sheet.write_row(0, 0, headers, formats["header"])
    for col, key in enumerate(keys):
        text = key in ("value", "cycle_value")
        sheet.set_column(col, col, WIDTHS.get(key, 14), formats["text"] if text else None)
    sheet.freeze_panes(1, 0)


def _write_value(sheet, row: int, col: int, value, formats) -> None:
    if value is None:
        return
    if isinstance(value, int | float):
        sheet.write_number(row, col, value, formats["amount"])
    else:
        sheet.write_string(row, col, str(value))


def _write_allocations(form, path: Path) -> None:
    book = plain_workbook(path)
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        info = book.add_worksheet(contract.INFO)
        info.write_row(0, 0, ["字段", "值"], header)
        info.write_row(1, 0, [contract.INFO_UNIT, form.amount_unit])
        sheet = book.add_worksheet(contract.ALLOCATIONS)
        spec = contract.ALLOCATION_SHEET
        sheet.write_row(0, 0, [spec.column(k).header for k in ("city", "direction", "amount")], header)
        rows = [("合计", direction, amount) for direction, amount in form.stated.items()]
        rows += [(city, direction, amount) for city, direction, amount, _ in form.allocations]
        for row, (city, direction, amount) in enumerate(rows, start=1):
            sheet.write_string(row, 0, city)
            sheet.write_string(row, 1, direction)
            sheet.write_number(row, 2, amount)
        sheet.set_column(0, 1, 30)
    finally:
        book.close()


def _write_tasks(form, path: Path) -> None:
    book = plain_workbook(path)
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        sheet = book.add_worksheet(contract.CITY_TASKS)
        keys = [column.key for column in contract.CITY_TASK_SHEET.columns]
        sheet.write_row(0, 0, [column.header for column in contract.CITY_TASK_SHEET.columns], header)
        for row, task in enumerate(form.tasks, start=1):
            for col, key in enumerate(keys):
                value = task.get(key)
                if isinstance(value, int | float):
                    sheet.write_number(row, col, value)
                elif value:
                    sheet.write_string(row, col, str(value))
        sheet.set_column(0, len(keys) - 1, 18)
    finally:
        book.close()
