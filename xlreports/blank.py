"""``xlreports init``: a blank input workbook made from the contract.

Every sheet of :mod:`xlreports.contract` with its headers, dropdowns for 一级/二级指标, text
format for the value columns (so that ``90%`` typed there stays ``90%``), the known keys of
「文件信息」, and a 「说明」 sheet explaining every column.
"""

from __future__ import annotations

from pathlib import Path

from . import contract

LIST_ROWS = 2000
TEXT_COLUMNS = {"value", "cycle_value", "target", "actual", "code", "workload"}
WIDE_COLUMNS = {"overview", "content", "basis", "name", "requirement", "task", "text", "standard", "evidence"}
METHODS = ("定量", "定量反向", "定性", "支出率", "手工")


def write_blank_workbook(path: Path) -> None:
    """Write the blank workbook to ``path`` (all or nothing; :class:`~xlreports.write.FileError` says why not)."""
    from .write.files import FileSet

    with FileSet(path.parent) as files:
        files.write(path, _write)


def _write(path: Path) -> None:
    from .write.xlsx import plain_workbook

    workbook = plain_workbook(path, default_format_properties={"font_name": "宋体", "font_size": 11})
    try:
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                      "valign": "vcenter", "align": "center"})
        required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                        "valign": "vcenter", "align": "center"})
        text = workbook.add_format({"num_format": "@"})
        for spec in contract.SHEETS:
            sheet = workbook.add_worksheet(spec.name)
            if spec.key_value:
                _key_value_sheet(sheet, spec, header)
            else:
                _table_sheet(sheet, spec, header, required, text)
        _explanations(workbook.add_worksheet("说明"), workbook, header)
    finally:
        workbook.close()


def _key_value_sheet(sheet, spec, header) -> None:
    sheet.write_string(0, 0, "字段", header)
    sheet.write_string(0, 1, "值", header)
    keys = contract.INFO_KEYS if spec.name == contract.INFO else contract.EVAL_INFO_KEYS
    for row, key in enumerate(keys, start=1):
        sheet.write_string(row, 0, key)
        if key == contract.INFO_UNIT:
            sheet.write_string(row, 1, contract.DEFAULT_AMOUNT_UNIT)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)
    sheet.freeze_panes(1, 0)


def _table_sheet(sheet, spec, header, required, text) -> None:
    for col, column in enumerate(spec.columns):
        sheet.write_string(0, col, column.header, required if column.required else header)
        sheet.write_comment(0, col, column.doc + ("（必填）" if column.required else "（可选）"),
                            {"x_scale": 2, "y_scale": 1.2})
        width = 40 if column.key in WIDE_COLUMNS else (14 if column.kind != "text" else 18)
        sheet.set_column(col, col, width, text if column.key in TEXT_COLUMNS else None)
        validation = _dropdown(spec, column)
        if validation:
            sheet.data_validation(1, col, LIST_ROWS, col, validation)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)


def _dropdown(spec, column) -> dict | None:
    if column.key == "level1" and spec.name == contract.INDICATORS:
        choices = list(contract.LEVEL1.values())
    elif column.key == "level2" and spec.name == contract.INDICATORS:
        choices = list(dict.fromkeys(contract.LEVEL2.values()))
    elif column.key == "method" and spec.name == contract.EVAL_INDICATORS:
        choices = list(METHODS)
    else:
        return None
    return {"validate": "list", "source": choices, "error_type": "warning",
            "error_title": "不在常用列表中", "error_message": "这个名称不在常用列表中；如确需使用，请点“是”保留。"}


def _explanations(sheet, workbook, header) -> None:
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    bold = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True})
    sheet.write_row(0, 0, ["工作表", "列", "必填", "说明"], header)
    row = 1
    for spec in contract.SHEETS:
        sheet.write_string(row, 0, spec.name, bold)
        sheet.write_string(row, 3, spec.doc, wrap)
        row += 1
        for column in spec.columns:
            names = "、".join(column.names)
            sheet.write_string(row, 1, names, wrap)
            sheet.write_string(row, 2, "是" if column.required else "", wrap)
            sheet.write_string(row, 3, column.doc, wrap)
            row += 1
    row += 1
    notes = [
        "金额默认以万元为单位，可以写成 190,857.18、500万元、1.2亿元；全角数字也可以。",
        "表头可以带单位，例如「资金需求（万元）」；表头上方可以有标题行；列的顺序不限。",
        "合并的文字（例如一个单位名称合并在它的几个项目上）会应用到它覆盖的每一行；金额、权重、工作量等每行自己的数"
        "不能合并在几行上（会报错），请每行分别填写。",
        "指标值按原样填写（≥90%、至少2次、8.5万家次、是），生成的表格中原样显示。",
        "填写后把工作簿放在 input/ 文件夹中，运行 xlreports build 生成表格；xlreports check 只检查不生成。",
    ]
    for line in notes:
        sheet.write_string(row, 0, line)
        row += 1
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 6)
    sheet.set_column(3, 3, 80)
    sheet.activate()
