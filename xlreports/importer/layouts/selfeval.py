"""项目绩效自评指标评分表 (seed 004, and the one xlreports writes) → 「自评信息」「自评指标」「自评说明」.

Head: ``填报单位名称：…``, ``金额单位：万元``, then label/value cells (项目名称, 评价年度, 评价金额, 联系人,
联系电话, 联系邮箱, 实施文件依据, 项目级次, 预算计划安排, 实际分配下达 | 市本级 | … | 转移支付至下级 | …,
实际支出金额 | 市本级 | … , 预期总体目标, 是否如期实现预期总体目标; the written form's 预算调减, 待支付金额).
Table: ``评价指标 | 评价年度预期值 | 评价年度实现值 | 自评分数 | 未达标原因分析 | 评分标准 | 参考佐证材料``
over ``一级指标 | | 二级指标 | | 三级指标`` over ``名称 | 权重(%) | 名称 | 权重(%) | 名称 | 权重(%)``, rows up
to ``合计``; then 自评等级 and the sections 一、… 四、 of the notes.
"""

from __future__ import annotations

import re

from ... import contract
from ...amounts import NotANumber, parse_amount
from ...names import compact
from ..grid import Cell, Grid, Row
from .outcome import Outcome

LAYOUT = "项目绩效自评指标评分表（评价指标 | 评价年度预期值 | 评价年度实现值 | 自评分数 | 未达标原因分析 | 评分标准 | 参考佐证材料）"
HEAD = {"项目名称": "项目名称", "评价年度": "评价年度", "评价金额": "评价金额", "联系人": "联系人", "联系电话": "联系电话",
        "联系邮箱": "联系邮箱", "实施文件依据": "实施文件依据", "项目级次": "项目级次", "预算计划安排": "预算计划安排",
        "预期总体目标": "预期总体目标", "是否如期实现预期总体目标": "总体目标完成情况", "预算调减": "预算调减",
        "待支付金额": "待支付金额"}
SPLIT = {"实际分配下达": "实际分配下达", "实际支出金额": "实际支出"}
SUB = {"市本级": "本级", "本级": "本级", "转移支付至下级": "转移支付"}
SECTIONS = {"基本情况", "资金情况", "资金安排情况", "资金使用情况", "绩效目标情况", "支出率计算用(不打印)", "指标评分表"}
AMOUNT_KEYS = {"评价金额", "预算计划安排", "实际分配下达_本级", "实际分配下达_转移支付", "实际支出_本级", "实际支出_转移支付",
               "待支付金额", "预算调减"}
COLUMNS = {"评价年度预期值": "target", "评价年度实现值": "actual", "自评分数": "score", "未达标原因分析": "reason",
           "评分标准": "standard", "参考佐证材料": "evidence", "评分方式": "method", "完成比例": "ratio"}
NOTE_SECTIONS = (("资金使用绩效存在的问题", "存在问题"), ("资金使用绩效", "资金使用绩效"), ("资金支出情况", "资金支出情况"),
                 ("资金完成绩效目标情况", "资金完成绩效目标情况"), ("资金分用途使用成效", "资金分用途使用成效"),
                 ("资金项目管理情况", "资金项目管理情况"), ("改进意见", "改进意见"), ("到期资金", "到期资金"))
_NOTE_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*(?P<name>[^：:]+)[：:]\s*(?P<text>.*)$", re.S)


def _key(text: str) -> str:
    return compact(text).rstrip(":")


def _header(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows):
        keys = {COLUMNS.get(_key(t).split("(")[0]) for t in row.texts()}
        if {"target", "actual", "score"} <= keys:
            return index
    return None


def recognises(grid: Grid) -> bool:
    return _header(grid) is not None


def read(grid: Grid, outcome: Outcome, form) -> None:
    header = _header(grid)
    _head(grid.rows[:header], outcome, form)
    columns = _columns(grid.rows[header:header + 3])
    index = header + 1
    while index < len(grid.rows) and not _is_data(grid.rows[index]):
        index += 1
    index = _table(grid, index, columns, outcome, form)
    _tail(grid.rows[index:], outcome, form)
    outcome.describe(f"{grid.rows[header].where}：{LAYOUT}")


def _is_data(row: Row) -> bool:
    texts = [t for t in row.texts() if t]
    return bool(texts) and _key(texts[0]) not in ("一级指标", "名称", "评价指标") and not set(map(_key, texts)) <= {
        "一级指标", "二级指标", "三级指标", "名称", "权重(%)"}


def _head(rows: list[Row], outcome: Outcome, form) -> None:
    for row in rows:
        cells = row.filled()
        position = 0
        while position < len(cells):
            text = cells[position].text
            key = _key(text)
            if match := re.match(r"^填报单位名称[:：](.*)$", key):
                form.info["填报单位名称"] = text.split("：", 1)[-1].split(":", 1)[-1].strip()
            elif match := re.match(r"^金额单位[:：](.*)$", key):
                outcome.set_unit(match.group(1))
                form.info[contract.INFO_UNIT] = outcome.unit
            elif key in HEAD and position + 1 < len(cells) and _known(cells[position + 1].text) is None:
                _set(form, outcome, HEAD[key], cells[position + 1])
                position += 1
            elif key in HEAD:
                form.info.setdefault(HEAD[key], None)
            elif key in SPLIT:
                position = _split(cells, position, SPLIT[key], form, outcome)
                continue
            elif key in SECTIONS or not key:
                pass
            elif position == 0 and len(cells) == 1 and "表" in key:
                pass  # the title
            else:
                outcome.problems.error("这个单元格不是自评表的已知栏目，也不跟在栏目名后面", sheet=cells[position].sheet,
                                       cell=cells[position].cell, value=text,
                                       expected="项目名称、评价年度、评价金额、联系人、预算计划安排、实际支出金额 等栏目及其内容")
            position += 1


def _known(text: str) -> str | None:
    key = _key(text)
    return "label" if key in HEAD or key in SPLIT or key in SUB or key in SECTIONS else None


def _split(cells: list[Cell], position: int, prefix: str, form, outcome: Outcome) -> int:
    position += 1
    while position + 1 < len(cells) and _key(cells[position].text) in SUB:
        _set(form, outcome, f"{prefix}_{SUB[_key(cells[position].text)]}", cells[position + 1])
        position += 2
    return position


def _set(form, outcome: Outcome, key: str, cell: Cell) -> None:
    value: object = cell.text or None
    if key in AMOUNT_KEYS and value is not None:
        try:
            value = cell.value if cell.value is not None else parse_amount(cell.text, outcome.unit)
        except NotANumber:
            outcome.problems.error(f"「{key}」不是金额", sheet=cell.sheet, cell=cell.cell, value=cell.text,
                                   expected=f"金额（{outcome.unit}）")
    form.info[key] = value


def _columns(rows: list[Row]) -> dict[int, str]:
    """Column index → contract key, from the three header rows."""
    columns: dict[int, str] = {}
    group = None
    for col in range(max(len(r.cells) for r in rows)):
        top = _key(rows[0].cells[col].text) if col < len(rows[0].cells) else ""
        if (kind := COLUMNS.get(top.split("(")[0])) is not None:
            columns[col] = kind
            continue
        level = _key(rows[1].cells[col].text) if col < len(rows[1].cells) else ""
        group = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name"}.get(level, group if not level else None)
        below = _key(rows[2].cells[col].text) if col < len(rows[2].cells) else ""
        if group and below.startswith("权重"):
            columns[col] = {"level1": "level1_weight", "level2": "level2_weight", "name": "weight"}[group]
        elif group and below == "名称":
            columns[col] = group
        elif (kind := COLUMNS.get(level.split("(")[0])) is not None:
            columns[col] = kind
    return columns


def _table(grid: Grid, index: int, columns: dict[int, str], outcome: Outcome, form) -> int:
    from .selfeval_table import read_rows

    return read_rows(grid, index, columns, outcome, form)


def _tail(rows: list[Row], outcome: Outcome, form) -> None:
    for row in rows:
        for cell in row.filled():
            text = cell.text
            if _key(text).startswith("自评等级") or text.startswith(("含自评工作质量", "仅专项资金需填报")) or text in (
                    "优", "良", "中", "差") or text.startswith("优："):
                continue
            for line in _note_lines(text):
                match = _NOTE_HEAD.match(line)
                name = next((section for words, section in NOTE_SECTIONS if match and match["name"].startswith(words)),
                            None)
                if name is None and form.notes:
                    section, before = form.notes[-1]
                    form.notes[-1] = (section, f"{before}\n{line}".strip())
                elif name is None:
                    outcome.problems.error("表格末尾的这段文字不属于任何一部分（一、资金使用绩效 … 四、到期资金）",
                                           sheet=cell.sheet, cell=cell.cell, value=line)
                else:
                    form.notes.append((name, match["text"].strip()))


def _note_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]
