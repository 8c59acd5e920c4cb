"""``xl:merge``: equal adjacent values merged down a repeated block or across repeated columns.

The command owns its attributes, how it names and finds the merge it stays within (``name`` /
``within``; the legacy ``parent`` address is checked against the sheet), and the planning of its
runs once the rows are laid out (:func:`plan_down`, :func:`plan_across`).
"""

from __future__ import annotations

import re
from typing import Any

from ...load.xlsx_parts import column_index, column_letters
from ...problems import TemplateError
from ..template import MergeRule
from .base import DEPRECATED, XlCommand


class MergeCommand(XlCommand):
    name = "merge"
    optional = frozenset({"by", "parent", "name", "within"})
    summary = "相邻、内容相同的单元格合并；within=\"名称\"：不跨越另一个 xl:merge(name=\"名称\") 的分组"

    def apply(self, command, reader, cell):
        by = command.get("by")
        parent = command.get("parent")
        if parent and command.get("within"):
            raise TemplateError("xl:merge 不能同时写 parent 和 within（请只用 within）", cell=cell.where)
        cell.merge = MergeRule(cell.col, cell.row, reader.compile_value(by, cell) if by else None, None,
                               name=command.get("name"), within=command.get("within"))
        if parent:
            cell.merge.legacy_parent = parse_parent(parent, cell.where)
            reader.warn(f'xl:merge 的 parent="{parent}"{DEPRECATED}：请给上级的 xl:merge 加 name="名称"，'
                        '本单元格写 within="名称"', cell)
        reader.merge_rules.append(cell.merge)

    def variables(self, command):
        return [command.attrs["by"]] if command.get("by") else []

    def plan(self, planner, plan) -> None:
        """Add this command's merged areas to ``plan`` (``planner``: the sheet, its layout, its values)."""
        plan_down(planner, plan)
        plan_across(planner, plan)


def parse_parent(text: str, where: str) -> int:
    """Legacy ``parent="B"`` (a column, for merges down) or ``parent="5"`` (a row, for merges across)."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[A-Z]{1,3}", text):
        return column_index(text) + 1
    raise TemplateError(f"xl:merge 的 parent 应为列字母或行号（当前为 {text}）", cell=where)


def resolve_merges(rules: list[MergeRule], where) -> None:
    """Point every rule's ``parent`` at the rule it stays within (by name, or the legacy address)."""
    for rule in rules:
        if rule.within:
            if rule.horizontal:
                found = [r for r in rules if r.name == rule.within and r.col == rule.col and r.row < rule.row]
            else:
                found = [r for r in rules if r.name == rule.within and r.row == rule.row and r is not rule]
            if not found:
                side = "上方同一列" if rule.horizontal else "同一行"
                raise TemplateError(f'xl:merge 的 within="{rule.within}" 在{side}找不到 xl:merge(name="{rule.within}")',
                                    cell=where(rule.row, rule.col))
            rule.parent = found[-1].row if rule.horizontal else found[-1].col
        elif rule.legacy_parent is not None:
            parent = rule.legacy_parent
            if rule.horizontal:
                ok = any(r.row == parent and r.col == rule.col for r in rules)
                hint = f"第 {parent} 行同一列没有 xl:merge（可能在上方插入或删除了行）"
            else:
                ok = any(r.row == rule.row and r.col == parent for r in rules)
                hint = f"同一行的 {column_letters(parent - 1)} 列没有 xl:merge（可能在左边插入或删除了列）"
            if not ok:
                raise TemplateError(f"xl:merge 的 parent 已失效：{hint}；请改用 name/within", cell=where(rule.row, rule.col))
            rule.parent = parent


# -- planning, once the rows are laid out (``self`` is the sheet's MergePlanner) -----------------------


def present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def plan_down(self, plan) -> None:
    """Runs down a row block: never across an iteration of an enclosing block nor a change of ``within``."""
    rules = sorted((r for r in self.sheet.merge_rules if not r.horizontal),
                   key=lambda r: (r.row, r.parent is not None, r.col))
    signatures: dict[tuple[int, int], dict[int, tuple]] = {}
    for rule in rules:
        depth = len(self.chain(rule.row))
        parent = None
        if rule.parent is not None:
            parent = signatures.get((rule.row, rule.parent))
            if parent is None:
                raise TemplateError("xl:merge 的 parent 列在同一行没有 xl:merge", cell=self.where(rule.row, rule.col))
        own: dict[int, tuple] = {}
        group: list[int] = []
        previous = None
        for o in self.layout.all_rows_of(rule.row):
            row = self.layout.rows[o]
            key = self.key_of(rule, o, rule.col)
            signature = (parent[o] if parent else row.path[:depth - 1], key)
            own[o] = signature
            iteration = row.path[depth - 1]
            joins = (previous is not None and present(key) and signature == previous[0]
                     and iteration == previous[1] + 1)
            if not joins:
                _close(self, plan, rule, depth, group)
                group = []
            group.append(o)
            previous = (signature, iteration) if present(key) else None
        _close(self, plan, rule, depth, group)
        signatures[(rule.row, rule.col)] = own

def _close(self, plan, rule: MergeRule, depth: int, group: list[int]) -> None:
    if not group:
        return
    if (rule.row, rule.col) in self.formulas:
        rows = self.layout.rows
        span = (depth, rows[group[0]].path[depth - 1], rows[group[-1]].path[depth - 1])
        for o in group:
            plan.groups[(id(rule), o)] = span
    if len(group) > 1:
        plan.add((group[0], rule.col - 1, group[-1], rule.col - 1))

def plan_across(self, plan) -> None:
    """``parent`` names a row above whose runs a run may not cross; it is read at its first output
    row, as header rows are not repeated."""
    rules = [r for r in self.sheet.merge_rules if r.horizontal]
    by_row = {rule.row: rule for rule in rules}
    signatures: dict[int, dict[int, tuple]] = {}

    def signature_of(rule: MergeRule, o: int) -> dict[int, tuple]:
        parent = None
        if rule.parent is not None:
            parent_rule = by_row.get(rule.parent)
            parent_rows = self.layout.all_rows_of(rule.parent)
            if parent_rule is None or not parent_rows:
                raise TemplateError(f"xl:merge 的 parent 行 {rule.parent} 没有向右合并的 xl:merge",
                                    cell=self.where(rule.row, rule.col))
            parent = signatures.get(rule.parent) or signature_of(parent_rule, parent_rows[0])
        found = {col: ((parent or {}).get(col), self.key_of(rule, o, col)) for col in rule.cols}
        signatures.setdefault(rule.row, found)
        return found

    for rule in sorted(rules, key=lambda r: r.row):
        for o in self.layout.all_rows_of(rule.row):
            found = signature_of(rule, o)
            run: list[int] = []
            for col in [*rule.cols, None]:
                joins = (col is not None and run and present(found[col][1]) and found[col] == found[run[-1]]
                         and col == run[-1] + 1)
                if joins:
                    run.append(col)
                    continue
                if len(run) > 1:
                    plan.add((o, run[0] - 1, o, run[-1] - 1))
                run = [] if col is None or not present(found[col][1]) else [col]
