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
from ..load.xlsx_parts import first_sheet_note
from ..problems import TemplateError
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
            raise TemplateError(f"xl:form 的 when 出错：{exc}", template=self.path.name, cell="A1") from None

    def file_name(self, context: Mapping[str, Any]) -> str:
        if not self.file:
            return f"{self.name}.xlsx"
        try:
            name = compile_text(self.file)(dict(context)).strip()
        except ExpressionError as exc:
            raise TemplateError(f"xl:form 的 file 出错：{exc}", template=self.path.name, cell="A1") from None
        name = name.replace("/", "_").replace("\\", "_")
        return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def load_forms(folder: Path) -> list[Form]:
    """The forms of ``folder`` by their ``order`` (then file name); templates without ``xl:form`` are skipped.

    Only each template's A1 note is read here; the template itself is read when a form is used.
    """
    if not folder.is_dir():
        raise TemplateError(f"模板文件夹不存在：{folder}")
    forms = []
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        command = _form_command(path)
        if command is None:
            continue
        attrs = command.attrs
        try:
            order = float(attrs.get("order", 1000))
        except ValueError:
            raise TemplateError(f"xl:form 的 order 应为数字（当前为 {attrs['order']}）", template=path.name, cell="A1") from None
        forms.append(Form(attrs["name"], path, attrs.get("when"), attrs.get("file"), attrs.get("split"), order))
    forms.sort(key=lambda form: form.order)
    return forms


def _form_command(path: Path) -> Command | None:
    refusal = check_workbook(path, profile=TEMPLATE)
    if refusal is not None:
        raise TemplateError(str(refusal), template=path.name)
    try:
        note = first_sheet_note(path)
    except (KeyError, OSError, ElementTree.ParseError, zipfile.BadZipFile):
        stat = path.stat()
        return _load(path, stat.st_mtime_ns, stat.st_size).form  # an unusual file: read it all
    commands = [c for c in parse_note(note, f"{path.name}!A1") if c.name == "form"]
    return commands[0] if commands else None


@cache
def _load(path: Path, mtime: int, size: int) -> Template:
    """Templates are read once per process (keyed by their modification time)."""
    return load_template(path)
