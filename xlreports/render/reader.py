"""Read a template workbook with openpyxl into the engine's model (:mod:`template`).

Cell contents become literals, compiled expressions or parsed formulas; notes become commands
(:mod:`markup`); styles, merges, widths, heights, page setup and data validation are read as they
are, in template coordinates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..load.xlsx_parts import cell_name
from ..problems import TemplateError
from . import expressions
from .checks import outside_their_area
from .commands import (
    DEPRECATED,
    REGISTRY,
    formula_refs,
    ref_table,
    resolve_merges,
    split_cell,
    text_addresses,
)
from .expressions import Evaluator, ExpressionError
from .extras import read_extras, read_names
from .formula_escape import compile_formula
from .formulas import Formula
from .markup import Command, parse_note
from .pagesetup import parse_area, read_page, read_validations
from .styles import Style, from_openpyxl
from .template import (
    Area,
    Block,
    ColumnBlock,
    MergeRule,
    SheetRepeat,
    Template,
    TemplateCell,
    TemplateSheet,
)


def _only_structure(cell: TemplateCell) -> bool:
    return (cell.value is None and cell.text is None and cell.formula is None and cell.formula_text is None
            and cell.merge is None and cell.cached is None)


def load_template(path: Path, data_names: frozenset[str] = frozenset()) -> Template:
    """Read a template; ``data_names``: the names of the data it is rendered with (an area's variable
    may shadow one of them, and a cell outside the area then reads the data)."""
    from openpyxl import load_workbook  # deferred: only a build needs it

    book = load_workbook(path, rich_text=False)
    env = expressions.environment(path.parent)
    form = None
    sheets = []
    warnings: list[str] = []
    readers = []
    markers = {ws.title: _markers(ws) for ws in book.worksheets}
    is_form = any(declares for declares, _, _ in markers.values())
    kept_out = []
    for ws in book.worksheets:
        _, output, markup = markers[ws.title]
        if is_form and not output:  # an instructions sheet: not read, not written
            kept_out.append(ws.title)
            if markup:
                warnings.append(f"模板 {path.name}!{ws.title}：工作表中有表达式或命令，但没有 xl:output，"
                                "不会写入生成的文件（如需输出，请在任一单元格批注中写 xl:output）")
            continue
        reader = SheetReader(path.name, ws, env, data_names)
        sheets.append(reader.read())
        readers.append(reader)
    names = read_names(book, [ws.title for ws in book.worksheets], parse_area)
    for sheet, reader in zip(sheets, readers, strict=True):
        sheet.extras.names = names.get(sheet.name, [])
        if reader.form is not None:
            if form is not None:
                raise TemplateError("一个模板只能有一个 xl:form", cell=reader.form_where)
            form = reader.form
        warnings.extend(reader.warnings)
    warnings.extend(_dropped_drawings(path))
    return Template(path, sheets, form, _default_font(book), warnings, kept_out, book.sheetnames)


_OUTPUT_COMMANDS = re.compile(r"^\s*xl:(form|sheet|output)\b", re.M)


def _markers(ws) -> tuple[bool, bool, bool]:
    """Whether a sheet declares the form, is written into the output, holds any markup."""
    declares = output = markup = False
    for row in ws.iter_rows():
        for cell in row:
            comment = cell.comment
            if comment is not None and "xl:" in comment.text:
                markup = True
                for match in _OUTPUT_COMMANDS.finditer(comment.text):
                    output = True
                    declares = declares or match[1] == "form"
            value = cell.value
            if isinstance(value, str) and (value.startswith("&=") or expressions.has_markup(value)):
                markup = True
    return declares, output, markup


def _dropped_drawings(path: Path) -> list[str]:
    """Shapes and text boxes, which openpyxl does not read: named, never silently lost."""
    import zipfile

    shape = re.compile(rb"<xdr:(?:sp|grpSp|cxnSp)[\s>]")
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/drawings/") and name.endswith(".xml") and shape.search(archive.read(name)):
                found.append(f"模板 {path.name}：{name.rsplit('/', 1)[-1]} 中的形状或文本框不能保留到生成的文件中"
                             "（请改用单元格文字或图片）")
    return found


def _default_font(book) -> tuple[str, float] | None:
    try:
        font = book._fonts[0]
        return font.name, float(font.sz)
    except (AttributeError, IndexError, TypeError):
        return None


class SheetReader:
    """Reads one worksheet; the commands of its notes (:mod:`commands`) add to what it collects."""

    def __init__(self, template: str, ws, env, data_names: frozenset[str] = frozenset()) -> None:
        self.template = template
        self.data_names = data_names
        self.ws = ws
        self.env = env
        self.form: Command | None = None
        self.form_where = ""
        self.repeat: SheetRepeat | None = None
        self.blocks: list[Block] = []
        self.col_blocks: list[ColumnBlock] = []
        self.merge_rules: list[MergeRule] = []
        self.opened: list[tuple[str, str, Block | ColumnBlock]] = []  # areas waiting for their xl:end
        self.refs: dict[str, tuple[int, int, str]] = {}
        self.notes_only: list[TemplateCell] = []  # cells with nothing but a note (kept for listings)
        self.styles: dict[Any, Style] = {}
        self.warnings: list[str] = []

    def where(self, row: int, col: int) -> str:
        return f"{self.template}!{self.ws.title}!{cell_name(row - 1, col - 1)}"

    def warn(self, message: str, cell: TemplateCell) -> None:
        self.warnings.append(f"模板 {cell.where}：{message}")

    def compile(self, kind, source: str, cell: TemplateCell) -> Evaluator:
        try:
            return kind(source, self.env)
        except ExpressionError as exc:
            raise TemplateError(str(exc), cell=cell.where) from None

    def compile_value(self, source: str, cell: TemplateCell) -> Evaluator:
        return self.compile(expressions.compile_value, source, cell)

    def read(self) -> TemplateSheet:
        ws = self.ws
        cells: dict[int, list[TemplateCell]] = {}
        max_row = max_col = 0
        formula_texts: list[tuple[TemplateCell, str]] = []
        for row in ws.iter_rows():
            for xl_cell in row:
                commands = self._commands(xl_cell)
                if xl_cell.value is None and not xl_cell.has_style and not commands:
                    continue
                cell = self._cell(xl_cell, commands, formula_texts)
                if cell.style is None and cell.literal is None and _only_structure(cell):
                    self.notes_only.append(cell)
                    continue  # a note on an empty cell (xl:end …): nothing to write
                cells.setdefault(cell.row, []).append(cell)
                max_row, max_col = max(max_row, cell.row), max(max_col, cell.col)
        blocks = self.blocks
        max_row = max([max_row, *(b.last for b in blocks)])
        root = Block("root", 1, max(max_row, 1))
        _nest(root, blocks, self.template)
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        self._check_legacy_areas(merges)
        for rule in self.merge_rules:
            in_rows = any(b.contains(rule.row) for b in blocks)
            in_cols = any(b.first <= rule.col <= b.last for b in self.col_blocks)
            if in_rows == in_cols:
                message = ("xl:merge 不能用在同时向下和向右重复的单元格上" if in_rows else
                           "xl:merge 只能用在重复区域（xl:each）内的单元格上")
                raise TemplateError(message, cell=self.where(rule.row, rule.col))
            rule.horizontal = in_cols
        resolve_merges(self.merge_rules, self.where)
        refs = ref_table(self.refs)
        self._check_formula_texts(formula_texts, refs)
        sheet = TemplateSheet(
            name=ws.title,
            cells=cells,
            max_row=max_row,
            max_col=max(max_col, max((m[3] for m in merges), default=0)),
            merges=merges,
            row_heights={r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
            hidden_rows={r for r, d in ws.row_dimensions.items() if d.hidden},
            col_widths=self._col_widths(),
            hidden_cols=self._hidden_cols(),
            default_row_height=ws.sheet_format.defaultRowHeight if ws.sheet_format.customHeight else None,
            default_col_width=ws.sheet_format.defaultColWidth,
            page=read_page(ws),
            validations=read_validations(ws),
            freeze=split_cell(ws.freeze_panes) if ws.freeze_panes else None,
            root=root,
            merge_rules=self.merge_rules,
            show_gridlines=ws.sheet_view.showGridLines is not False,
            col_blocks=sorted(self.col_blocks, key=lambda b: b.first),
            repeat=self.repeat,
            refs=refs,
            notes_only=self.notes_only,
            extras=read_extras(ws, self.where, parse_area, lambda message: self.warnings.append(f"模板 {message}")),
        )
        misplaced = outside_their_area(sheet, self.data_names)
        if misplaced:
            raise TemplateError.again(misplaced[0], self.template, None)
        return sheet

    def _commands(self, xl_cell) -> list[Command]:
        comment = xl_cell.comment
        if comment is None:
            return []
        return parse_note(comment.text, self.where(xl_cell.row, xl_cell.column))

    def _style(self, xl_cell) -> Style | None:
        if not xl_cell.has_style:
            return None
        key = tuple(xl_cell._style)
        style = self.styles.get(key)
        if style is None:
            style = self.styles[key] = from_openpyxl(xl_cell)
        return style

    def _cell(self, xl_cell, commands, formula_texts) -> TemplateCell:
        row, col = xl_cell.row, xl_cell.column
        cell = TemplateCell(row, col, self._style(xl_cell), where=self.where(row, col), commands=tuple(commands))
        value = xl_cell.value
        if isinstance(value, str) and (value.startswith("&=") or expressions.has_markup(value)):
            cell.source = value
        if xl_cell.data_type == "f" and isinstance(value, str):
            cell.formula = self._parse_formula(value, cell)
        elif not isinstance(value, str) and value is not None and xl_cell.data_type == "f":
            raise TemplateError("不支持数组公式或数据表公式", cell=cell.where)
        elif isinstance(value, str) and value.startswith("&="):
            cell.formula_text = self.compile(compile_formula, value[1:], cell)
            formula_texts.append((cell, value[1:]))
        elif isinstance(value, str) and expressions.has_markup(value):
            whole = expressions.whole_expression(value)
            if whole is not None:
                cell.value = self.compile_value(whole, cell)
            else:
                cell.text = self.compile(expressions.compile_text, value, cell)
        else:
            cell.literal = value
        if xl_cell.hyperlink is not None:
            self.warn("超链接不能保留到生成的文件中（单元格的文字会保留）", cell)
        for command in commands:
            if command.name == "form":
                self.form_where = cell.where
            REGISTRY[command.name].apply(command, self, cell)
        if cell.cached is not None and cell.formula is None and cell.formula_text is None:
            raise TemplateError("xl:value 只能用在公式单元格上", cell=cell.where)
        if (cell.formula is not None or cell.formula_text is not None) and cell.cached is None:
            self.warn("公式没有 xl:value 计算值，在邮件预览、手机和 PDF 中会显示 0（见 docs/templates.md）", cell)
        return cell

    def _parse_formula(self, text: str, cell: TemplateCell) -> Formula:
        try:
            return Formula.parse(text)
        except Exception as exc:
            raise TemplateError(f"无法解析公式 {text}：{exc}", cell=cell.where) from None

    def _check_formula_texts(self, formula_texts: list[tuple[TemplateCell, str]], refs: dict[str, str]) -> None:
        """``&=`` formulas: every ``ref.名称`` names an ``xl:ref``; addresses written as text are warned of."""
        for cell, source in formula_texts:
            for name in formula_refs(source):
                if name not in refs:
                    raise TemplateError(f'公式中的 ref.{name} 没有对应的 xl:ref(name="{name}")'
                                        "（可能删除了那个单元格或它的批注）", cell=cell.where)
            addresses = sorted(set(text_addresses(source)))
            if addresses:
                self.warn(f"&= 公式中写成文字的地址 {'、'.join(addresses)}{DEPRECATED}：请在被引用的单元格批注中写 "
                          'xl:ref(name="名称")，公式中写 {{ ref.名称 }}', cell)
            if refs:
                cell.bindings = {**(cell.bindings or {}), "ref": refs}

    def _check_legacy_areas(self, merges: list[Area]) -> None:
        """A merged cell cut by the edge of an area that ``lastCell`` ended: the address is stale."""
        for block in self.blocks:
            if not block.legacy:
                continue
            for r1, c1, r2, c2 in merges:
                if block.contains(r1) and r2 > block.last:  # the area should have grown with an inserted row
                    area = f"{cell_name(r1 - 1, c1 - 1)}:{cell_name(r2 - 1, c2 - 1)}"
                    raise TemplateError(f"合并单元格 {area} 跨出了 xl:{block.kind} 的区域（第 {block.first}–{block.last} 行）："
                                        f"lastCell=\"{block.legacy}\" 可能在插入或删除行后没有随之改变；"
                                        "请改用 xl:end（见 docs/templates.md）", cell=block.where)

    def _col_widths(self) -> dict[int, float]:
        widths = {}
        for dim in self.ws.column_dimensions.values():
            if dim.width and (dim.customWidth or dim.width):
                for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                    widths[col] = float(dim.width)
        return widths

    def _hidden_cols(self) -> set[int]:
        hidden = set()
        for dim in self.ws.column_dimensions.values():
            if dim.hidden:
                hidden.update(range(dim.min or 1, (dim.max or dim.min or 1) + 1))
        return hidden


def _nest(root: Block, blocks: list[Block], template: str) -> None:
    """Arrange blocks in a tree by their rows; partial overlaps are template errors."""
    for block in sorted(blocks, key=lambda b: (b.first, -b.last)):
        parent = root
        while True:
            inner = next((c for c in parent.children if c.contains(block.first)), None)
            if inner is None:
                break
            if not inner.contains(block.last):
                raise TemplateError(f"区域（第 {block.first}–{block.last} 行）与区域（第 {inner.first}–{inner.last} 行）"
                                    "交叉：区域只能嵌套，不能部分重叠", cell=block.where)
            parent = inner
        block.parent = parent
        parent.children.append(block)
    _sort_children(root)


def _sort_children(block: Block) -> None:
    block.children.sort(key=lambda b: b.first)
    for child in block.children:
        _sort_children(child)
