"""Find the form templates of a templates folder and decide which a workbook can fill."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..load.xlsx_parts import _sheet_parts as sheet_parts
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


def _form_command(path: Path) -> tuple[Command | None, str]:
    """The ``xl:form`` of a template, on whichever sheet and cell it stands, and that cell."""
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


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def form_notes(path: Path) -> list[tuple[str, str]]:
    """(``工作表!C5``, text) of every note mentioning ``xl:form``, read from the zip's comment parts.

    Reading only the notes keeps listing a folder of forms fast; the sheets are not parsed.
    """
    found = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for sheet, part in sheet_parts(archive).items():
            folder, name = posixpath.split(part)
            rels_name = posixpath.join(folder, "_rels", name + ".rels")
            if rels_name not in names:
                continue
            rels = ElementTree.fromstring(archive.read(rels_name))
            for rel in rels.iter(f"{_PKG_REL}Relationship"):
                target = rel.get("Target", "")
                if not rel.get("Type", "").endswith("/comments"):
                    continue
                comments = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                data = archive.read(comments)
                if b"xl:form" not in data:
                    continue
                for comment in ElementTree.fromstring(data).iter(f"{_MAIN}comment"):
                    text = "".join(t.text or "" for t in comment.iter(f"{_MAIN}t"))
                    if "xl:form" in text:
                        found.append((f"{sheet}!{comment.get('ref', '')}", text))
    return found


@cache
def _load(path: Path, mtime: int, size: int) -> Template:
    """Templates are read once per process (keyed by their modification time)."""
    from ..compute import CONTEXT_NAMES

    return load_template(path, CONTEXT_NAMES)
