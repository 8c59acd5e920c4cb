"""The ``xl:`` commands: one class per command, found by name in :data:`REGISTRY`.

After JXLS's ``Command`` interface: each class declares its attributes, checks where it stands,
and adds what it means to the template model (a block, a merge rule, a cached value …); a
repeated block's command also decides its iterations (:meth:`BlockCommand.iterations`), which is
all the layout asks of it.  A new command is one new class here and one line in the registry.

Nothing a command keeps is an address written as text: office applications move notes with their
cells and re-point real formulas, but never rewrite the text of a note.  So an area ends at the
cell whose note says ``xl:end(each="p")``, a merge names the merge it stays within
(``within="一级"``), and an ``&=`` formula names the cells it reads (``{{ ref.权重 }}`` for the cell
noted ``xl:ref(name="权重")``).  The old address attributes (``lastCell``, ``parent``) still work,
with a deprecation warning, and are checked against the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..load.xlsx_parts import cell_name, column_index, column_letters
from ..problems import TemplateError
from . import expressions
from .expressions import ExpressionError
from .template import Block, ColumnBlock, MergeRule, SheetRepeat, TemplateCell

if TYPE_CHECKING:
    from .markup import Command
    from .reader import SheetReader

_NAME = re.compile(r"[^\W\d]\w*")
DEPRECATED = "（写成文字的地址在插入或删除行列后不会更新，已不推荐使用，见 docs/templates.md）"


class XlCommand:
    """One ``xl:`` command: its attributes and what it adds to the sheet being read."""

    name: ClassVar[str]
    required: ClassVar[frozenset[str]] = frozenset()
    optional: ClassVar[frozenset[str]] = frozenset()
    summary: ClassVar[str] = ""  # Chinese, for `xlreports templates`

    def apply(self, command: Command, reader: SheetReader, cell: TemplateCell) -> None:
        raise NotImplementedError

    def variables(self, command: Command) -> list[str]:
        """Expressions of the command, for checks and listings."""
        return []


class FormCommand(XlCommand):
    name = "form"
    required = frozenset({"name"})
    optional = frozenset({"when", "file", "split", "order"})
    summary = "声明表格（名称、生成条件、文件名）"

    def apply(self, command, reader, cell):
        if reader.form is not None:
            raise TemplateError("一个模板只能有一个 xl:form", cell=cell.where)
        reader.form = command
        reader.output = True

    def variables(self, command):
        return [command.attrs["when"]] if command.get("when") else []


class OutputCommand(XlCommand):
    name = "output"
    summary = "这个工作表也写入生成的文件（没有 xl:form 的工作表默认不输出，例如填表说明）"

    def apply(self, command, reader, cell):
        reader.output = True


class SheetCommand(XlCommand):
    name = "sheet"
    required = frozenset({"items", "var"})
    optional = frozenset({"name"})
    summary = "每项一张工作表"

    def apply(self, command, reader, cell):
        check_var(command, cell.where)
        name = command.get("name")
        reader.repeat = SheetRepeat(reader.compile_value(command.attrs["items"], cell),
                                    command.attrs["var"],
                                    reader.compile(expressions.compile_text, name, cell) if name else None,
                                    cell.where)
        reader.output = True

    def variables(self, command):
        return [command.attrs["items"]]


class BlockCommand(XlCommand):
    """A command over an area of rows (or columns): it ends at its ``xl:end`` (or its own row)."""

    kind: ClassVar[str]

    def iterations(self, block: Block, scope: Mapping[str, Any]) -> list[tuple[Any, Any]]:
        """``(variable, item)`` per iteration; ``variable`` ``None`` when the scope is unchanged."""
        raise NotImplementedError

    def legacy_end(self, command: Command, block, cell: TemplateCell, reader: SheetReader, down: bool) -> None:
        last_cell = command.get("lastCell")
        if not last_cell:
            return
        parsed = split_cell(last_cell)
        index = 0 if down else 1
        start = cell.row if down else cell.col
        if parsed is None or parsed[index] < start:
            side = "命令所在行的下方（或本行）" if down else "命令所在列的右边（或本列）"
            raise TemplateError(f"lastCell {last_cell} 不是{side}的单元格地址"
                                "（可能在区域上方插入或删除了行列）；请改用 xl:end", cell=cell.where)
        block.last = parsed[index]
        block.legacy = last_cell
        end = f'xl:end({self.name}="{block.var if self.name == "each" else block.label or "名称"}")'
        reader.warn(f'lastCell="{last_cell}"{DEPRECATED}：请删去 lastCell，在区域最后一个单元格的批注中写 {end}',
                    cell)


class EachCommand(BlockCommand):
    name = kind = "each"
    required = frozenset({"items", "var"})
    optional = frozenset({"lastCell", "pageBreak", "direction"})
    summary = "每条数据重复一组行（direction=\"right\"：向右重复列），到 xl:end(each=\"变量\") 为止"

    def apply(self, command, reader, cell):
        check_var(command, cell.where)
        direction = (command.get("direction") or "down").lower()
        items = reader.compile_value(command.attrs["items"], cell)
        if direction == "right":
            block = ColumnBlock(cell.col, cell.col, items, command.attrs["var"], cell.where, command=self)
            reader.col_blocks.append(block)
            self.legacy_end(command, block, cell, reader, down=False)
        elif direction == "down":
            block = Block("each", cell.row, cell.row, items=items, var=command.attrs["var"],
                          page_break=command.flag("pageBreak"), where=cell.where, command=self)
            reader.blocks.append(block)
            self.legacy_end(command, block, cell, reader, down=True)
        else:
            raise TemplateError(f"xl:each 的 direction 只能是 down 或 right（当前为 {direction}）", cell=cell.where)
        if not getattr(block, "legacy", None):
            reader.opened.append(("each", command.attrs["var"], block))

    def iterations(self, block, scope):
        from .layout import evaluate_items

        return [(block.var, item) for item in evaluate_items(block.items, scope, block.where)]

    def variables(self, command):
        return [command.attrs["items"]]


class IfCommand(BlockCommand):
    name = kind = "if"
    required = frozenset({"test"})
    optional = frozenset({"lastCell", "name"})
    summary = "条件为真时保留这些行，到 xl:end(if=\"名称\") 为止"

    def apply(self, command, reader, cell):
        label = command.get("name")
        block = Block("if", cell.row, cell.row, test=reader.compile_value(command.attrs["test"], cell),
                      where=cell.where, command=self, label=label)
        reader.blocks.append(block)
        self.legacy_end(command, block, cell, reader, down=True)
        if label and not block.legacy:
            reader.opened.append(("if", label, block))

    def iterations(self, block, scope):
        try:
            return [(None, None)] if block.test(scope) else []
        except ExpressionError as exc:
            raise TemplateError(str(exc), cell=block.where) from None

    def variables(self, command):
        return [command.attrs["test"]]


class EndCommand(XlCommand):
    name = "end"
    optional = frozenset({"each", "if"})
    summary = "区域的最后一行（或向右重复的最后一列）：xl:end(each=\"p\") 或 xl:end(if=\"名称\")"

    def apply(self, command, reader, cell):
        if len(command.attrs) != 1:
            raise TemplateError('xl:end 应写成 xl:end(each="变量") 或 xl:end(if="名称")', cell=cell.where)
        kind, key = next(iter(command.attrs.items()))
        for index in range(len(reader.opened) - 1, -1, -1):
            k, name, block = reader.opened[index]
            if (k, name) != (kind, key):
                continue
            del reader.opened[index]
            if isinstance(block, ColumnBlock):
                if cell.col < block.first:
                    raise TemplateError(f'xl:end({kind}="{key}") 在 {block.where} 的 xl:each 左边', cell=cell.where)
                block.last = cell.col
            else:
                if cell.row < block.first:
                    raise TemplateError(f'xl:end({kind}="{key}") 在 {block.where} 的 xl:{kind} 上方', cell=cell.where)
                block.last = cell.row
            return
        attr = "var" if kind == "each" else "name"
        raise TemplateError(f'xl:end({kind}="{key}") 上方找不到 {attr}="{key}" 的 xl:{kind}'
                            "（可能删除了那条批注，或名称写得不一致）", cell=cell.where)


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


class ValueCommand(XlCommand):
    name = "value"
    required = frozenset({"expr"})
    summary = "公式单元格的计算值（写入文件，供不重新计算的程序显示）"

    def apply(self, command, reader, cell):
        cell.cached = reader.compile_value(command.attrs["expr"], cell)

    def variables(self, command):
        return [command.attrs["expr"]]


class RefCommand(XlCommand):
    name = "ref"
    required = frozenset({"name"})
    summary = "给单元格起名，&= 公式中用 {{ ref.名称 }} 引用它（插入行列后仍指向它）"

    def apply(self, command, reader, cell):
        name = command.attrs["name"].strip()
        if not _NAME.fullmatch(name):
            raise TemplateError(f"xl:ref 的 name 不是有效的名称：{name}", cell=cell.where)
        if name in reader.refs:
            raise TemplateError(f'xl:ref(name="{name}") 重复（另一个在 {reader.refs[name][2]}）', cell=cell.where)
        reader.refs[name] = (cell.row, cell.col, cell.where)


REGISTRY: dict[str, XlCommand] = {
    command.name: command
    for command in (FormCommand(), SheetCommand(), OutputCommand(), EachCommand(), IfCommand(), EndCommand(),
                    MergeCommand(), ValueCommand(), RefCommand())
}


def check_var(command: Command, where: str) -> None:
    if not _NAME.fullmatch(command.attrs["var"]):
        raise TemplateError(f"xl:{command.name} 的 var 不是有效的名称：{command.attrs['var']}", cell=where)


def parse_parent(text: str, where: str) -> int:
    """Legacy ``parent="B"`` (a column, for merges down) or ``parent="5"`` (a row, for merges across)."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[A-Z]{1,3}", text):
        return column_index(text) + 1
    raise TemplateError(f"xl:merge 的 parent 应为列字母或行号（当前为 {text}）", cell=where)


def split_cell(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", text.strip())
    if not match:
        return None
    return int(match.group(2)), column_index(match.group(1).upper()) + 1


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


_REF_USE = re.compile(r"\bref\s*(?:\.\s*(?P<attr>[^\W\d]\w*)|\[\s*['\"](?P<key>[^'\"]+)['\"]\s*\])")
_ADDRESS = re.compile(r"(?<![\w$.'\"])\$?[A-Z]{1,3}\$?[1-9]\d*(?![\w(])")
_MARKUP_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\"[^\"]*\"", re.S)


def formula_refs(source: str) -> list[str]:
    """The names an ``&=`` formula reads through ``ref``."""
    return [m["attr"] or m["key"] for m in _REF_USE.finditer(source)]


_QUOTED_ADDRESS = re.compile(r"['\"](\$?[A-Z]{1,3}\$?[1-9]\d*)['\"]")


def text_addresses(source: str) -> list[str]:
    """Cell addresses written as text in an ``&=`` formula: in its formula text, or quoted in its markup."""
    quoted = [a for part in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", source, re.S) for a in _QUOTED_ADDRESS.findall(part)]
    return _ADDRESS.findall(_MARKUP_PART.sub(" ", source)) + quoted


def ref_table(refs: dict[str, tuple[int, int, str]]) -> dict[str, str]:
    return {name: cell_name(row - 1, col - 1) for name, (row, col, _) in refs.items()}
