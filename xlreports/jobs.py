"""The output files of one build, written one by one or by several processes at once.

A :class:`Job` is one output file: its path and how to make its sheets.  :func:`run_jobs` writes
them all into one :class:`~xlreports.write.Outputs`, so they are renamed into place together, or
not at all.  With ``workers > 1`` (on Linux) the build forks worker processes after loading and
computing: they share the data copy-on-write, take jobs from a queue, write their files under
temporary names and send back what they wrote.  The parent writes the longest file, whose sheets a
forked child renders meanwhile (:mod:`xlreports.render.remote`), and other files until the child's
first rows arrive.  Elsewhere the jobs run in this process, one after the other.

Workers die with the build (:func:`~xlreports.workers.become_worker`), leave Ctrl-C to it, and are
ended when it ends, however it ends; their temporary files belong to the build's file set, which
removes them.  A worker killed by a signal fails its workbook with a Chinese message.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .collector import frozen
from .problems import TemplateError
from .timing import Timings
from .workers import become_worker, can_fork, died, held_signals

__all__ = ["Job", "JobResult", "can_fork", "run_jobs"]


@dataclass
class Job:
    """One output file: its path, and how to make its sheets (planned only when it is written)."""

    path: Path
    sheets: Callable[[], list]
    city: bool = False
    weight: float = 0.0  # a rough size, so that the longest job starts first


@dataclass
class JobResult:
    index: int
    written: tuple[Path, Path, str | None] | None = None  # (temporary file, final path, SHA-256); None: nothing
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # a template or write error, in Chinese
    crash: str | None = None  # anything else: a traceback


REMOTE_WEIGHT = 20000  # a file this long (estimated rows) is rendered by a process of its own while written
HELPER_NICENESS = 5  # the other workers yield the CPU to the longest file's writer and renderer


def run_jobs(jobs: list[Job], outputs, timings: Timings, workers: int = 1) -> list[JobResult]:
    """Write every job into ``outputs``; results in job order.  A failed job raises after all stop."""

    if workers > 1 and can_fork():
        with frozen():  # the workers' collectors leave the data they share with this process alone
            results = _parallel(jobs, outputs, workers)
    else:
        results = [_run(i, job, outputs) for i, job in enumerate(jobs)]
    for result in results:
        for phase, seconds in result.timings.items():
            timings.add(phase, seconds)
        if result.written:
            outputs.adopt(*result.written)
    for result in results:
        if result.crash:
            raise RuntimeError(result.crash)
        if result.error:
            raise TemplateError.again(result.error, None, None)  # already in Chinese, with its place
    return results


def _run(index: int, job: Job, outputs, remote=None) -> JobResult:
    """Plan and write one file, catching what goes wrong so that it can be reported from any process.

    With ``remote``, the sheets come from the process rendering them (the wait counts as render).
    """
    from .render.remote import RendererDied
    from .write import FileError, WriteError

    result = JobResult(index)
    timings = Timings()
    try:
        with timings.phase("render"):
            sheets = remote.sheets() if remote is not None else job.sheets()
        if sheets:
            for sheet in sheets:
                sheet.source = timings.timed(sheet.source, "render")
            start, rendering = time.perf_counter(), timings.get("render", 0.0)
            result.warnings = outputs.write(sheets, job.path, adopt=False)
            result.written = outputs.last
            timings.add("write", time.perf_counter() - start - (timings.get("render", 0.0) - rendering))
    except (TemplateError, WriteError, FileError, RendererDied) as exc:
        result.error = str(exc)
    except Exception:
        result.crash = traceback.format_exc()
    finally:
        if remote is not None:
            remote.close()
    result.timings = dict(timings)
    return result


def _parallel(jobs: list[Job], outputs, workers: int) -> list[JobResult]:
    """The longest file is written here while a child renders it; the others go to forked workers.

    The longest file decides how long a build takes: its rendering starts first, in a child of its
    own, and the parent writes other files until the child's first data arrives.  The other workers
    run at a lower priority, so that the longest file's writer and renderer come first.
    """
    if not jobs:  # a workbook that fills no form
        return []
    from .render.remote import render_elsewhere

    context = multiprocessing.get_context("fork")
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
    heavy = order[0] if jobs[order[0]].weight >= REMOTE_WEIGHT else None
    remote = render_elsewhere(jobs[heavy].sheets) if heavy is not None else None
    tasks, done = context.Queue(), context.Queue()
    for index in order:
        if index != heavy:
            tasks.put(index)
    children = max(1, min(workers, len(jobs)) - 1)
    for _ in range(children + 1):
        tasks.put(None)
    parent = os.getpid()
    processes = [context.Process(target=_worker, args=(jobs, outputs.spawn(), tasks, done, parent), daemon=True)
                 for _ in range(children)]
    ended = False
    try:
        with held_signals():  # each worker takes Ctrl-C only once it has said what it does there
            for process in processes:
                process.start()
        results = _gather(jobs, outputs, processes, tasks, done, heavy, remote)
        ended = True
        return results
    finally:  # interrupted: the workers are ended at once; the build's file set removes their files
        for process in processes:
            process.join(5 if ended else 0)
            if process.is_alive():
                process.kill()
                process.join()
        if remote is not None:
            remote.stop()


def _gather(jobs, outputs, processes, tasks, done, heavy, remote) -> list[JobResult]:
    results: dict[int, JobResult] = {}
    finished = False
    if remote is not None:
        while not remote.ready():
            try:
                index = tasks.get(timeout=0.05)
            except queue.Empty:
                continue
            if index is None:
                finished = True
                break
            results[index] = _run(index, jobs[index], outputs)
        results[heavy] = _run(heavy, jobs[heavy], outputs, remote)
    if not finished:
        results.update((result.index, result) for result in _work(jobs, outputs, tasks))
    while len(results) < len(jobs):
        try:
            result = done.get(timeout=1)
        except queue.Empty:  # make sure the workers are alive
            if not any(process.is_alive() for process in processes) and done.empty():
                how = "、".join(sorted({died(p.exitcode) for p in processes if p.exitcode}))
                for index in sorted(set(range(len(jobs))) - results.keys()):
                    results[index] = JobResult(index, error=f"生成 {jobs[index].path.name} 的工作进程{how or '意外退出'}，"
                                                            "没有生成任何文件；请重试，如果再次出现，请把工作簿反馈给维护者")
            continue
        results[result.index] = result
    return [results[index] for index in range(len(jobs))]


def _work(jobs: list[Job], outputs, tasks) -> list[JobResult]:
    results = []
    while (index := tasks.get()) is not None:
        results.append(_run(index, jobs[index], outputs))
    return results


def _worker(jobs: list[Job], outputs, tasks, done, parent: int) -> None:
    become_worker(parent)
    yield_cpu()
    for result in _work(jobs, outputs, tasks):
        done.put(result)


def yield_cpu() -> None:
    """Run this process at a lower priority (where the system allows it)."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows; a refusal is harmless
        os.nice(HELPER_NICENESS)
