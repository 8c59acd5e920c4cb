"""One workbook through the whole flow: load → validate → compute → render → write.

Every file is written under a temporary name and all are renamed together at the end
(:mod:`xlreports.write.files`), so bad input or a failing template never leaves a broken file
nor a partial set of forms in the output folder; a file staff edited since the last build is kept
as a dated copy (:mod:`xlreports.write.manifest`).  Every name that becomes a file name is cleaned
by :mod:`xlreports.paths`.

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
from .paths import FileNames, safe_file_name, same_file_key
from .problems import InputError, Problems, TemplateError
from .timing import Timings
from .write.files import sweep

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
    kept: list[tuple[Path, Path]] = field(default_factory=list)  # (file, dated copy of its edited version)
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
    from .compute import build_context
    from .forms import load_forms
    from .validate import read_input
    from .write import FileError, WriteError

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
        all_forms = load_forms(templates, report.problems)
        forms = [form for form in all_forms if form.applies(context)]
        report.forms = len(forms)
        for form in forms:
            for warning in form.template.warnings:
                report.problems.warning(warning)
        target = outdir / workbook_folder(source)
        jobs = _jobs(report, target, forms, all_forms, data, context, split)
        report.problems.raise_if_errors()
        if not write:
            with timings.phase("render"):
                for job in jobs:
                    job.sheets()  # planning checks the templates against the data
            return
        _write(report, jobs, outdir, target, workers)
    except InputError:
        report.failed = True
    except (TemplateError, WriteError, FileError) as exc:
        report.problems.error(str(exc))
        report.failed = True


def workbook_folder(source: Path) -> str:
    """The name of a workbook's output folder (its file name, made safe: :mod:`xlreports.paths`)."""
    return safe_file_name(source.stem, fallback="工作簿")


def _jobs(report: BuildReport, target: Path, forms, all_forms, data, context, split) -> list[Job]:
    """One job per form, and per city when split; names that would clash are errors in ``report``."""
    from .compute import city_keys

    names = FileNames(report.problems, "表格文件名", ".xlsx")
    jobs = []
    for form in forms:
        stem = names.claim(form.file_name(context).removesuffix(".xlsx"), f"模板 {form.path.name}")
        if stem is not None:
            jobs.append(Job(target / f"{stem}.xlsx", partial(_province_sheets, form, context),
                            weight=_weight(form, context)))
    if split == SPLIT_CITY or (split == "auto" and data.allocations):
        city_forms = [form for form in all_forms if form.split == SPLIT_CITY]
        cities = FileNames(report.problems, "地市", ".xlsx")
        for city in city_keys(data):
            sheet, row = _first_place(data, city.key)
            cell = data.city_cell(sheet, row)
            stem = cities.claim(city.key, f"{sheet}!{cell}", sheet, cell)
            if stem is not None:
                jobs.append(Job(target / CITY_FOLDER / f"{stem}.xlsx",
                                partial(_city_sheets, city_forms, data, context, city), city=True))
    return jobs


def _first_place(data, key: str) -> tuple[str, int]:
    """The sheet and row where a city first appears (to name it in a message)."""
    from . import contract

    for sheet, rows in ((contract.ALLOCATIONS, data.allocations), (contract.CITY_TASKS, data.city_tasks),
                        (contract.INDICATORS, data.indicators)):
        for row in rows:
            if row.city_key == key:
                return sheet, row.row
    return contract.ALLOCATIONS, 0


def _write(report: BuildReport, jobs: list[Job], outdir: Path, target: Path, workers: int) -> None:
    """Write every job's file, and replace the old set all at once (kept copies of edited files)."""
    from .write import Outputs
    from .write.manifest import is_kept_copy

    # stamped with the input's modification time: rebuilding unchanged input gives identical files,
    # so that 「xlreports send」 sees which files really changed
    created = dt.datetime.fromtimestamp(int(report.source.stat().st_mtime))
    with Outputs(target, created, tracked=True, boundary=outdir) as outputs:
        for result in run_jobs(jobs, outputs, report.timings, workers):
            for warning in result.warnings:
                report.problems.warning(warning)
            if result.written:
                job = jobs[result.index]
                (report.city_files if job.city else report.outputs).append(job.path)
        if any(job.city for job in jobs):
            # a city file left from an earlier build (a city since removed) must not be sent by mistake
            written = {path.name for path in report.city_files}
            for path in sorted((target / CITY_FOLDER).glob("*.xlsx")):
                if path.name not in written and not path.name.startswith(("~$", ".")) and not is_kept_copy(path):
                    outputs.remove(path)
    report.kept = outputs.kept


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


def build_many(sources: list[Path], outdir: Path, templates: Path, split: str | None = "auto",
               workers: int = 1) -> list[BuildReport]:
    """Build several workbooks, ``workers`` at a time, with a progress bar; reports in input order.

    Each workbook is built in a process of its own (:func:`xlreports.workers.run_each`): one
    workbook's errors, or a crash of its process (even by a signal), are its own report and the
    others go on.  A single workbook gets all the workers for its files instead.  Two workbooks
    whose output folders would be the same are both refused.
    """
    reports: dict[Path, BuildReport] = {}
    folders: dict[str, list[Path]] = {}
    for source in sources:
        folders.setdefault(same_file_key(workbook_folder(source)), []).append(source)
    for group in (group for group in folders.values() if len(group) > 1):
        for source in group:
            report = reports[source] = BuildReport(source, failed=True)
            others = "、".join(str(other) for other in group if other != source)
            report.problems.error(f"与 {others} 会生成到同一个输出文件夹「{workbook_folder(source)}」，两个都没有生成",
                                  expected="改用不同的文件名（只差大小写、扩展名或 / \\ : * ? 等符号的名称是同一个文件夹）")
    todo = [source for source in sources if source not in reports]
    if len(todo) <= 1 or workers == 1:
        each = workers if len(todo) == 1 else 1
        reports.update((source, build(source, outdir, templates, split=split, workers=each)) for source in todo)
        return [reports[source] for source in sources]
    from .progress import Progress
    from .workers import run_each

    progress = Progress(len(todo))
    progress.start(f"正在生成：{len(todo)} 个工作簿")

    def finished(source: Path, report: BuildReport) -> None:
        reports[source] = report
        progress.step("有错误" if report.failed else "完成", source.name)

    def failed(source: Path, how: str) -> None:
        report = BuildReport(source, failed=True)
        report.problems.error(f"生成这个工作簿的进程{how}，没有生成任何文件（其他工作簿不受影响）；"
                              "请重试，如果再次出现，请把这个工作簿反馈给维护者")
        finished(source, report)

    try:
        run_each(todo, partial(build, outdir=outdir, templates=templates, write=True, split=split, workers=1),
                 min(workers, len(todo)), started=lambda source: None, finished=finished, failed=failed)
    finally:
        progress.finish()
        for source in todo:
            sweep(outdir / workbook_folder(source))  # temporary files of a process that was killed
    return [reports[source] for source in sources]
