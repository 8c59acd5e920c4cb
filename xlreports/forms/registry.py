"""Find the form templates of a templates folder and decide which a workbook can fill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..problems import TemplateError
from ..render import Template, load_template
from ..render.expressions import ExpressionError, compile_text, compile_value


@dataclass(frozen=True)
class Form:
    name: str
    template: Template
    when: str | None
    file: str | None
    split: str | None
    order: float = 1000.0

    def applies(self, context: Mapping[str, Any]) -> bool:
        if not self.when:
            return True
        try:
            return bool(compile_value(self.when)(dict(context)))
        except ExpressionError as exc:
            raise TemplateError(f"xl:form 的 when 出错：{exc}", template=self.template.name, cell="A1") from None

    def file_name(self, context: Mapping[str, Any]) -> str:
        if not self.file:
            return f"{self.name}.xlsx"
        try:
            name = compile_text(self.file)(dict(context)).strip()
        except ExpressionError as exc:
            raise TemplateError(f"xl:form 的 file 出错：{exc}", template=self.template.name, cell="A1") from None
        name = name.replace("/", "_").replace("\\", "_")
        return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def load_forms(folder: Path) -> list[Form]:
    """The forms of ``folder`` by their ``order`` (then file name); templates without ``xl:form`` are skipped."""
    if not folder.is_dir():
        raise TemplateError(f"模板文件夹不存在：{folder}")
    forms = []
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        stat = path.stat()
        template = _load(path, stat.st_mtime_ns, stat.st_size)
        if template.form is None:
            continue
        attrs = template.form.attrs
        try:
            order = float(attrs.get("order", 1000))
        except ValueError:
            raise TemplateError(f"xl:form 的 order 应为数字（当前为 {attrs['order']}）", template=path.name, cell="A1") from None
        forms.append(Form(attrs["name"], template, attrs.get("when"), attrs.get("file"), attrs.get("split"), order))
    forms.sort(key=lambda form: form.order)
    return forms


@cache
def _load(path: Path, mtime: int, size: int) -> Template:
    """Templates are read once per process (keyed by their modification time)."""
    return load_template(path)
