"""Commands about a whole sheet: ``xl:form`` (the form), ``xl:output`` (an extra sheet written),
``xl:sheet`` (one sheet per item)."""

from __future__ import annotations

from ...problems import TemplateError
from .. import expressions
from ..template import SheetRepeat
from .base import XlCommand, check_var


class FormCommand(XlCommand):
    name = "form"
    required = frozenset({"name"})
    optional = frozenset({"when", "file", "split", "order"})
    summary = "声明表格（名称、生成条件、文件名）"

    def apply(self, command, reader, cell):
        if reader.form is not None:
            raise TemplateError("一个模板只能有一个 xl:form", cell=cell.where)
        reader.form = command

    def variables(self, command):
        return [command.attrs["when"]] if command.get("when") else []


class OutputCommand(XlCommand):
    name = "output"
    summary = "这个工作表也写入生成的文件（没有 xl:form 的工作表默认不输出，例如填表说明）"

    def apply(self, command, reader, cell):
        """Nothing to add: which sheets are written is decided before they are read (reader._markers)."""


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

    def variables(self, command):
        return [command.attrs["items"]]
