"""One workbook through the whole flow: load → validate → compute → render → write.

Every file is written under a temporary name and all are renamed together at the end
(:class:`~xlreports.write.Outputs`), so bad input or a failing template never leaves a broken file
nor a partial set of forms in the output folder.

With a split by city (the default when the workbook has 「资金分配」), every city also gets
``地市/<城市>.xlsx`` holding its own rows of every form that declares ``split="地市"``, each with
totals of its own: these are the files that are emailed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputError, Problems, TemplateError

INPUT_PATTERNS = ("*.xlsx", "*.xlsm", "*.xls")
SPLIT_CITY = "地市"
CITY_FOLDER = "地市"


@dataclass
class BuildReport:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    city_files: list[Path] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    failed: bool = False
    forms: int = 0


def find_inputs(folder: Path) -> list[Path]:
    """The workbooks of a folder, skipping Excel's ``~$`` lock files and hidden files."""
    found = {p for pattern in INPUT_PATTERNS for p in folder.glob(pattern)}
    return sorted(p for p in found if not p.name.startswith(("~$", ".")))


def build(source: Path, outdir: Path, templates: Path, write: bool = True, split: str | None = "auto") -> BuildReport:
    """Fill every form ``source`` can fill into ``outdir/<workbook name>/``.

    ``split``: ``"地市"`` writes per-city files, ``None`` does not, ``"auto"`` does when the
    workbook has 「资金分配」.
    """
    from .compute import build_context, city_keys
    from .forms import load_forms
    from .render import render
    from .validate import read_input
    from .write import Outputs, WriteError

    report = BuildReport(source)
    try:
        data = read_input(source, report.problems)
        context = build_context(data, report.problems)
        report.problems.raise_if_errors()
        all_forms = load_forms(templates)
        forms = [form for form in all_forms if form.applies(context)]
        report.forms = len(forms)
        for form in forms:
            for warning in form.template.warnings:
                report.problems.warning(warning)
        rendered = [(form.file_name(context), render(form.template, context)) for form in forms]
        cities = []
        if split == SPLIT_CITY or (split == "auto" and data.allocations):
            city_forms = [form for form in all_forms if form.split == SPLIT_CITY]
            for city in city_keys(data):
                city_context = build_context(data, Problems(), city=city.key)
                sheets = [sheet for form in city_forms if form.applies(city_context)
                          for sheet in render(form.template, city_context)]
                if sheets:
                    cities.append((f"{_file_safe(city.key)}.xlsx", sheets))
        if write:
            target = outdir / data.name
            # stamped with the input's modification time: rebuilding unchanged input gives identical files,
            # so that 「xlreports send」 sees which files really changed
            created = dt.datetime.fromtimestamp(int(source.stat().st_mtime))
            with Outputs(created) as outputs:
                for file_name, sheets in rendered:
                    report.outputs.append(_write(outputs, sheets, target / file_name, report))
                for file_name, sheets in cities:
                    report.city_files.append(_write(outputs, sheets, target / CITY_FOLDER / file_name, report))
            if cities:
                _remove_stale(target / CITY_FOLDER, report.city_files)
    except InputError:
        report.failed = True
    except (TemplateError, WriteError) as exc:
        report.problems.error(str(exc))
        report.failed = True
    if report.failed:
        report.outputs, report.city_files = [], []
    return report


def _write(outputs, sheets, path: Path, report: BuildReport) -> Path:
    for warning in outputs.write(sheets, path):
        report.problems.warning(warning)
    return path


def _remove_stale(folder: Path, written: list[Path]) -> None:
    """A city file left from an earlier build (a city since removed) must not be sent by mistake."""
    keep = {p.name for p in written}
    for path in folder.glob("*.xlsx"):
        if path.name not in keep:
            path.unlink()


def _file_safe(name: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in name).strip() or "地市"
