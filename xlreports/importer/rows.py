"""Tell the rows of the table apart: the 合计 row, unit rows, project rows and continuations.

* A row named 合计 / 总计 is the stated grand total.
* A row with no name and no amounts but text in later cells continues the row above: a cell
  spilled onto the next line (seed 003, line 17).  Its texts are appended to the row above.
* A row with 绩效目标 or 绩效指标 text is a project.
* A row with a name (and amounts) but neither text is a *candidate*: usually a 资金使用单位 whose
  amount is the sum of the projects under it, sometimes a project whose texts were left empty.
  Both readings are weighed by the sums: a unit whose amount equals its projects, or a project
  that completes the amount of the unit above it.  A candidate read as a project is reported.

Amounts are parsed here (``21,947.14``, ``<p>2,585.00</p>``), and every stated total that
differs from the sum of its parts is reported in the words of :mod:`xlreports.compute.reconcile`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import contract
from ..amounts import NotANumber, parse_amount
from ..compute.reconcile import differs, mismatch_message
from ..names import compact
from ..numbers import show_number
from ..problems import Problems
from .cells import clean_text
from .records import (
    AMOUNTS,
    APPROPRIATION,
    COLUMN_TITLES,
    INDICATORS,
    NAME,
    OTHER_FUNDS,
    OVERVIEW,
    SOURCES,
    SPECIAL_ACCOUNT,
    TEXTS,
    TOTAL,
    ImportedForm,
    ImportedProject,
    ImportedUnit,
    SourceRow,
    SourceTable,
)


@dataclass
class _Row:
    source: SourceRow
    name: str | None
    amounts: dict[str, float | None]
    texts: dict[str, str | None]

    @property
    def has_text(self) -> bool:
        return any(self.texts.values())

    @property
    def has_amount(self) -> bool:
        return any(value is not None for value in self.amounts.values())

    @property
    def sources_total(self) -> float | None:
        parts = [self.amounts[k] for k in SOURCES if self.amounts[k] is not None]
        return round(sum(parts), 6) if parts else None

    @property
    def amount(self) -> float | None:
        """The row's stated amount: its 总计, else the sum of its sources."""
        return self.amounts[TOTAL] if self.amounts[TOTAL] is not None else self.sources_total


def read_rows(table: SourceTable, unit: str, problems: Problems) -> ImportedForm:
    rows = [_parse(row, unit, problems) for row in _join_continuations(table.rows, problems)]
    builder = _Builder(table, unit, problems)
    for index, row in enumerate(rows):
        builder.add(row, rows[index + 1:])
    return builder.finish()


def _join_continuations(rows: list[SourceRow], problems: Problems) -> list[SourceRow]:
    joined: list[SourceRow] = []
    for row in rows:
        name = _text(row.get(NAME))
        amounts = [row.get(key) for key in AMOUNTS]
        texts = {key: row.get(key) for key in TEXTS if _text(row.get(key))}
        if name is None and not any(_text(a) for a in amounts) and texts:
            if not joined:
                sheet, cell = row.where(next(iter(texts)))
                problems.warning("这一行没有项目名称，也不接在任何项目后面，未导入", sheet=sheet, cell=cell,
                                 value=" ".join(str(v) for v in texts.values()))
                continue
            previous = joined[-1]
            for key, value in texts.items():
                before = previous.cells.get(key)
                previous.cells[key] = (str(before).rstrip() if before is not None else "") + str(value).strip()
            continue
        joined.append(row)
    return joined


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return show_number(value)
    return clean_text(value)


def _parse(row: SourceRow, unit: str, problems: Problems) -> _Row:
    amounts: dict[str, float | None] = {}
    for key in AMOUNTS:
        raw = row.get(key)
        value = raw if isinstance(raw, int | float) and not isinstance(raw, bool) else _text(raw)
        try:
            amounts[key] = parse_amount(value, unit)
        except NotANumber:
            sheet, cell = row.where(key)
            problems.error(f"「{COLUMN_TITLES[key]}」不是数字", sheet=sheet, cell=cell, value=value,
                           expected=f"金额（{unit}），例如 21,947.14")
            amounts[key] = None
    texts = {key: _text(row.get(key)) for key in TEXTS}
    return _Row(row, _text(row.get(NAME)), amounts, texts)


class _Builder:
    def __init__(self, table: SourceTable, unit: str, problems: Problems) -> None:
        self.table = table
        self.unit_name = unit
        self.problems = problems
        self.stated_total: float | None = None
        self.total_row: _Row | None = None
        self.units: list[ImportedUnit] = []
        self.projects: list[ImportedProject] = []
        self.current: ImportedUnit | None = None
        self.loose_projects = False  # projects seen before any unit row
        self.names: dict[str, ImportedProject] = {}

    # -- classification ----------------------------------------------------------------------

    def add(self, row: _Row, following: list[_Row]) -> None:
        if row.name is None:
            sheet, cell = row.source.where(NAME)
            self.problems.error("这一行有金额但没有项目名称", sheet=sheet, cell=cell,
                                expected="项目名称或资金使用单位名称")
            return
        if compact(row.name) in contract.TOTAL_ROW_NAMES:
            self._total(row)
        elif row.has_text:
            self._project(row)
        else:
            self._candidate(row, following)

    def _total(self, row: _Row) -> None:
        if self.total_row is not None:
            sheet, cell = row.source.where(NAME)
            self.problems.warning(f"又一个「{row.name}」行，使用第一个（{self._where(self.total_row)}）",
                                  sheet=sheet, cell=cell)
            return
        self.total_row = row
        self.stated_total = row.amount

    def _candidate(self, row: _Row, following: list[_Row]) -> None:
        following = _until_total(following)
        group = []
        for other in following:
            if other.name is None or not other.has_text:
                break
            group.append(other)
        if not row.has_amount and not group:
            sheet, cell = row.source.where(NAME)
            self.problems.warning("这一行只有名称，没有金额、绩效目标和绩效指标，未导入", sheet=sheet, cell=cell,
                                  value=row.name)
            return
        if self._unit_score(row, group, following) > self._project_score(row, following):
            self._unit(row)
            return
        sheet, cell = row.source.where(OVERVIEW)
        self.problems.warning(f"「{row.name}」没有绩效目标和绩效指标，按项目导入", sheet=sheet, cell=cell)
        self._project(row)

    def _unit_score(self, row: _Row, group: list[_Row], following: list[_Row]) -> int:
        """2 when rows below add up to the row's amount, 1 when projects follow; +1 when the unit above is complete."""
        if row.amount is None:
            own = 2 if group else 0
        else:
            own = 2 if _completes(row.amount, 0.0, following, empty=False) else (1 if group else 0)
        closes_current = self.current is None or not differs(self.current.stated_total, self._current_sum())
        return own + int(closes_current) - 2 * int(self.loose_projects)

    def _project_score(self, row: _Row, following: list[_Row]) -> int:
        """2 when the row (with rows below) completes the unit above; 2 in a table without unit rows."""
        if self.current is None:
            return 2 if self.loose_projects else 0
        if self.current.stated_total is None or row.amount is None:
            return 0
        return 2 * int(_completes(self.current.stated_total, self._current_sum() + row.amount, following, empty=True))

    def _current_sum(self) -> float:
        return _sum(p.total for p in self.current.projects) if self.current else 0.0

    # -- records -------------------------------------------------------------------------------

    def _unit(self, row: _Row) -> None:
        self.current = ImportedUnit(row.name, row.amount, row.source)
        self.units.append(self.current)

    def _project(self, row: _Row) -> None:
        name = self._unique(row)
        project = ImportedProject(
            name=name,
            unit=self.current.name if self.current else None,
            appropriation=row.amounts[APPROPRIATION],
            special_account=row.amounts[SPECIAL_ACCOUNT],
            other_funds=row.amounts[OTHER_FUNDS],
            stated_total=row.amounts[TOTAL],
            overview=row.texts[OVERVIEW],
            indicator_text=row.texts[INDICATORS],
            row=row.source,
        )
        self.names[name] = project
        self.projects.append(project)
        if self.current is not None:
            self.current.projects.append(project)
        else:
            self.loose_projects = True
        self._check_project(project)

    def _unique(self, row: _Row) -> str:
        name = row.name
        if name not in self.names:
            return name
        unit = self.current.name if self.current else None
        candidates = [f"{name}（{unit}）"] if unit and self.names[name].unit != unit else []
        candidates += [f"{name}（{n}）" for n in range(2, 1000)]
        unique = next(c for c in candidates if c not in self.names)
        sheet, cell = row.source.where(NAME)
        self.problems.warning(f"项目名称「{name}」重复（第一次在 {self._where_row(self.names[name].row)}），"
                              f"这一个导入为「{unique}」", sheet=sheet, cell=cell)
        return unique

    # -- checks --------------------------------------------------------------------------------

    def _check_project(self, project: ImportedProject) -> None:
        sheet, cell = project.row.where(TOTAL)
        if differs(project.stated_total, project.sources_total):
            self.problems.warning(mismatch_message(f"项目「{project.name}」的总计", "财政拨款、财政专户拨款、其他资金之和",
                                                   project.stated_total, project.sources_total, self.unit_name),
                                  sheet=sheet, cell=cell)
        elif project.sources_total is None and project.stated_total is not None:
            self.problems.warning(f"项目「{project.name}」只有总计，没有分列财政拨款、财政专户拨款、其他资金："
                                  "总计作为「合计(原表)」导入", sheet=sheet, cell=cell)

    def finish(self) -> ImportedForm:
        if self.total_row is not None and differs(self.stated_total, _sum(p.total for p in self.projects)):
            sheet, cell = self.total_row.source.where(TOTAL)
            self.problems.warning(mismatch_message("合计", "各项目之和", self.stated_total,
                                                   _sum(p.total for p in self.projects), self.unit_name),
                                  sheet=sheet, cell=cell)
        for unit in self.units:
            computed = _sum(p.total for p in unit.projects)
            if differs(unit.stated_total, computed):
                sheet, cell = unit.row.where(TOTAL)
                self.problems.warning(mismatch_message(f"资金使用单位「{unit.name}」的金额", "其各项目之和",
                                                       unit.stated_total, computed, self.unit_name),
                                      sheet=sheet, cell=cell)
        if not self.projects:
            self.problems.error("表格中没有任何项目", expected="表头下面至少有一行项目（带绩效目标或绩效指标）")
        return ImportedForm(self.table.source, self.table.department, self.unit_name, self.stated_total,
                            self.projects, self.units)

    def _where(self, row: _Row) -> str:
        return self._where_row(row.source)

    @staticmethod
    def _where_row(row: SourceRow) -> str:
        sheet, cell = row.where()
        return f"{sheet}!{cell}" if sheet else cell


def _until_total(rows: list[_Row]) -> list[_Row]:
    for index, row in enumerate(rows):
        if row.name is not None and compact(row.name) in contract.TOTAL_ROW_NAMES:
            return rows[:index]
    return rows


def _completes(target: float, start: float, rows: list[_Row], empty: bool) -> bool:
    """Whether ``start`` plus the amounts of some first rows of ``rows`` reaches ``target``."""
    running = start
    if empty and not differs(target, running):
        return True
    for row in rows:
        running += row.amount or 0.0
        if not differs(target, running):
            return True
    return False


def _sum(values) -> float:
    return round(sum(v for v in values if v is not None), 6)
