"""One workbook through the whole flow: load → validate → compute → render → write.

Nothing is written until every form has rendered, so bad input never leaves a half-built output
folder; each file is itself written atomically by :mod:`xlreports.write`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputError, Problems, TemplateError

INPUT_PATTERNS = ("*.xlsx", "*.xlsm", "*.xls")


@dataclass
class BuildReport:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    failed: bool = False
    forms: int = 0


def find_inputs(folder: Path) -> list[Path]:
    """The workbooks of a folder, skipping Excel's ``~$`` lock files and hidden files."""
    found = {p for pattern in INPUT_PATTERNS for p in folder.glob(pattern)}
    return sorted(p for p in found if not p.name.startswith(("~$", ".")))


def build(source: Path, outdir: Path, templates: Path, write: bool = True) -> BuildReport:
    """Fill every form ``source`` can fill into ``outdir/<workbook name>/``."""
    from .compute import build_context
    from .forms import load_forms
    from .render import render
    from .validate import read_input
    from .write import WriteError, write_workbook

    report = BuildReport(source)
    try:
        data = read_input(source, report.problems)
        context = build_context(data, report.problems)
        report.problems.raise_if_errors()
        forms = [form for form in load_forms(templates) if form.applies(context)]
        report.forms = len(forms)
        for form in forms:
            for warning in form.template.warnings:
                report.problems.warning(warning)
        rendered = [(form.file_name(context), render(form.template, context)) for form in forms]
        if write:
            target = outdir / data.name
            for file_name, sheets in rendered:
                path = target / file_name
                for warning in write_workbook(sheets, path):
                    report.problems.warning(warning)
                report.outputs.append(path)
    except InputError:
        report.failed = True
    except (TemplateError, WriteError) as exc:
        report.problems.error(str(exc))
        report.failed = True
    return report
