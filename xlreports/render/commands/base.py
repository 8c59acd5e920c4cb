"""What every ``xl:`` command is: :class:`XlCommand` (attributes, placement) and, for areas,
:class:`BlockCommand` (iterations).  After JXLS's ``Command`` interface."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ...load.xlsx_parts import column_index
from ...problems import TemplateError
from ..template import Block, TemplateCell

if TYPE_CHECKING:
    from ..markup import Command
    from ..reader import SheetReader

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
        key = block.var if self.name == "each" else block.label or "名称"
        named = "" if self.name == "each" or block.label else f'，给 xl:if 加 name="{key}"'
        reader.warn(f'lastCell="{last_cell}"{DEPRECATED}：请删去 lastCell{named}，'
                    f'在区域最后一个单元格的批注中写 xl:end({self.name}="{key}")', cell)


def check_var(command: Command, where: str) -> None:
    if not _NAME.fullmatch(command.attrs["var"]):
        raise TemplateError(f"xl:{command.name} 的 var 不是有效的名称：{command.attrs['var']}", cell=where)


def split_cell(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", text.strip())
    if not match:
        return None
    return int(match.group(2)), column_index(match.group(1).upper()) + 1
