"""The national 项目支出绩效自评表 (财政部 template) → 「自评信息」「自评指标」.

Head: ``项目名称``, ``主管部门``, ``实施单位``; the funds table ``项目资金（万元） | | 年初预算数 | 全年预算数 |
全年执行数 | 分值 | 执行率 | 得分`` whose ``年度资金总额`` row gives 预算计划安排 (全年预算数) and 实际支出
(全年执行数) and, with its 分值 and 得分, the 预算执行率 indicator; ``年度总体目标 | 预期目标 | 实际完成情况``
over their texts.  Indicators: ``绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 |
得分 | 偏差原因分析及改进措施`` up to ``总分``; a copied text's rows (merged cells absent) are read from the right.
"""

from __future__ import annotations

import re

from ... import contract
from ...amounts import NotANumber, parse_amount
from ...names import compact
from ..grid import Cell, Grid, Row
from . import selfeval_rows as rows_
from .outcome import Outcome

LAYOUT = "项目支出绩效自评表（一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析）"
COLUMNS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name", "年度指标值": "target", "实际完成值": "actual",
           "分值": "weight", "得分": "score", "偏差原因分析及改进措施": "reason", "偏差原因分析": "reason"}
FUNDS = {"年初预算数": "initial", "全年预算数": "budget", "全年执行数": "spent", "分值": "weight", "执行率": "rate",
         "得分": "score"}
HEAD = {"项目名称": "项目名称", "实施单位": "填报单位名称", "主管部门": "填报单位名称"}
SKIPPED_FUNDS = ("其中:当年财政拨款", "上年结转资金", "其他资金")


def _key(text: str) -> str:
    return compact(text).rstrip(":")


def _table_header(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows):
        keys = {COLUMNS.get(_key(t)) for t in row.texts()}
        if {"level1", "name", "target", "actual", "score"} <= keys:
            return index
    return None


def recognises(grid: Grid) -> bool:
    return _table_header(grid) is not None and any("年初预算数" in _key(t) or "全年预算数" in _key(t)
                                                   for row in grid.rows for t in row.texts())


def read(grid: Grid, outcome: Outcome, form) -> None:
    header = _table_header(grid)
    funds: dict[int, str] = {}
    rows = grid.rows[:header]
    for index, row in enumerate(rows):
        cells = row.filled()
        texts = [_key(c.text) for c in cells]
        if any(t in FUNDS for t in texts):
            funds = {i: FUNDS[_key(c.text)] for i, c in enumerate(row.cells) if _key(c.text) in FUNDS}
            continue
        if "年度资金总额" in texts:
            _funds_row(row, funds, outcome, form)
            continue
        if "预期目标" in texts and index + 1 < len(rows):
            values = [c for c in rows[index + 1].filled() if _key(c.text) != "年度总体目标"]
            if len(values) >= 2:
                form.info["预期总体目标"], form.info["总体目标完成情况"] = values[-2].text, values[-1].text
            continue
        _pairs(cells, outcome, form, rows, index)
    columns = {i: COLUMNS[_key(c.text)] for i, c in enumerate(grid.rows[header].cells) if _key(c.text) in COLUMNS}
    _indicators(grid, header, columns, outcome, form)
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")


def _pairs(cells: list[Cell], outcome: Outcome, form, rows, index) -> None:
    for position, cell in enumerate(cells):
        key = _key(cell.text)
        if key in HEAD and position + 1 < len(cells):
            if key != "主管部门" or HEAD[key] not in form.info:  # 实施单位 is the one that reports
                form.info[HEAD[key]] = cells[position + 1].text
        elif key.startswith("单位") or key.startswith("金额单位"):
            outcome.set_unit(key.split(":", 1)[-1] or None)
            form.info[contract.INFO_UNIT] = outcome.unit  # the unit of the amounts read, for --into


def _funds_row(row: Row, funds: dict[int, str], outcome: Outcome, form) -> None:
    values: dict[str, str] = {}
    cells = row.cells
    if row.sheet is None:  # a copied text: the merged 项目资金 cell is absent; read from the right
        offset = max(funds) + 1 - len(cells) if funds else 0
        values = {kind: cells[col - offset].text for col, kind in funds.items() if 0 <= col - offset < len(cells)}
    else:
        values = {kind: cells[col].text for col, kind in funds.items() if col < len(cells)}
    for key, kind in (("预算计划安排", "budget"), ("评价金额", "budget"), ("实际支出_本级", "spent")):
        try:
            form.info[key] = parse_amount(values.get(kind) or None, outcome.unit)
        except NotANumber:
            outcome.problems.error(f"年度资金总额的「{kind}」不是金额", sheet=row.sheet, cell=row.label,
                                   value=values.get(kind))
    weight, score = rows_.number(values.get("weight", "")), rows_.number(values.get("score", ""))
    if weight is not None:
        form.indicators.append({"level1": "预算执行率", "level1_weight": weight, "level2": "预算执行率",
                                "level2_weight": weight, "name": "预算执行率", "weight": weight, "method": "支出率",
                                "score": score, "_where": row.where})


def _indicators(grid: Grid, header: int, columns: dict[int, str], outcome: Outcome, form) -> None:
    width = max(columns) + 1
    state: dict[str, object] = {"level1": None, "level2": None}
    for row in grid.rows[header + 1:]:
        filled = row.filled()
        if not filled:
            continue
        if _key(filled[0].text) in ("总分", "合计"):
            numbers = [rows_.number(c.text) for c in filled[1:]]
            form.stated_score = next((n for n in reversed(numbers) if n is not None), None)
            return
        cells = list(row.cells)
        if grid.is_text:
            while cells and not cells[-1].text and len(cells) > width:
                cells.pop()
            cells = [Cell("", None, row.label)] * max(0, width - len(cells)) + cells
        values = {kind: cells[col].text or None for col, kind in columns.items() if col < len(cells)}
        for level in ("level1", "level2"):
            if values.get(level):
                state[level] = values[level]
            values[level] = state[level]
        if not values.get("name"):
            outcome.problems.error("这一行没有三级指标", sheet=filled[0].sheet, cell=filled[0].cell,
                                   value=" | ".join(c.text for c in filled), expected="三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分")
            continue
        values["weight"] = rows_.number(values.get("weight") or "")
        values["score"] = rows_.number(values.get("score") or "")
        values["_where"] = row.where
        if not re.search(r"\d", values.get("target") or ""):
            values["method"] = "手工"  # a qualitative target: the form's 得分 is the score (no 完成比例 in this form)
        form.indicators.append(values)
    outcome.problems.error("自评表没有「总分」行，可能被截断", cell=grid.rows[-1].label)
