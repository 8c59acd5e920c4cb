"""Templates read and checked without Excel and without an input workbook (``xlreports templates``).

:func:`inspect_folder` lists each form with its sheets, commands and the data it uses, and checks
it: every expression compiles (reading the template does that), every name an expression uses
exists where it stands (a form's data, or the variable of an enclosing ``xl:each``), every command
is well placed.  :func:`dump` prints a template's cells, formulas and notes as plain text, so that
a change to a template can be reviewed and diffed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..compute import CONTEXT_NAMES
from ..load.xlsx_parts import cell_name, column_letters
from ..problems import Problems, TemplateError
from ..render import load_template
from ..render.checks import cell_uses, names_used
from ..render.template import Template, TemplateSheet

JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none",
                           "True", "False", "None"})


@dataclass
class FormReport:
    path: Path
    name: str | None = None
    when: str | None = None
    sheets: list[tuple[str, bool]] = field(default_factory=list)  # (name, written into the output)
    commands: list[str] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)
    problems: Problems = field(default_factory=Problems)


def inspect_folder(folder: Path) -> tuple[list[FormReport], Problems]:
    """One report per template of ``folder``; folder-level warnings (a workbook that is no form)."""
    from .registry import load_forms

    problems = Problems()
    load_forms(folder, problems)
    reports = []
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        reports.append(inspect_template(path))
    return reports, problems


def inspect_template(path: Path) -> FormReport:
    report = FormReport(path)
    try:
        template = load_template(path, CONTEXT_NAMES)
    except TemplateError as exc:
        report.problems.error(str(exc))
        return report
    except Exception as exc:  # not a workbook openpyxl can read
        report.problems.error(f"模板 {path.name}：无法读取（{type(exc).__name__}: {exc}）")
        return report
    for warning in template.warnings:
        report.problems.warning(warning)
    if template.form is not None:
        report.name = template.form.attrs["name"]
        report.when = template.form.get("when")
    report.sheets = [(name, name not in template.kept_out) for name in template.sheet_names]
    for sheet in template.sheets:
        _check_sheet(template, sheet, report)
    return report


def _check_sheet(template: Template, sheet: TemplateSheet, report: FormReport) -> None:
    cells = [cell for row in sheet.cells.values() for cell in row] + sheet.notes_only
    spans = _spans(sheet)
    base = set(CONTEXT_NAMES) | JINJA_GLOBALS
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        for command in cell.commands:
            span = spans.get(cell.where, []).pop(0) if command.name in ("each", "if") and spans.get(cell.where) else ""
            report.commands.append(f"{cell_name(cell.row - 1, cell.col - 1)}  {_show(command)}{span}")
        for source, expression, scope in cell_uses(sheet, cell):
            names = names_used(source, expression)
            report.variables |= names & set(CONTEXT_NAMES)
            for name in sorted(names - scope - base):
                report.problems.error(f"模板 {cell.where}：名称 {name} 在这里没有定义（表达式「{_short(source)}」）："
                                      f"它不是表格可以使用的数据，也不是包含这个单元格的 xl:each 的变量"
                                      f"（可能在区域中插入了行列而区域没有随之扩大，或名称写错）")


def _spans(sheet: TemplateSheet) -> dict[str, list[str]]:
    """Each area's extent, by the cell of its command, in the order its commands were read."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    pending = list(sheet.root.children)
    while pending:
        block = pending.pop()
        pending.extend(block.children)
        found.setdefault(block.where, []).append(
            (block.first, -block.last, f"  （第 {block.first}–{block.last} 行）" if block.last > block.first else ""))
    for block in sheet.col_blocks:
        text = (f"  （{column_letters(block.first - 1)}–{column_letters(block.last - 1)} 列）"
                if block.last > block.first else "")
        found.setdefault(block.where, []).append((0, 0, text))
    return {where: [text for *_, text in sorted(items)] for where, items in found.items()}


def _show(command) -> str:
    attrs = " ".join(f'{k}="{v}"' for k, v in command.attrs.items())
    return f"xl:{command.name}({attrs})" if attrs else f"xl:{command.name}"


def _short(text: str) -> str:
    text = text.replace("\n", "↵")
    return text if len(text) <= 60 else text[:57] + "…"


def main(path: Path, dump_only: bool = False) -> int:
    """``xlreports templates``: print the listing (or the dump); 1 when a template has errors."""
    if not path.exists():
        print(f"模板文件夹不存在：{path}", file=sys.stderr)
        return 1
    paths = [path] if path.is_file() else sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    if dump_only:
        for template in paths:
            for line in dump(template):
                print(line)
            print()
        return 0
    if path.is_file():
        reports, folder_problems = [inspect_template(path)], Problems()
    else:
        reports, folder_problems = inspect_folder(path)
    failed = 0
    for report in reports:
        failed += report.problems.has_errors()
        _print(report)
    for problem in folder_problems.warnings:
        print(f"警告：{problem}")
    forms = sum(1 for r in reports if r.name)
    print(f"共 {len(reports)} 个模板，{forms} 个表格" + (f"，{failed} 个模板有错误" if failed else "，检查通过"))
    return 1 if failed else 0


def _print(report: FormReport) -> None:
    mark = "✗" if report.problems.has_errors() else "✓"
    title = f"表格「{report.name}」" if report.name else "（没有 xl:form，不是表格）"
    when = f"，生成条件：{report.when}" if report.when else ""
    print(f"{mark} {report.path.name}：{title}{when}")
    if report.sheets:
        print("  工作表：" + "、".join(f"{name}{'' if out else '（不输出）'}" for name, out in report.sheets))
    for line in report.commands:
        print(f"    {line}")
    if report.variables:
        print("  用到的数据：" + "、".join(sorted(report.variables)))
    for problem in report.problems.errors:
        print(f"  错误：{problem}")
    for problem in report.problems.warnings:
        print(f"  警告：{problem}")


# -- the plain-text dump ---------------------------------------------------------------------------


def dump(path: Path) -> Iterable[str]:
    """Lines describing every cell, formula, note, merge and page setting of a template."""
    from openpyxl import load_workbook

    book = load_workbook(path, rich_text=False)
    yield f"# {path.name}"
    for ws in book.worksheets:
        yield f"## {ws.title}"
        for row in ws.iter_rows():
            for cell in row:
                ref = f"{column_letters(cell.column - 1)}{cell.row}"
                if cell.value is not None:
                    yield f"{ref}\t{_escape(cell.value)}"
                if cell.comment is not None:
                    for line in cell.comment.text.splitlines():
                        if line.strip():
                            yield f"{ref}\t# {line.strip()}"
        merges = sorted(str(m) for m in ws.merged_cells.ranges)
        if merges:
            yield "合并单元格\t" + " ".join(merges)
        for label, value in (("打印区域", ws.print_area), ("打印标题行", ws.print_title_rows),
                             ("冻结窗格", ws.freeze_panes)):
            if value:
                yield f"{label}\t{value}"
        for label, part in (("页眉", ws.oddHeader), ("页脚", ws.oddFooter)):
            text = "".join(f"&{c}{part_str}" for c, part_str in
                           (("L", str(part.left) if part.left.text else ""), ("C", str(part.center) if part.center.text else ""),
                            ("R", str(part.right) if part.right.text else "")) if part_str)
            if text:
                yield f"{label}\t{text}"
        if ws.conditional_formatting:
            for rng in ws.conditional_formatting:
                yield f"条件格式\t{rng.sqref}\t" + "；".join(r.type + (f" {r.formula}" if r.formula else "") for r in rng.rules)
        for image in getattr(ws, "_images", []):
            anchor = getattr(image.anchor, "_from", None)
            if anchor is not None:
                yield f"图片\t{cell_name(anchor.row, anchor.col)}"
        if ws.protection.sheet:
            yield "工作表保护\t是"
    for name, defined in _defined_names(book):
        yield f"名称\t{name}\t{defined}"


def _defined_names(book) -> list[tuple[str, str]]:
    names = getattr(book, "defined_names", None)
    if names is None:
        return []
    items = names.items() if hasattr(names, "items") else ((d.name, d) for d in names.definedName)
    return sorted((name, d.attr_text) for name, d in items)


def _escape(value) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
