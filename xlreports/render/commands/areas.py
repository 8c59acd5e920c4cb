"""Commands over areas of rows or columns: ``xl:each``, ``xl:if``, and ``xl:end`` that closes them.

The layout (:mod:`..layout`, :mod:`..columns`) asks an area's command for its iterations and knows
nothing else of it.
"""

from __future__ import annotations

from ...problems import TemplateError
from ..expressions import ExpressionError
from ..template import Block, ColumnBlock
from .base import BlockCommand, XlCommand, check_var


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
        from ..layout import evaluate_items

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
