"""The validated content of an input workbook: plain dataclasses, no I/O, no formatting.

These are also what templates see (``{{ project.name }}``, ``{{ indicator.value }}``); the table in
``docs/templates.md`` lists every attribute with the input column it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    level1_code: str | None = None
    level1_std: str | None = None
    level2_code: str | None = None
    level2_std: str | None = None
    row: int = 0


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
    row: int = 0
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


@dataclass
class InputData:
    """Everything read from one input workbook."""

    source: Path
    info: Info
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    city_tasks: list[CityTask] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.source.stem

    def project(self, name: str) -> Project | None:
        for project in self.projects:
            if project.name == name:
                return project
        return None
