"""Which names a template cell uses and which are defined where it stands.

A cell may use the form's data and the variables of the areas (``xl:each``) that contain it.  The
reader refuses a cell that uses an area's variable outside that area — the sign of an area that did
not grow with an inserted row, or lost its ``xl:end`` — and ``xlreports templates`` also checks the
remaining names against the form's data.
"""

from __future__ import annotations

from jinja2 import TemplateSyntaxError, meta

from .commands import REGISTRY
from .expressions import environment
from .template import TemplateCell, TemplateSheet

Use = tuple[str, bool, set[str]]  # (source, is an expression rather than text, names defined there)


def names_used(source: str, expression: bool) -> set[str]:
    """Root names ``source`` reads that it does not define itself (loop variables, ``set``)."""
    text = f"{{{{ ({source}) }}}}" if expression else source
    try:
        return set(meta.find_undeclared_variables(environment().parse(text)))
    except TemplateSyntaxError:
        return set()  # reading the template refuses it with its own message


def scope_at(sheet: TemplateSheet, cell: TemplateCell) -> tuple[set[str], set[str]]:
    """Names the areas around ``cell`` define: those that began before it, and all of them."""
    outer: set[str] = set()
    inner: set[str] = set()
    for block in sheet.chain(cell.row):
        if block.kind == "each":
            inner |= {block.var, "loop"}
            if block.first < cell.row:
                outer |= {block.var, "loop"}
    for block in sheet.col_blocks:
        if block.first <= cell.col <= block.last:
            inner.add(block.var)
            if block.first < cell.col:
                outer.add(block.var)
    if sheet.repeat is not None:
        outer.add(sheet.repeat.var)
        inner.add(sheet.repeat.var)
    return outer, inner


def cell_uses(sheet: TemplateSheet, cell: TemplateCell) -> list[Use]:
    """Every expression of a cell (its content, its commands) with the names defined where it is read."""
    outer, inner = scope_at(sheet, cell)
    uses: list[Use] = []
    if cell.source is not None:
        uses.append((cell.source, False, inner | ({"ref"} if cell.source.startswith("&=") else set())))
    opened: set[str] = set()
    for command in cell.commands:
        for source in REGISTRY[command.name].variables(command):
            if command.name in ("form", "sheet"):
                scope: set[str] = set()
            elif command.name in ("each", "if"):
                scope = outer | opened  # an area's own items are read outside it
            else:
                scope = inner
            uses.append((source, True, scope))
        if command.name == "sheet" and command.get("name"):
            uses.append((command.attrs["name"], False, {command.attrs["var"]}))
        if command.name == "each":
            opened |= {command.attrs["var"], "loop"}
    return uses


def area_variables(sheet: TemplateSheet) -> dict[str, str]:
    """The variable of every area of the sheet, with the cell of its command."""
    found: dict[str, str] = {}
    pending = list(sheet.root.children)
    while pending:
        block = pending.pop()
        pending.extend(block.children)
        if block.kind == "each":
            found.setdefault(block.var, block.where)
    for block in sheet.col_blocks:
        found.setdefault(block.var, block.where)
    return found


def outside_their_area(sheet: TemplateSheet, context_names: frozenset[str] = frozenset()) -> list[str]:
    """Messages for cells using an area's variable where no enclosing area defines it."""
    variables = {k: v for k, v in area_variables(sheet).items() if k not in context_names}
    problems = []
    if not variables:
        return problems
    cells = [cell for row in sheet.cells.values() for cell in row] + sheet.notes_only
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        for source, expression, scope in cell_uses(sheet, cell):
            for name in sorted((names_used(source, expression) & variables.keys()) - scope):
                problems.append(f"模板 {cell.where}：{name} 只在 {variables[name]} 的 xl:each(var=\"{name}\") 区域内有定义，"
                                "这个单元格在区域之外（区域可能缺少 xl:end，或插入、删除行列后区域没有包含它）")
    return problems
