"""Located problems, collected per workbook and reported together.

Every step (loading, validating, computing, rendering) adds :class:`Problem` values to a
:class:`Problems` list instead of raising at the first one, so that a finance officer sees every
mistake in a workbook at once, each with its sheet and cell.  The messages are Chinese because
they are shown to users; the code around them is English.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input workbook or a template."""

    message: str
    sheet: str | None = None
    cell: str | None = None
    value: object = None
    expected: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell or ""

    def __str__(self) -> str:
        parts = []
        if self.location:
            parts.append(f"{self.location}：")
        parts.append(self.message)
        details = []
        if self.value is not None and self.value != "":
            details.append(f"值为{_show(self.value)}")
        if self.expected:
            details.append(f"应为{self.expected}")
        if details:
            parts.append("（" + "；".join(details) + "）")
        return "".join(parts)


def _show(value: object) -> str:
    if isinstance(value, float):
        from .numbers import show_number

        text = show_number(value)  # as Excel shows it: -1, not -1.0
    else:
        text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return f"「{text}」"


class Problems:
    """An ordered collection of problems for one workbook."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        self._items: list[Problem] = list(items)

    def error(self, message: str, sheet: str | None = None, cell: str | None = None,
              value: object = None, expected: str | None = None) -> None:
        """Add an error; a cell gets one error only (the first names the cause, later ones follow from it)."""
        if sheet and cell and any(p.severity == "error" and p.sheet == sheet and p.cell == cell for p in self._items):
            return
        self._items.append(Problem(message, sheet, cell, value, expected, "error"))

    def warning(self, message: str, sheet: str | None = None, cell: str | None = None,
                value: object = None, expected: str | None = None) -> None:
        self._items.append(Problem(message, sheet, cell, value, expected, "warning"))

    def add(self, problem: Problem) -> None:
        self._items.append(problem)

    def extend(self, other: Iterable[Problem]) -> None:
        self._items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._items if p.severity == "warning"]

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self._items)

    def raise_if_errors(self) -> None:
        if self.has_errors():
            raise InputError(self)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


class InputError(Exception):
    """Raised once, after a step, when its problems contain errors."""

    def __init__(self, problems: Problems | Iterable[Problem]) -> None:
        self.problems = problems if isinstance(problems, Problems) else Problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems.errors))


class TemplateError(Exception):
    """A template that cannot be used, with the template cell it concerns."""

    def __init__(self, message: str, template: str | None = None, cell: str | None = None) -> None:
        self.template = template
        self.cell = cell
        where = "!".join(part for part in (template, cell) if part)
        super().__init__(f"模板 {where}：{message}" if where else f"模板：{message}")

    @classmethod
    def again(cls, text: str, template: str | None, cell: str | None) -> TemplateError:
        """The same error, rebuilt from its text (e.g. received from another process)."""
        error = cls.__new__(cls)
        Exception.__init__(error, text)
        error.template, error.cell = template, cell
        return error
