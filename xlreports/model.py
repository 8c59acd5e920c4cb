"""The validated content of an input workbook: plain dataclasses, no I/O, no formatting.

These are also what templates see (``{{ project.name }}``, ``{{ indicator.value }}``); the table in
``docs/templates.md`` lists every attribute with the input column it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .codes import split_code
from .notation import Value
from .numbers import show_number


class Info(dict):
    """「文件信息」: key → value; a missing key reads as ``None`` (``{{ info.附件号 }}``)."""

    def __missing__(self, key: str) -> None:
        return None


@dataclass(slots=True)
class Indicator:
    project: str
    level1: str | None
    level2: str | None
    name: str
    value: str | None
    cycle_value: str | None = None
    city: str | None = None
    city_key: str | None = None
    city_overview: str | None = None
    level1_code: str | None = None
    level1_std: str | None = None
    level2_code: str | None = None
    level2_std: str | None = None
    row: int = 0
    # as written, without a leading code: 1-产出指标 → 产出指标, 22-社会效益 → 社会效益
    level1_name: str | None = field(init=False, default=None)
    level2_name: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.level1_name = split_code(self.level1)[1] or None
        self.level2_name = split_code(self.level2)[1] or None


@dataclass(slots=True)
class Project:
    name: str
    code: str | None = None
    unit: str | None = None
    fund: str | None = None
    amount: float | None = None
    amount_note: str | None = None
    appropriation: float | None = None
    special_account: float | None = None
    other_funds: float | None = None
    content: str | None = None
    basis: str | None = None
    overview: str | None = None
    stated_total: float | None = None
    parent: str | None = None
    unit_stated_total: float | None = None
    row: int = 0
    children: list[Project] = field(default_factory=list)
    total: float | None = None           # computed: 资金需求, or the sum of the three sources
    sources_total: float | None = None   # computed: 财政拨款 + 财政专户拨款 + 其他资金
    indicators: list[Indicator] = field(default_factory=list)
    city_indicators: list[Indicator] = field(default_factory=list)

    @property
    def has_cycle_values(self) -> bool:
        """True when any indicator gives a whole-cycle value (the two-value 绩效目标表)."""
        return any(i.cycle_value for i in self.indicators)


@dataclass(slots=True)
class Allocation:
    """「资金分配」: one city's amount in one fund direction."""

    city: str
    city_key: str
    direction: str
    amount: float
    overview: str | None = None
    row: int = 0


@dataclass(slots=True)
class CityTask:
    """「地市任务」: one task of one city."""

    city: str
    city_key: str
    direction: str
    task: str
    requirement: str | None = None
    nature: str | None = None
    method: str | None = None
    standard: str | None = None
    workload: str | None = None           # as written: 5500, or 国家招投标合同里规定的当年任务量
    workload_number: float | None = None  # parsed when it is a number
    workload_unit: str | None = None      # from the header: 工作量（家次） → 家次
    deadline: str | None = None
    row: int = 0


@dataclass(slots=True)
class Recipient:
    """「收件人」: who receives which city's files."""

    unit: str
    emails: list[str]
    cc: list[str] = field(default_factory=list)
    city: str | None = None
    city_key: str | None = None
    attachments: list[str] = field(default_factory=list)
    row: int = 0
    cells: dict[str, str] = field(default_factory=dict)  # column key → cell address on this row ("B5")
    names: dict[str, str] = field(default_factory=dict)  # address → display name written with it


@dataclass
class InputData:
    """Everything read from one input workbook."""

    source: Path
    info: Info
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    stated_allocation_totals: dict[str, float] = field(default_factory=dict)  # 「资金分配」 合计 rows
    city_tasks: list[CityTask] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    evaluation: Evaluation | None = None  # 「自评信息」「自评指标」「自评说明」
    city_columns: dict[str, str] = field(default_factory=dict)  # sheet → letter of its 地市 column

    def city_cell(self, sheet: str, row: int) -> str:
        """The cell of a city's name (``资金分配!A5``): where a message about a city points."""
        letter = self.city_columns.get(sheet)
        return f"{letter}{row}" if letter else f"第{row}行"

    @property
    def name(self) -> str:
        return self.source.stem

    def project(self, name: str) -> Project | None:
        for project in self.projects:
            if project.name == name:
                return project
        return None


# --- self-evaluation: 「自评信息」「自评指标」「自评说明」 ----------------------------------------


@dataclass(slots=True)
class EvalIndicator:
    """「自评指标」: one 三级指标 with its target, actual value and (computed) score."""

    level1: str
    level2: str
    name: str
    weight: float
    target: str | None = None
    actual: str | None = None
    method: str = "定量"                 # 定量 / 定量反向 / 定性 / 支出率 / 手工
    ratio: float | None = None           # 完成比例 (0–100), for 定性
    band: str | None = None              # 完成档次: 达成 / 部分达成 / 未达成 (定性, optional)
    given_score: float | None = None     # 自评分数 as typed (the score of a 手工 row)
    reason: str | None = None
    standard: str | None = None
    evidence: str | None = None
    level1_std: str | None = None        # 产出指标 … when 一级 is a standard name
    target_value: Value | None = None    # parsed 预期值
    actual_value: Value | None = None    # parsed 实现值
    direction: str | None = None         # 定量: positive / exact / reverse
    target_number: float | None = None   # A and B on one scale (支出率: budget and spending)
    actual_number: float | None = None
    target_scale: float = 1.0            # factor applied to the written number (万 → 10⁴)
    actual_scale: float = 1.0
    row: int = 0
    cells: dict[str, str] = field(default_factory=dict)  # column key → cell, for located problems
    score: float | None = None           # computed
    complete: bool = False               # computed: scored its full weight
    group1: EvalGroup | None = None
    group2: EvalGroup | None = None


class _Tally:
    """How many indicators (of a group, of the whole evaluation) were and were not completed."""

    indicators: list[EvalIndicator]

    @property
    def count(self) -> int:
        return len(self.indicators)

    @property
    def complete(self) -> int:
        return sum(1 for i in self.indicators if i.complete)

    @property
    def incomplete(self) -> int:
        return self.count - self.complete


@dataclass(eq=False)
class EvalGroup(_Tally):
    """A 一级 (level 1) or 二级 (level 2) group of consecutive indicators."""

    level: int
    name: str
    indicators: list[EvalIndicator] = field(default_factory=list)
    children: list[EvalGroup] = field(default_factory=list)  # the 二级 groups of a 一级 group
    declared_weight: float | None = None  # 一级权重 / 二级权重 as typed
    weight_cell: str | None = None        # where it was typed
    std_name: str | None = None           # 一级: 产出指标 …; None for 决策 and other names
    weight: float = 0.0                   # computed: the sum of its indicators' weights
    score: float = 0.0                    # computed

    @property
    def rows(self) -> str:
        first, last = self.indicators[0].row, self.indicators[-1].row
        return f"第 {first} 行" if first == last else f"第 {first}–{last} 行"


@dataclass(frozen=True, slots=True)
class GradeBand:
    """A grade and the lowest total that earns it: 优 ≥ 90."""

    name: str
    minimum: float


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One clause of the completion sentence: 产出指标 18 项, of which 18 complete."""

    name: str
    count: int
    complete: int

    @property
    def incomplete(self) -> int:
        return self.count - self.complete


@dataclass
class Evaluation(_Tally):
    """A project's year-end self-evaluation: 「自评信息」, its indicators and closing notes."""

    info: Info                            # every 「自评信息」 field; amounts as numbers
    unit: str = "万元"
    rule: str = "比例"                    # 比例 / 一体化
    grades: list[GradeBand] = field(default_factory=list)
    indicators: list[EvalIndicator] = field(default_factory=list)
    groups: list[EvalGroup] = field(default_factory=list)  # 一级 groups, in order
    notes: Info = field(default_factory=Info)  # 「自评说明」: section → text
    budget: float | None = None           # 预算计划安排
    cut: float | None = None              # 预算调减
    spent_local: float | None = None      # 实际支出_本级
    spent_transfer: float | None = None   # 实际支出_转移支付
    pending: float | None = None          # 待支付金额
    sheet: str = "自评指标"               # the 「自评指标」 sheet as named in the workbook
    total_weight: float = 0.0             # computed
    total: float = 0.0                    # computed
    grade: str | None = None              # computed

    @property
    def year(self) -> str:
        """评价年度 without 年: ``2023``."""
        year = self.info.get("评价年度")
        return "" if year is None else str(year).strip().removesuffix("年度").removesuffix("年")

    @property
    def spending_base(self) -> float:
        """预算计划安排 − 预算调减: the denominator of 支出率."""
        return (self.budget or 0.0) - (self.cut or 0.0)

    @property
    def spending_paid(self) -> float:
        """实际支出（本级 + 转移支付）+ 待支付金额: the numerator of 支出率."""
        return (self.spent_local or 0.0) + (self.spent_transfer or 0.0) + (self.pending or 0.0)

    @property
    def grade_text(self) -> str:
        """``优：90分及以上；良：80（含）–90分；…``"""
        parts, upper = [], None
        for band in self.grades:
            low = show_number(band.minimum)
            if upper is None:
                parts.append(f"{band.name}：{low}分及以上")
            elif band is self.grades[-1]:
                parts.append(f"{band.name}：{upper}分以下")
            else:
                parts.append(f"{band.name}：{low}（含）–{upper}分")
            upper = low
        return "；".join(parts)

    @property
    def summary(self) -> list[SummaryLine]:
        """Counts per standard 一级 (产出指标, 效益指标 …); 决策 and other names are not counted."""
        lines: dict[str, list[int]] = {}
        for group in self.groups:
            if group.std_name:
                count = lines.setdefault(group.std_name, [0, 0])
                count[0] += group.count
                count[1] += group.complete
        return [SummaryLine(name, count, complete) for name, (count, complete) in lines.items()]
