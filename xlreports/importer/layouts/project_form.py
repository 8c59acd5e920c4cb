"""One project per form: a key/value head, then an indicator table; many forms may follow one another.

Head rows pair a label with the value after it (``项目名称 | 教育系统… | 实施单位 | 武汉市…``); a row
of labels only (``总体目标 | 中期目标 | 年度目标``) takes its values from the row below.  The indicator
table starts at the row naming 二级指标 and 三级指标 and a value column; its rows are read by column
(a spreadsheet, an HTML or Word table) or, for a copied text whose merged cells are absent, from the
right.  The next 项目名称 starts the next form.  Titles above the first form (附件号, 标题, 单位) are
kept; any other cell that is not read is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import contract
from ..grid import Cell, Grid, Row
from ..header import read_meta
from ..records import ImportedProject, SourceRow
from . import labels
from .indicator_table import IndicatorTable, fits, read_indicator_row
from .outcome import Outcome, amount_of

LAYOUT = "单个项目的绩效目标表（项目名称 / 资金 / 绩效目标，然后是 一级指标 | 二级指标 | 三级指标 | 指标值）"


@dataclass
class _Form:
    start: Row
    fields: dict[str, tuple[str, Cell]] = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    table: IndicatorTable | None = None
    project: ImportedProject | None = None


def recognises(grid: Grid) -> bool:
    names = sum(1 for row in grid.rows for cell in row.filled()[:1] if labels.head_field(cell.text) == "name")
    tables = sum(1 for row in grid.rows if IndicatorTable.from_row(row) is not None)
    return names >= 1 and tables >= 1


def read(grid: Grid, outcome: Outcome) -> None:
    problems = outcome.problems
    titles: list[Row] = []
    forms: list[_Form] = []
    rows = grid.rows
    index = 0
    while index < len(rows):
        row = rows[index]
        cells = _cells(row)
        index += 1
        if not cells:
            continue
        first = cells[0].text
        if labels.head_field(first) == "name" or (labels.is_section(first) and len(cells) > 1
                                                   and labels.head_field(cells[1].text) == "name"):
            forms.append(_Form(row))
        if not forms:
            if len(cells) == 1:
                titles.append(row)
                continue
            outcome.stop(row, "表头（项目名称 …）之前的一行有多个单元格，不是标题", forms_read=0)
            return
        form = forms[-1]
        if labels.is_trailer(first):
            _trailer(row, cells, outcome)
            continue
        if form.table is None:
            table = IndicatorTable.from_row(row)
            if table is not None:
                form.table = table
                continue
            if len(cells) == 1 and "表" in first and labels.head_field(first) is None:
                continue  # a sub-title such as 绩效项目指标表
            if _all_labels(cells) and index < len(rows) and not _all_labels(_cells(rows[index])):
                _label_row(grid, row, cells, rows[index], form, outcome)
                index += 1
                continue
            _head_row(row, cells, form, outcome)
            continue
        if not fits(grid, row, form.table):
            outcome.stop(row, f"这一行不是指标行（指标表的表头在 {form.table.header.where}），也不是下一个项目的开始（项目名称 …）",
                         forms_read=len(forms), last=_name_of(form))
            break
        read_indicator_row(grid, row, form.table, outcome)
    department, unit = read_meta([r.texts() for r in titles])
    outcome.set_unit(unit)
    _info_from_titles(titles, outcome)
    if not forms:
        return
    for form in forms:
        _finish(form, department, outcome)
    if problems.has_errors():
        return
    outcome.describe(f"{forms[0].start.where} 起 {len(forms)} 张{LAYOUT}")


def _cells(row: Row) -> list[Cell]:
    """The cells a layout reads: covered copies dropped; blank cells kept only in a copied text."""
    if row.blank:
        return []
    kept = [cell for cell in row.cells if not cell.covered]
    while kept and not kept[-1].text:
        kept.pop()
    return kept


def _all_labels(cells: list[Cell]) -> bool:
    filled = [c for c in cells if c.text]
    return len(filled) >= 2 and all(labels.head_field(c.text) for c in filled)


def _head_row(row: Row, cells: list[Cell], form: _Form, outcome: Outcome) -> None:
    position = 0
    filled = [c for c in cells if c.text]
    while position < len(filled):
        cell = filled[position]
        name = labels.head_field(cell.text)
        if name is None and labels.is_section(cell.text):
            position += 1
            continue
        if name is None:
            if position == 0 and form.fields and _continues(form, cell):
                position += 1
                continue
            outcome.problems.error(f"这个单元格不是已知的项目信息栏目，也不跟在栏目名后面（{_known(form)}）",
                                   sheet=cell.sheet, cell=cell.cell, value=cell.text,
                                   expected="项目名称、主管部门、实施单位、资金需求/资金总额、总体绩效目标 等栏目及其内容")
            position += 1
            continue
        following = filled[position + 1] if position + 1 < len(filled) else None
        if following is not None and labels.head_field(following.text) is None and not labels.is_section(following.text):
            _set(form, name, cell.text, following, outcome)
            position += 2
        else:
            _set(form, name, cell.text, Cell("", cell.sheet, cell.cell), outcome)
            position += 1


def _continues(form: _Form, cell: Cell) -> bool:
    """A value on its own row under the value above (a note under 资金需求 in a spreadsheet)."""
    name, (label, previous) = next(reversed(form.fields.items()))
    if name != "amount":
        return False
    form.fields["amount_note"] = ("资金需求说明", cell)
    return True


def _label_row(grid: Grid, row: Row, cells: list[Cell], below: Row, form: _Form, outcome: Outcome) -> None:
    values = _cells(below)
    if grid.is_text:
        values = [Cell("", None, below.label)] * (len(cells) - len(values)) + values
        pairs = list(zip(cells, values, strict=False))
    else:
        by_column = {id(c): i for i, c in enumerate(row.cells)}
        pairs = [(c, below.cells[by_column[id(c)]] if by_column[id(c)] < len(below.cells) else Cell("", None, ""))
                 for c in cells]
    for label, value in pairs:
        name = labels.head_field(label.text)
        if name is not None:
            _set(form, name, label.text, value, outcome)
    if len(values) > len(cells):
        extra = values[0]
        outcome.problems.error("这一行的单元格比上面的栏目多", sheet=extra.sheet, cell=extra.cell, value=extra.text,
                               expected="、".join(c.text for c in cells) + " 各一个值")


def _set(form: _Form, name: str, label: str, value: Cell, outcome: Outcome) -> None:
    if name == "extra":
        if value.text:
            form.extras.append(f"{labels.key(label)}「{value.text}」")
        return
    if name in form.fields and form.fields[name][1].text and value.text:
        if name == "overview_year" or name.endswith("_all") or name == "overview_mid":
            name = name + "_2"
        else:
            outcome.problems.error(f"「{labels.key(label)}」在同一个项目中出现了两次", sheet=value.sheet,
                                   cell=value.cell, value=value.text)
            return
    form.fields[name] = (label, value)


def _trailer(row: Row, cells: list[Cell], outcome: Outcome) -> None:
    filled = [c for c in cells if c.text]
    values = [c for c in filled[1:] if not labels.is_trailer(c.text)]
    if values:
        outcome.note(f"{row.where} 的签批栏「{filled[0].text}」有内容「{values[0].text}」，未写入填报工作簿")


def _info_from_titles(titles: list[Row], outcome: Outcome) -> None:
    for row in titles:
        text = row.filled()[0].text if row.filled() else ""
        if text.startswith("附件") and len(text) <= 8:
            outcome.info[contract.INFO_ANNEX] = text
        elif "表" in text and contract.INFO_TITLE not in outcome.info:
            outcome.info[contract.INFO_TITLE] = text


def _finish(form: _Form, department: str | None, outcome: Outcome) -> None:
    fields = {name: cell for name, (label, cell) in form.fields.items()}
    name_cell = fields.get("name")
    where = SourceRow({}, 0, form.start.sheet, label=form.start.cells[0].cell if form.start.cells else form.start.label)
    if name_cell is None or not name_cell.text:
        outcome.stop(form.start, "项目名称是空的", forms_read=len(outcome.projects))
        return
    fund, name = _fund_and_name(name_cell.text)
    amount_cell = fields.get("amount") or fields.get("amount_all")
    amount, note = amount_of(amount_cell, outcome) if amount_cell else (None, None)
    if "amount_note" in fields:
        note = "\n".join(filter(None, [note, fields["amount_note"].text]))
    unit = _text(fields.get("unit")) or _strip_code(_text(fields.get("department")))
    project = ImportedProject(
        name=name, unit=unit,
        appropriation=amount_of(fields["appropriation"], outcome)[0] if "appropriation" in fields else None,
        special_account=None,
        other_funds=amount_of(fields["other_funds"], outcome)[0] if "other_funds" in fields else None,
        stated_total=None,
        overview=_overview(fields), indicator_text=None, row=where,
        amount=amount, amount_note=note or None, fund=fund,
        content=_text(fields.get("content")), basis=_text(fields.get("basis")))
    if form.table is None:
        outcome.stop(form.start, f"项目「{name}」的表头之后没有找到指标表（一级指标 | 二级指标 | 三级指标 | 指标值）",
                     forms_read=len(outcome.projects))
        return
    project.indicators = form.table.indicators
    outcome.add_project(project)
    chosen = _overview(fields)
    for key_name in ("overview", "overview_year", "overview_all", "overview_mid", "overview_all_2", "overview_year_2"):
        cell = fields.get(key_name)
        if cell is not None and cell.text and cell.text != chosen:
            form.extras.append(f"{labels.key(form.fields[key_name][0])}「{cell.text[:30]}」")
    for extra in form.extras:
        outcome.note(f"项目「{name}」的 {extra} 没有对应的填报工作簿列，未导入")
    if form.table.standards:
        outcome.note(f"项目「{name}」的 {form.table.standards} 个指标写有绩效标准，填报工作簿没有这一列，未导入")
    if department and contract.INFO_DEPARTMENT not in outcome.info:
        outcome.info[contract.INFO_DEPARTMENT] = department


def _fund_and_name(text: str) -> tuple[str | None, str]:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("政策任务-") and index:
            return "\n".join(lines[:index]).strip(), "\n".join([line.removeprefix("政策任务-"), *lines[index + 1:]])
    return None, text


def _name_of(form: _Form) -> str | None:
    label_cell = form.fields.get("name")
    return _fund_and_name(label_cell[1].text)[1] if label_cell and label_cell[1].text else None


def _text(cell: Cell | None) -> str | None:
    return cell.text if cell is not None and cell.text else None


def _strip_code(text: str | None) -> str | None:
    if text and text.startswith("[") and "]" in text:
        return text.split("]", 1)[1].strip() or text
    return text


def _overview(fields: dict[str, Cell]) -> str | None:
    for name in ("overview", "overview_year", "overview_all", "overview_mid"):
        if _text(fields.get(name)):
            return fields[name].text
    return None


def _known(form: _Form) -> str:
    return "已读到：" + ("、".join(labels.key(label) for label, _ in form.fields.values()) or "无")
