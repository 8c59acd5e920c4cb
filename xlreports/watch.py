"""``xlreports watch [FOLDER]``: a shared office folder that builds by itself.

Whenever a workbook in ``FOLDER/input/`` is added or saved, it is built into ``FOLDER/output/`` as
``xlreports build`` would, and ``<name>.结果.txt`` is written beside it: the files produced, or every
problem.  A file is built only when it is complete: its size and modification time have not changed
for :data:`STABLE_SECONDS`, and an ``.xlsx`` opens as a whole zip archive (a copy still arriving over
the network, written in pieces, is not).  Excel's ``~$`` lock files, hidden files and the result files
are ignored.  Ctrl-C stops it.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .load.workbook import SUFFIXES

RESULT_SUFFIX = ".结果.txt"
STABLE_SECONDS = 0.6     # unchanged this long (size and mtime) before a build
TICK_MS = 100            # how often pending files are looked at
SWEEP_SECONDS = 3        # how often the folder is compared with the result files, in case an event was lost
ZIP_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class _Pending:
    signature: tuple[int, int]   # (size, mtime_ns) when last seen
    since: float                 # when it was last seen changing


def is_workbook(path: Path) -> bool:
    name = path.name
    return (name.lower().endswith(SUFFIXES) and not name.startswith(("~$", "."))
            and not name.endswith(RESULT_SUFFIX))


def result_path(workbook: Path) -> Path:
    return workbook.with_name(workbook.stem + RESULT_SUFFIX)


def watch(folder: Path, templates: Path, pdf: bool = False, out=None) -> int:
    """Watch ``folder/input`` until Ctrl-C; the exit code."""
    import watchfiles

    out = out or sys.stdout
    inputs, outputs = folder / "input", folder / "output"
    if not inputs.is_dir():
        print(f"找不到 {inputs}：请在要监视的文件夹中建立 input/ 文件夹，把填报工作簿放进去。", file=sys.stderr)
        return 1
    _warm_up(templates)
    watcher = Watcher(inputs, outputs, templates, pdf, out)
    print(f"正在监视 {inputs}：工作簿新增或保存后自动生成表格到 {outputs}，结果写在工作簿旁边的 *{RESULT_SUFFIX} 中。"
          "按 Ctrl+C 停止。", file=out, flush=True)
    try:
        watcher.catch_up()
        swept = time.monotonic()
        for changes in watchfiles.watch(inputs, debounce=TICK_MS, step=20, rust_timeout=TICK_MS,
                                        yield_on_timeout=True, recursive=False):
            for _, name in changes:
                watcher.changed(Path(name))
            if time.monotonic() - swept >= SWEEP_SECONDS:  # a save the file system did not report (network shares)
                watcher.catch_up()
                swept = time.monotonic()
            watcher.tick()
    except KeyboardInterrupt:
        pass
    print("已停止监视。", file=out, flush=True)
    return 0


class Watcher:
    def __init__(self, inputs: Path, outputs: Path, templates: Path, pdf: bool, out) -> None:
        self.inputs, self.outputs, self.templates, self.pdf, self.out = inputs, outputs, templates, pdf, out
        self.pending: dict[Path, _Pending] = {}
        self.built: dict[Path, tuple[int, int]] = {}   # signature of the version last built

    def catch_up(self) -> None:
        """Workbooks saved while nobody watched: those newer than their result file."""
        for path in sorted(self.inputs.iterdir()):
            if is_workbook(path) and path.is_file():
                result = result_path(path)
                if not result.exists() or result.stat().st_mtime < path.stat().st_mtime:
                    self.changed(path)

    def changed(self, path: Path) -> None:
        if not is_workbook(path) or path.parent.resolve() != self.inputs.resolve():
            return
        signature = _signature(path)
        if signature is None:
            self.pending.pop(path, None)
            return
        self.pending[path] = _Pending(signature, time.monotonic())

    def tick(self) -> None:
        now = time.monotonic()
        for path, pending in list(self.pending.items()):
            signature = _signature(path)
            if signature is None:
                del self.pending[path]
            elif signature != pending.signature:
                self.pending[path] = _Pending(signature, now)
            elif now - pending.since >= STABLE_SECONDS and _complete(path):
                del self.pending[path]
                if self.built.get(path) != signature:
                    self.built[path] = signature
                    self.build(path)

    def build(self, path: Path) -> None:
        from .build import build

        started = time.monotonic()
        try:
            report = build(path, self.outputs, self.templates, split="auto", workers=1)
        except Exception as exc:  # a defect: said in the result file, and the watch goes on
            from .build import BuildReport

            report = BuildReport(path, failed=True)
            report.problems.error(f"意外错误：{type(exc).__name__}: {exc}（这可能是程序缺陷，请把工作簿反馈给维护者）")
        pdf_note = None
        if not report.failed and self.pdf:
            from .pdf import PdfError, convert_to_pdf, report_forms

            try:
                convert_to_pdf(report_forms([report]))
            except PdfError as exc:
                pdf_note = str(exc)
        _write_result(path, report, self.outputs.parent, pdf_note)
        seconds = time.monotonic() - started
        if report.failed:
            line = f"✗ {path.name}：{len(report.problems.errors)} 个错误，未生成文件（见 {result_path(path).name}）"
        else:
            line = f"✓ {path.name}：生成 {len(report.outputs) + len(report.city_files)} 个文件（{seconds:.1f} 秒）"
        print(f"[{dt.datetime.now():%H:%M:%S}] {line}", file=self.out, flush=True)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns) if stat.st_size > 0 else None


def _complete(path: Path) -> bool:
    """An .xlsx is a zip: complete when its central directory (written last) is there.

    The members are not decompressed here: a hostile file is measured by the build's limits first.
    """
    if not path.name.lower().endswith(ZIP_SUFFIXES):
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.infolist())
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def _write_result(workbook: Path, report, base: Path, pdf_note: str | None) -> None:
    lines = [f"{workbook.name}  {dt.datetime.now():%Y-%m-%d %H:%M:%S}", ""]
    if report.failed:
        errors = report.problems.errors
        lines.append(f"✗ {len(errors)} 个错误，没有生成任何文件。请改正后再保存，会自动重新生成：")
        lines += [f"  错误：{problem}" for problem in errors]
    else:
        files = [*report.outputs, *report.city_files]
        lines.append(f"✓ 已生成 {len(files)} 个文件：" if files else "这个工作簿没有可以填的表格（检查工作表名称是否与说明一致）")
        lines += [f"  {_relative(path, base)}" for path in files]
        if pdf_note:
            lines.append(f"PDF：{pdf_note}")
    lines += [f"  警告：{problem}" for problem in report.problems.warnings]
    from .write.files import FileSet

    target = result_path(workbook)
    text = "\n".join(lines) + "\n"
    with FileSet(target.parent) as files:  # with a BOM: Notepad reads it as UTF-8
        files.write(target, lambda temporary: temporary.write_text(text, encoding="utf-8-sig"))


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _warm_up(templates: Path) -> None:
    from .warm import warm_up

    warm_up(templates)
