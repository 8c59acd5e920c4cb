"""Commands written in a template cell's note (comment), one per line.

Syntax, after JXLS: ``xl:each(items="projects" var="p" pageBreak="true")``.  What each command
means is in :mod:`commands`.
Attribute values are double-quoted; a literal ``"`` inside one is written ``\\"``.  Lines of the
note that do not start with ``xl:`` are ordinary remarks and are ignored, so an officer may keep
notes of their own next to the commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..problems import TemplateError
from .commands import REGISTRY

_LINE = re.compile(r"^\s*xl:(?P<name>\w+)\s*(?:\((?P<args>.*)\))?\s*$")
_ATTR = re.compile(r'\s*,?\s*(?P<key>\w+)\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*,?')


@dataclass(frozen=True)
class Command:
    name: str
    attrs: dict[str, str]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)

    def flag(self, key: str) -> bool:
        return (self.attrs.get(key) or "").strip().lower() in ("true", "yes", "1", "是")


def parse_note(text: str | None, where: str = "") -> list[Command]:
    """The ``xl:`` commands of a note; a malformed one raises :class:`TemplateError`."""
    if not text:
        return []
    commands = []
    for line in text.splitlines():
        if not line.strip().startswith("xl:"):
            continue
        match = _LINE.match(line)
        if not match:
            raise TemplateError(f"无法识别的命令「{line.strip()}」", cell=where)
        name = match["name"]
        spec = REGISTRY.get(name)
        if spec is None:
            known = "、".join(f"xl:{n}" for n in REGISTRY)
            raise TemplateError(f"未知的命令 xl:{name}（可用：{known}）", cell=where)
        attrs = _parse_attrs(match["args"] or "", line, where)
        required, optional = spec.required, spec.optional
        missing = required - attrs.keys()
        if missing:
            raise TemplateError(f"命令 xl:{name} 缺少属性 {'、'.join(sorted(missing))}", cell=where)
        unknown = attrs.keys() - required - optional
        if unknown:
            raise TemplateError(f"命令 xl:{name} 没有属性 {'、'.join(sorted(unknown))}", cell=where)
        commands.append(Command(name, attrs))
    return commands


def _parse_attrs(args: str, line: str, where: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    while pos < len(args):
        if not args[pos:].strip():
            break
        match = _ATTR.match(args, pos)
        if not match:
            raise TemplateError(f"命令的属性写法有误：「{line.strip()}」（应为 名称=\"值\"）", cell=where)
        attrs[match["key"]] = match["value"].replace('\\"', '"')
        pos = match.end()
    return attrs
