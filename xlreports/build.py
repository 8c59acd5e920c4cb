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
from functools import partial
from pathlib import Path

from .collector import fewer_collections
from .jobs import Job, run_jobs
from .load.workbook import SUFFIXES
from .problems import InputError, Problems, TemplateError
from .timing import Timings

INPUT_SUFFIXES = SUFFIXES
# Files found beside the workbooks that are not read, and why (said to the user by suffix).
_NOT_READ = {
    ".csv": "CSV 文本文件不是工作簿，请在 Excel 或 WPS 中打开并另存为 .xlsx",
    ".et": "WPS 表格 (.et) 文件无法读取，请在 WPS 中“另存为” .xlsx",
    ".ett": "WPS 表格模板 (.ett) 无法读取，请在 WPS 中“另存为” .xlsx",
    ".numbers": "Numbers 文件无法读取，请在 Numbers 中“导出为” Excel (.xlsx)",
    ".xltx": "Excel 模板 (.xltx) 不是工作簿，请在 Excel 中“另存为” .xlsx",
    ".xltm": "Excel 模板 (.xltm) 不是工作簿，请在 Excel 中“另存为” .xlsx",
}
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
    timings: Timings = field(default_factory=Timings)


@dataclass
class InputListing:
    """The workbooks of a folder, and every other file in it with the reason it is not read."""

    workbooks: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def find_inputs(folder: Path) -> InputListing:
    """Every spreadsheet of ``folder`` (by suffix, any case); lock files, hidden and other files are named."""
    listing = InputListing()
    stems: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            continue
        reason = _skip_reason(path)
        if reason is None and path.stem in stems:  # both would fill the one output folder of that name
            reason = f"与 {stems[path.stem].name} 同名（不同的文件类型），两者的表格会写入同一个文件夹，请改名后再试"
        if reason:
            listing.skipped.append((path, reason))
        else:
            stems[path.stem] = path
            listing.workbooks.append(path)
    return listing


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "Excel 或 WPS 打开工作簿时留下的锁定文件，不是工作簿"
    if path.name.startswith("."):
        return "隐藏文件"
    suffix = path.suffix.lower()
    if suffix in INPUT_SUFFIXES:
        return None
    shown = "、".join(INPUT_SUFFIXES)
    return _NOT_READ.get(suffix, f"不是工作簿（读取的文件类型：{shown}）")


def build(source: Path, outdir: Path, templates: Path, write: bool = True, split: str | None = "auto",
          workers: int = 1) -> BuildReport:
    """Fill every form ``source`` can fill into ``outdir/<workbook name>/``.

    ``split``: ``"地市"`` writes per-city files, ``None`` does not, ``"auto"`` does when the
    workbook has 「资金分配」.  ``workers`` processes write the files (see :mod:`xlreports.jobs`).
    """
    report = BuildReport(source)
    with fewer_collections():
        _build(report, outdir, templates, write, split, workers)
    if report.failed:
        report.outputs, report.city_files = [], []
    return report


def _build(report: BuildReport, outdir: Path, templates: Path, write: bool, split: str | None, workers: int) -> None:
    from .compute import build_context, city_keys
    from .forms import load_forms
    from .validate import read_input
    from .write import Outputs, WriteError

    source, timings = report.source, report.timings
    try:
        preloading = _preload(templates, source)
        with timings.phase("load"):
            data = read_input(source, report.problems)
        if preloading is not None:
            preloading.join()
        with timings.phase("compute"):
            context = build_context(data, report.problems)
        report.problems.raise_if_errors()
        all_forms = load_forms(templates)
        forms = [form for form in all_forms if form.applies(context)]
        report.forms = len(forms)
        for form in forms:
            for warning in form.template.warnings:
                report.problems.warning(warning)
        target = outdir / data.name
        jobs = [Job(target / form.file_name(context), partial(_province_sheets, form, context),
                    weight=_weight(form, context)) for form in forms]
        if split == SPLIT_CITY or (split == "auto" and data.allocations):
            city_forms = [form for form in all_forms if form.split == SPLIT_CITY]
            jobs += [Job(target / CITY_FOLDER / f"{_file_safe(city.key)}.xlsx",
                         partial(_city_sheets, city_forms, data, context, city), city=True)
                     for city in city_keys(data)]
        if not write:
            with timings.phase("render"):
                for job in jobs:
                    job.sheets()  # planning checks the templates against the data
            return
        # stamped with the input's modification time: rebuilding unchanged input gives identical files,
        # so that 「xlreports send」 sees which files really changed
        created = dt.datetime.fromtimestamp(int(source.stat().st_mtime))
        with Outputs(created) as outputs:
            for result in run_jobs(jobs, outputs, timings, workers):
                for warning in result.warnings:
                    report.problems.warning(warning)
                if result.written:
                    job = jobs[result.index]
                    (report.city_files if job.city else report.outputs).append(job.path)
        if any(job.city for job in jobs):
            _remove_stale(target / CITY_FOLDER, report.city_files)
    except InputError:
        report.failed = True
    except (TemplateError, WriteError) as exc:
        report.problems.error(str(exc))
        report.failed = True


PRELOAD_BYTES = 512 * 1024


def _preload(templates: Path, source: Path):
    """For a large input, read the templates in a thread while calamine parses the input.

    calamine parses without holding the GIL, so the templates (read with openpyxl, in Python) come
    for free; a small input is parsed too quickly for the overlap to pay.
    """
    import threading

    from .forms import load_forms

    if not source.is_file() or source.stat().st_size < PRELOAD_BYTES:
        return None

    def read_all() -> None:
        try:
            for form in load_forms(templates):
                form.template  # noqa: B018 - reading it fills the cache
        except Exception:
            pass  # the build reads them again, and reports what is wrong

    thread = threading.Thread(target=read_all, daemon=True)
    thread.start()
    return thread


def _weight(form, context) -> float:
    from .render.layout import estimate_rows

    return sum(estimate_rows(sheet, context) for sheet in form.template.sheets)


def _province_sheets(form, context) -> list:
    from .render import render

    return render(form.template, context)


def _city_sheets(forms, data, context, city) -> list:
    from .compute import city_context
    from .render import render

    narrowed = city_context(data, context, city)
    return [sheet for form in forms if form.applies(narrowed) for sheet in render(form.template, narrowed)]


def _remove_stale(folder: Path, written: list[Path]) -> None:
    """A city file left from an earlier build (a city since removed) must not be sent by mistake."""
    keep = {p.name for p in written}
    for path in folder.glob("*.xlsx"):
        if path.name not in keep:
            path.unlink()


def _file_safe(name: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in name).strip() or "地市"


def build_many(sources: list[Path], outdir: Path, templates: Path, split: str | None = "auto",
               workers: int = 1) -> list[BuildReport]:
    """Build several workbooks, ``workers`` at a time, with a progress bar; reports in input order.

    One workbook's errors (or a crash while building it) are its own report: the others go on.
    A single workbook gets all the workers for its files instead.
    """
    if len(sources) == 1 or workers == 1:
        each = workers if len(sources) == 1 else 1
        return [build(source, outdir, templates, split=split, workers=each) for source in sources]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from .jobs import can_fork
    from .progress import Progress

    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    progress = Progress(len(sources))
    reports: dict[Path, BuildReport] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(sources)), mp_context=context) as pool:
        futures = {pool.submit(build, source, outdir, templates, True, split, 1): source for source in sources}
        progress.start(f"正在生成：{len(sources)} 个工作簿")
        for future in as_completed(futures):
            source = futures[future]
            try:
                report = future.result()
            except Exception as exc:  # a crash in one workbook must not stop the others
                report = BuildReport(source, failed=True)
                report.problems.error(f"意外错误：{type(exc).__name__}: {exc}（这可能是程序缺陷，请反馈给维护者）")
            reports[source] = report
            progress.step("有错误" if report.failed else "完成", source.name)
    progress.finish()
    return [reports[source] for source in sources]
