"""Find the form templates of a templates folder and decide which a workbook can fill."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..load.limits import TEMPLATE, check_workbook
from ..load.xlsx_parts import form_notes
from ..problems import Problems, TemplateError
from ..render import Template, load_template
from ..render.expressions import ExpressionError, compile_text, compile_value
from ..render.markup import Command, parse_note


@dataclass(frozen=True)
class Form:
    name: str
    path: Path
    when: str | None
    file: str | None
    split: str | None
    order: float = 1000.0
    cell: str = "A1"  # where its xl:form note stands (工作表!C5), for messages

    @property
    def template(self) -> Template:
        """The whole template, read the first time a workbook needs this form."""
        stat = self.path.stat()
        return _load(self.path, stat.st_mtime_ns, stat.st_size)

    def applies(self, context: Mapping[str, Any]) -> bool:
        if not self.when:
            return True
        try:
            return bool(compile_value(self.when)(dict(context)))
        except ExpressionError as exc:
            raise TemplateError(f"xl:form 的 when 出错：{exc}", template=self.path.name, cell=self.cell) from None

    def file_name(self, context: Mapping[str, Any]) -> str:
        if not self.file:
            return f"{self.name}.xlsx"
        try:
            name = compile_text(self.file)(dict(context)).strip()
        except ExpressionError as exc:
            raise TemplateError(f"xl:form 的 file 出错：{exc}", template=self.path.name, cell=self.cell) from None
        name = name.replace("/", "_").replace("\\", "_")
        return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def load_forms(folder: Path, problems: Problems | None = None) -> list[Form]:
    """The forms of ``folder`` by their ``order`` (then file name).

    A workbook without ``xl:form`` is skipped with a warning in ``problems`` (a form whose note was
    deleted must not vanish unnoticed).  Only the notes are read here; the template itself is read
    when a form is used.
    """
    if not folder.is_dir():
        raise TemplateError(f"文件夹不存在：{folder}")  # reads 模板：文件夹不存在
    forms = []
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        command, cell = _form_command(path)
        if command is None:
            if problems is not None:
                problems.warning(f"模板 {path.name}：没有 xl:form 命令，不是表格模板，已跳过"
                                 "（如果这是一张表格，请在它的工作表某个单元格的批注中写回 xl:form(name=\"…\")，"
                                 "见 docs/templates.md）")
            continue
        attrs = command.attrs
        try:
            order = float(attrs.get("order", 1000))
        except ValueError:
            raise TemplateError(f"xl:form 的 order 应为数字（当前为 {attrs['order']}）", template=path.name, cell=cell) from None
        forms.append(Form(attrs["name"], path, attrs.get("when"), attrs.get("file"), attrs.get("split"), order, cell))
    forms.sort(key=lambda form: form.order)
    return forms


@cache
def _measured(path: Path, mtime_ns: int, size: int) -> str | None:
    """The limits' refusal of a template, once per version of the file (a build reads every template)."""
    refusal = check_workbook(path, profile=TEMPLATE)
    return None if refusal is None else str(refusal)


def _form_command(path: Path) -> tuple[Command | None, str]:
    """The ``xl:form`` of a template, on whichever sheet and cell it stands, and that cell.

    The template is measured first (:mod:`xlreports.load.limits`): templates are passed around too.
    """
    stat = path.stat()
    refusal = _measured(path, stat.st_mtime_ns, stat.st_size)
    if refusal is not None:
        raise TemplateError(refusal, template=path.name)
    try:
        notes = form_notes(path)
    except (KeyError, OSError, ElementTree.ParseError, zipfile.BadZipFile):
        stat = path.stat()
        return _load(path, stat.st_mtime_ns, stat.st_size).form, "A1"  # an unusual file: read it all
    for ref, note in notes:
        commands = [c for c in parse_note(note, f"{path.name}!{ref}") if c.name == "form"]
        if commands:
            return commands[0], ref
    return None, ""




@cache
def _load(path: Path, mtime: int, size: int) -> Template:
    """Templates are read once per process (keyed by their modification time)."""
    from ..compute import CONTEXT_NAMES

    return load_template(path, CONTEXT_NAMES)
