"""What the importer reads and what it makes of it, passed between its modules.

A reader (text or ``.xlsx``) turns a source into a :class:`SourceTable`: the department, the amount
unit and the rows under the header, each cell as written.  :mod:`.rows` turns the rows into
:class:`ImportedForm`: units, projects with their amounts, and indicators parsed from the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Columns of 项目支出绩效目标表, by the keys the importer uses.
NAME = "name"
TOTAL = "total"
APPROPRIATION = "appropriation"
SPECIAL_ACCOUNT = "special_account"
OTHER_FUNDS = "other_funds"
OVERVIEW = "overview"
INDICATORS = "indicators"
SOURCES = (APPROPRIATION, SPECIAL_ACCOUNT, OTHER_FUNDS)
AMOUNTS = (TOTAL, *SOURCES)
TEXTS = (OVERVIEW, INDICATORS)
COLUMN_TITLES = {
    NAME: "项目名称", TOTAL: "总计", APPROPRIATION: "财政拨款", SPECIAL_ACCOUNT: "财政专户拨款",
    OTHER_FUNDS: "其他资金", OVERVIEW: "绩效目标", INDICATORS: "绩效指标",
}


@dataclass
class SourceRow:
    """One row under the header: cell values by column key, and where it was read."""

    cells: dict[str, object]
    line: int                      # 1-based line of the text, or row of the sheet
    sheet: str | None = None       # the sheet of an .xlsx source; None for text
    letters: dict[str, str] = field(default_factory=dict)  # column key → letter (.xlsx)
    label: str | None = None       # where a grid layout read the row ("第3行", "B7")

    def get(self, key: str) -> object:
        return self.cells.get(key)

    def where(self, key: str | None = None) -> tuple[str | None, str]:
        """(sheet, cell) for a :class:`~xlreports.problems.Problem`: ``G12`` or ``第12行``."""
        if self.label is not None:
            return self.sheet, self.label
        if self.sheet is None:
            return None, f"第{self.line}行"
        letter = self.letters.get(key or NAME) or self.letters.get(NAME, "A")
        return self.sheet, f"{letter}{self.line}"


@dataclass
class SourceTable:
    source: Path
    department: str | None
    amount_unit: str
    rows: list[SourceRow]
    columns: tuple[str, ...]      # the keys the header names, in its order


@dataclass
class ImportedIndicator:
    level1: str | None
    level2: str
    name: str
    cycle_value: str | None
    value: str


@dataclass
class ImportedProject:
    name: str
    unit: str | None
    appropriation: float | None
    special_account: float | None
    other_funds: float | None
    stated_total: float | None     # the row's 总计 as written
    overview: str | None
    indicator_text: str | None
    row: SourceRow
    indicators: list[ImportedIndicator] = field(default_factory=list)
    amount: float | None = None        # 资金需求, when the form states it on its own
    amount_note: str | None = None
    fund: str | None = None
    content: str | None = None
    basis: str | None = None

    @property
    def sources_total(self) -> float | None:
        parts = [v for v in (self.appropriation, self.special_account, self.other_funds) if v is not None]
        return round(sum(parts), 6) if parts else None

    @property
    def total(self) -> float | None:
        """What the project adds to its unit: its sources, or its stated 总计 when it has none."""
        if self.amount is not None:
            return self.amount
        return self.sources_total if self.sources_total is not None else self.stated_total


@dataclass
class ImportedUnit:
    name: str
    stated_total: float | None
    row: SourceRow
    projects: list[ImportedProject] = field(default_factory=list)


@dataclass
class ImportedForm:
    source: Path
    department: str | None
    amount_unit: str
    stated_total: float | None     # the 合计 row as written
    projects: list[ImportedProject]
    units: list[ImportedUnit]
    info: dict[str, str] = field(default_factory=dict)       # more 「文件信息」 (附件号, 资金名称, 标题)
    reports: list[str] = field(default_factory=list)         # what was read, per form, for the user
    cities_total: tuple[float | None, str] | None = None     # 经费安排表's cities' row: (amount, where)
    shows_indicators: bool = True                            # False for a form without indicators (经费安排表)

    @property
    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


class WithoutProjects:
    """A form read back that holds no projects (the summary and ``--into`` ask every form for them)."""

    @property
    def projects(self) -> list:
        return []

    @property
    def indicator_count(self) -> int:
        return 0


@dataclass
class EvaluationForm(WithoutProjects):
    """A 项目绩效自评表 read back: 「自评信息」 fields, 「自评指标」 rows, 「自评说明」 sections."""

    source: Path
    info: dict[str, object]                                   # 自评信息 key → value (amounts as numbers)
    indicators: list[dict[str, object]]                       # 自评指标 rows by contract key
    notes: list[tuple[str, str]] = field(default_factory=list)  # 自评说明 (部分, 内容)
    stated_score: float | None = None                         # 合计 自评分数 as written
    reports: list[str] = field(default_factory=list)

    @property
    def indicator_count(self) -> int:
        return len(self.indicators)


@dataclass
class AllocationForm(WithoutProjects):
    """A 经费分配表 read back: (地区, 资金方向, 金额) and the 合计 row as written."""

    source: Path
    amount_unit: str
    allocations: list[tuple[str, str, float, str]]           # city, direction, amount, where
    stated: dict[str, float] = field(default_factory=dict)   # direction → its 合计 as written
    reports: list[str] = field(default_factory=list)


@dataclass
class TaskForm(WithoutProjects):
    """A 政策任务安排表 read back: rows of 「地市任务」 by contract key (with ``_where``)."""

    source: Path
    tasks: list[dict[str, object]]
    reports: list[str] = field(default_factory=list)


@dataclass
class CityTargetForm(WithoutProjects):
    """A 地市绩效目标表 read back: one entry per (资金方向, 地市, 三级指标) with its 指标值."""

    source: Path
    entries: list[dict[str, object]]      # project, city, level1, level2, name, value, _where
    overviews: dict[tuple[str, str], str] = field(default_factory=dict)  # (project, city) → 总体绩效目标
    reports: list[str] = field(default_factory=list)

    @property
    def indicator_count(self) -> int:
        return len(self.entries)
