"""Read a template workbook with openpyxl into the engine's model (:mod:`template`).

Cell contents become literals, compiled expressions or parsed formulas; notes become commands
(:mod:`markup`); styles, merges, widths, heights, page setup and data validation are read as they
are, in template coordinates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..load.xlsx_parts import cell_name, column_index
from ..problems import TemplateError
from . import expressions
from .expressions import Evaluator, ExpressionError
from .formula_escape import compile_formula
from .formulas import Formula
from .markup import Command, parse_note
from .sheet import Page
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
    Validation,
)


def load_template(path: Path) -> Template:
    from openpyxl import load_workbook  # deferred: only a build needs it

    book = load_workbook(path, rich_text=False)
    env = expressions.environment(path.parent)
    form = None
    sheets = []
    warnings: list[str] = []
    for index, ws in enumerate(book.worksheets):
        reader = _SheetReader(path.name, ws, env)
        sheet = reader.read()
        if index == 0:
            form = reader.form
        sheets.append(sheet)
        warnings.extend(reader.warnings)
    return Template(path, sheets, form, _default_font(book), warnings)


def _default_font(book) -> tuple[str, float] | None:
    try:
        font = book._fonts[0]
        return font.name, float(font.sz)
    except (AttributeError, IndexError, TypeError):
        return None


class _SheetReader:
    def __init__(self, template: str, ws, env) -> None:
        self.template = template
        self.ws = ws
        self.env = env
        self.form: Command | None = None
        self.repeat: SheetRepeat | None = None
        self.col_blocks: list[ColumnBlock] = []
        self.styles: dict[Any, Style] = {}
        self.warnings: list[str] = []

    def where(self, row: int, col: int) -> str:
        return f"{self.template}!{self.ws.title}!{cell_name(row - 1, col - 1)}"

    def read(self) -> TemplateSheet:
        ws = self.ws
        cells: dict[int, list[TemplateCell]] = {}
        blocks: list[Block] = []
        merge_rules: list[MergeRule] = []
        max_row = max_col = 0
        for row in ws.iter_rows():
            for xl_cell in row:
                commands = self._commands(xl_cell)
                if xl_cell.value is None and not xl_cell.has_style and not commands:
                    continue
                cell = self._cell(xl_cell, commands, blocks, merge_rules)
                cells.setdefault(cell.row, []).append(cell)
                max_row, max_col = max(max_row, cell.row), max(max_col, cell.col)
        max_row = max([max_row, *(b.last for b in blocks)])
        root = Block("root", 1, max(max_row, 1))
        _nest(root, blocks, self.template)
        for rule in merge_rules:
            in_rows = any(b.contains(rule.row) for b in blocks)
            in_cols = any(b.first <= rule.col <= b.last for b in self.col_blocks)
            if in_rows == in_cols:
                message = ("xl:merge 不能用在同时向下和向右重复的单元格上" if in_rows else
                           "xl:merge 只能用在重复区域（xl:each）内的单元格上")
                raise TemplateError(message, cell=self.where(rule.row, rule.col))
            rule.horizontal = in_cols
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        return TemplateSheet(
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
            page=self._page(),
            validations=self._validations(),
            freeze=_split_cell(ws.freeze_panes) if ws.freeze_panes else None,
            root=root,
            merge_rules=merge_rules,
            show_gridlines=ws.sheet_view.showGridLines is not False,
            col_blocks=sorted(self.col_blocks, key=lambda b: b.first),
            repeat=self.repeat,
        )

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

    def _compile(self, kind, source: str, row: int, col: int) -> Evaluator:
        try:
            return kind(source, self.env)
        except ExpressionError as exc:
            raise TemplateError(str(exc), cell=self.where(row, col)) from None

    def _cell(self, xl_cell, commands, blocks, merge_rules) -> TemplateCell:
        row, col = xl_cell.row, xl_cell.column
        cell = TemplateCell(row, col, self._style(xl_cell), where=self.where(row, col))
        value = xl_cell.value
        if xl_cell.data_type == "f" and isinstance(value, str):
            cell.formula = self._parse_formula(value, row, col)
        elif not isinstance(value, str) and value is not None and xl_cell.data_type == "f":
            raise TemplateError("不支持数组公式或数据表公式", cell=self.where(row, col))
        elif isinstance(value, str) and value.startswith("&="):
            cell.formula_text = self._compile(compile_formula, value[1:], row, col)
        elif isinstance(value, str) and expressions.has_markup(value):
            whole = expressions.whole_expression(value)
            if whole is not None:
                cell.value = self._compile(expressions.compile_value, whole, row, col)
            else:
                cell.text = self._compile(expressions.compile_text, value, row, col)
        else:
            cell.literal = value
        for command in commands:
            self._apply(command, cell, blocks, merge_rules)
        if cell.cached is not None and cell.formula is None and cell.formula_text is None:
            raise TemplateError("xl:value 只能用在公式单元格上", cell=self.where(row, col))
        if (cell.formula is not None or cell.formula_text is not None) and cell.cached is None:
            self.warnings.append(f"模板 {self.where(row, col)}：公式没有 xl:value 计算值，"
                                 "在邮件预览、手机和 PDF 中会显示 0（见 docs/templates.md）")
        return cell

    def _parse_formula(self, text: str, row: int, col: int) -> Formula:
        try:
            return Formula.parse(text)
        except Exception as exc:
            raise TemplateError(f"无法解析公式 {text}：{exc}", cell=self.where(row, col)) from None

    def _apply(self, command: Command, cell: TemplateCell, blocks, merge_rules) -> None:
        row, col = cell.row, cell.col
        where = self.where(row, col)
        if command.name == "form":
            if (row, col) != (1, 1):
                raise TemplateError("xl:form 只能写在第一个工作表的 A1 单元格批注中", cell=where)
            self.form = command
        elif command.name == "sheet":
            if (row, col) != (1, 1):
                raise TemplateError("xl:sheet 只能写在工作表 A1 单元格的批注中", cell=where)
            self._check_var(command, where)
            name = command.get("name")
            self.repeat = SheetRepeat(self._compile(expressions.compile_value, command.attrs["items"], row, col),
                                      command.attrs["var"],
                                      self._compile(expressions.compile_text, name, row, col) if name else None,
                                      where)
        elif command.name == "each" and (command.get("direction") or "down").lower() == "right":
            self._check_var(command, where)
            self.col_blocks.append(ColumnBlock(
                col, self._last_col(command, col, where),
                self._compile(expressions.compile_value, command.attrs["items"], row, col),
                command.attrs["var"], where))
        elif command.name in ("each", "if"):
            last = self._last_row(command, row, where)
            block = Block(command.name, row, last, where=where)
            if command.name == "each":
                direction = (command.get("direction") or "down").lower()
                if direction != "down":
                    raise TemplateError(f"xl:each 的 direction 只能是 down 或 right（当前为 {direction}）", cell=where)
                self._check_var(command, where)
                block.items = self._compile(expressions.compile_value, command.attrs["items"], row, col)
                block.var = command.attrs["var"]
                block.page_break = command.flag("pageBreak")
            else:
                block.test = self._compile(expressions.compile_value, command.attrs["test"], row, col)
            blocks.append(block)
        elif command.name == "merge":
            by = command.get("by")
            parent = command.get("parent")
            cell.merge = MergeRule(
                col, row,
                self._compile(expressions.compile_value, by, row, col) if by else None,
                self._parent(parent, where) if parent else None,
            )
            merge_rules.append(cell.merge)
        elif command.name == "value":
            cell.cached = self._compile(expressions.compile_value, command.attrs["expr"], row, col)

    @staticmethod
    def _check_var(command: Command, where: str) -> None:
        if not re.fullmatch(r"[^\W\d]\w*", command.attrs["var"]):
            raise TemplateError(f"xl:{command.name} 的 var 不是有效的名称：{command.attrs['var']}", cell=where)

    @staticmethod
    def _parent(text: str, where: str) -> int:
        """``parent="B"`` (a column, for merges down) or ``parent="5"`` (a row, for merges across)."""
        text = text.strip().upper()
        if text.isdigit():
            return int(text)
        if re.fullmatch(r"[A-Z]{1,3}", text):
            return column_index(text) + 1
        raise TemplateError(f"xl:merge 的 parent 应为列字母或行号（当前为 {text}）", cell=where)

    def _last_col(self, command: Command, col: int, where: str) -> int:
        last_cell = command.get("lastCell")
        if not last_cell:
            return col
        parsed = _split_cell(last_cell)
        if parsed is None or parsed[1] < col:
            raise TemplateError(f"lastCell {last_cell} 不是本单元格右边（或本列）的单元格地址", cell=where)
        return parsed[1]

    def _last_row(self, command: Command, row: int, where: str) -> int:
        last_cell = command.get("lastCell")
        if not last_cell:
            return row
        parsed = _split_cell(last_cell)
        if parsed is None:
            raise TemplateError(f"lastCell 不是单元格地址：{last_cell}", cell=where)
        if parsed[0] < row:
            raise TemplateError(f"lastCell {last_cell} 在命令所在行的上方", cell=where)
        return parsed[0]

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

    def _page(self) -> Page:
        ws = self.ws
        setup = ws.page_setup
        fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        margins = ws.page_margins
        page = Page(
            orientation=setup.orientation,
            paper_size=int(setup.paperSize) if setup.paperSize else None,
            fit_width=(int(setup.fitToWidth) if setup.fitToWidth is not None else 1) if fit else None,
            fit_height=(int(setup.fitToHeight) if setup.fitToHeight is not None else 1) if fit else None,
            scale=int(setup.scale) if setup.scale else None,
            margins={k: float(getattr(margins, k)) for k in ("left", "right", "top", "bottom", "header", "footer")},
            center_horizontally=bool(ws.print_options.horizontalCentered),
            center_vertically=bool(ws.print_options.verticalCentered),
            header=_header_text(ws.oddHeader),
            footer=_header_text(ws.oddFooter),
            gridlines=bool(ws.print_options.gridLines),
            row_breaks=[brk.id for brk in ws.row_breaks.brk],
        )
        if ws.print_area:
            areas = [_parse_area(a) for a in ws.print_area.split(",")]
            areas = [a for a in areas if a]
            if areas:
                page.print_area = areas[0]
        if ws.print_title_rows:
            first, _, last = ws.print_title_rows.replace("$", "").partition(":")
            page.repeat_rows = (int(first), int(last or first))
        if ws.print_title_cols:
            first, _, last = ws.print_title_cols.replace("$", "").partition(":")
            page.repeat_cols = (column_index(first) + 1, column_index(last or first) + 1)
        return page

    def _validations(self) -> list[Validation]:
        result = []
        for dv in self.ws.data_validations.dataValidation:
            areas = [a for a in (_parse_area(str(r)) for r in dv.sqref.ranges) if a]
            options: dict[str, Any] = {
                "type": dv.type or "any",
                "operator": dv.operator,
                "formula1": dv.formula1,
                "formula2": dv.formula2,
                "allow_blank": bool(dv.allow_blank),
                "show_dropdown": not dv.showDropDown,
                "show_input": bool(dv.showInputMessage),
                "show_error": bool(dv.showErrorMessage),
                "error_style": dv.errorStyle,
                "error_title": dv.errorTitle,
                "error": dv.error,
                "prompt_title": dv.promptTitle,
                "prompt": dv.prompt,
            }
            result.append(Validation(areas, options))
        return result


def _header_text(header_footer) -> str | None:
    """A page header/footer in Excel's ``&L…&C…&R…`` notation, or ``None``."""
    parts = []
    for code, part in (("&L", header_footer.left), ("&C", header_footer.center), ("&R", header_footer.right)):
        if part is not None and part.text:
            parts.append(code + part.text)
    return "".join(parts) or None


def _split_cell(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", text.strip())
    if not match:
        return None
    return int(match.group(2)), column_index(match.group(1).upper()) + 1


def _parse_area(text: str) -> Area | None:
    text = text.split("!")[-1].replace("$", "").strip()
    first, _, last = text.partition(":")
    a = _split_cell(first)
    b = _split_cell(last) if last else a
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


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
