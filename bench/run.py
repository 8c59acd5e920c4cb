"""The benchmark: xlreports against the floor and the peer, at three sizes, in one run.

    python bench/run.py                 # S, M and L; writes the table into bench/README.md
    python bench/run.py --sizes S,M     # a quicker run
    python bench/run.py --repeat 5

For each size it measures, as the median of ``--repeat`` runs:

a. ``xlreports build`` of all forms, as a whole process (with ``-j 1`` and with the default workers),
   wall time and peak memory, and its phases in-process (load, compute, render, write);
b. the floor (``bench/floor.py``): plain xlsxwriter writing the same cells, formats and merges;
c. the peer (``bench/peer.py``): openpyxl filling the templates row by row (and, at S and M, by
   ``insert_rows``, which grows with the square of the size);

and prints a/b, c/a and how a grows from M to L.  Inputs come from ``bench/make_input.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from make_input import SIZES, make  # noqa: E402

MARK_START, MARK_END = "<!-- results -->", "<!-- /results -->"
INSERT_SIZES = ("S", "M")


def _tree_memory(pid: int) -> int:
    """Memory of a process and its descendants, in KiB (Linux /proc).

    Proportional set size: a page shared by forked processes counts once, split between them (the
    sum of their resident sizes would count it once per process).
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = (Path("/proc") / str(current) / "smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))
        except (OSError, AttributeError):
            pass
        stack.extend(children.get(current, []))
    return total


def measure(command: list[str], cwd: Path, timeout: float | None = None, sample_all: bool = False) -> dict:
    """Wall time and peak memory of the largest process; with ``sample_all``, of all processes together.

    Sampling reads every process's memory map ten times a second, which slows the processes measured
    (by a fifth at L): a run that samples is not a run that is timed.  With ``timeout``, a run that
    takes longer is stopped and reported as ``{"timed_out": True}``.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_memory(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_all:
        sampler.start()
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    if timer:
        timer.cancel()
        if time.perf_counter() - start >= timeout:
            done.set()
            return {"wall": timeout, "timed_out": True, "peak_mib": usage.ru_maxrss / 1024,
                    "peak_all_mib": peak_tree / 1024, "stdout": ""}
    wall = time.perf_counter() - start
    done.set()
    if sample_all:
        sampler.join()
    out = process.stdout.read().decode("utf-8", "replace")
    err = process.stderr.read().decode("utf-8", "replace")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed: {err or out}")
    return {"wall": wall, "peak_mib": usage.ru_maxrss / 1024, "peak_all_mib": max(peak_tree, usage.ru_maxrss) / 1024,
            "stdout": out}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def phases(source: Path, outdir: Path) -> dict[str, float]:
    from xlreports.build import build
    from xlreports.resources import default_templates_dir

    report = build(source, outdir, default_templates_dir(), workers=1)
    return dict(report.timings)


def bench_size(size: str, work: Path, repeat: int, peer_timeout: float) -> dict:
    source = work / f"{size}.xlsx"
    if not source.exists():
        make(size, source)
    python = sys.executable
    env_root = str(ROOT)
    xl = [python, "-c", f"import sys; sys.path.insert(0, {env_root!r}); from xlreports.cli import main; "
                        "sys.exit(main(sys.argv[1:]))"]
    result: dict = {"size": size, "rows": SIZES[size]}

    def runs(command: list[str], clean: Path) -> list[dict]:
        measured = []
        for _ in range(repeat):
            shutil.rmtree(clean, ignore_errors=True)
            measured.append(measure(command, work))
        return measured

    out = work / "out"
    one = runs([*xl, "build", str(source), "-o", str(out), "-j", "1"], out)
    many = runs([*xl, "build", str(source), "-o", str(out)], out)
    result["a1_wall"], result["a1_peak"] = median(one, "wall"), max(r["peak_mib"] for r in one)
    result["a_wall"], result["a_peak"] = median(many, "wall"), max(r["peak_mib"] for r in many)
    shutil.rmtree(out, ignore_errors=True)
    result["a_peak_all"] = measure([*xl, "build", str(source), "-o", str(out)], work, sample_all=True)["peak_all_mib"]
    shutil.rmtree(out, ignore_errors=True)
    result["phases"] = phases(source, out)

    floor = runs([python, str(HERE / "floor.py"), str(source), str(work / "floor")], work / "floor")
    result["b_write"] = statistics.median(json.loads(r["stdout"])["seconds"] for r in floor)
    result["b_peak"] = max(r["peak_mib"] for r in floor)
    # openpyxl's merge_cells checks each new range against all the others: the peer grows with the square
    # of the size, so beyond S it runs once, and for at most peer_timeout seconds
    peer_command = [python, str(HERE / "peer.py"), str(source), str(work / "peer")]
    peer = runs(peer_command, work / "peer") if size == "S" else [measure(peer_command, work, peer_timeout)]
    result["c_wall"] = median(peer, "wall")
    result["c_timed_out"] = any(r.get("timed_out") for r in peer)
    if size in INSERT_SIZES:
        command = [*peer_command, "--insert"]
        measured = runs(command, work / "peer") if size == "S" else [measure(command, work, peer_timeout)]
        result["c_insert"] = median(measured, "wall")
        result["c_insert_timed_out"] = any(r.get("timed_out") for r in measured)
    return result


def help_time(repeat: int) -> float:
    command = [sys.executable, "-m", "xlreports", "--help"]
    return statistics.median(measure(command, ROOT)["wall"] for _ in range(max(repeat, 5)))


def sample_time(repeat: int) -> float:
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(ROOT / "input", Path(work) / "input")
        command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                                         "from xlreports.cli import main; sys.exit(main(['build']))"]
        return statistics.median(measure(command, Path(work))["wall"] for _ in range(repeat))


def machine() -> str:
    from importlib.metadata import version

    import openpyxl
    import pandas
    import python_calamine  # noqa: F401
    import xlsxwriter

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}); Python "
            f"{platform.python_version()}; xlsxwriter {xlsxwriter.__version__}, openpyxl {openpyxl.__version__}, "
            f"pandas {pandas.__version__}, python-calamine {version('python-calamine')}")


def _seconds(value: float, timed_out: bool) -> str:
    return f"> {value:.0f} s (stopped)" if timed_out else f"{value:.2f} s"


def table(results: list[dict], startup: tuple[float, float], repeat: int) -> str:
    lines = [
        f"Machine: {machine()}. Median of {repeat} runs (the peer: {repeat} at S, once at M and L); "
        "peak memory is the largest process.",
        "",
        "| size | indicator rows | a: xlreports build (-j 1) | a: build (default workers) | peak memory a | "
        "all processes | b: floor (write only) | c: peer | c′: peer with insert_rows | a/b | c/a |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']} | {r['rows']:,} | {r['a1_wall']:.2f} s ({r['a1_peak']:.0f} MiB) | {r['a_wall']:.2f} s | "
            f"{r['a_peak']:.0f} MiB | {r['a_peak_all']:.0f} MiB | {r['b_write']:.2f} s | "
            f"{_seconds(r['c_wall'], r['c_timed_out'])} | "
            f"{_seconds(r['c_insert'], r['c_insert_timed_out']) if 'c_insert' in r else '—'} | "
            f"{r['a_wall'] / r['b_write']:.2f} (-j 1: {r['a1_wall'] / r['b_write']:.2f}) | "
            f"{'> ' if r['c_timed_out'] else ''}{r['c_wall'] / r['a_wall']:.1f} |")
    lines += ["", "In-process phases of `xlreports build -j 1` (seconds):", "",
              "| size | load | compute | render | write |", "|---|---:|---:|---:|---:|"]
    for r in results:
        p = r["phases"]
        lines.append(f"| {r['size']} | {p.get('load', 0):.2f} | {p.get('compute', 0):.2f} | "
                     f"{p.get('render', 0):.2f} | {p.get('write', 0):.2f} |")
    by_size = {r["size"]: r for r in results}
    steps = [(a, b) for a, b in (("S", "M"), ("M", "L")) if a in by_size and b in by_size]
    if steps:
        lines += ["", "How the time grows with the rows (whole process, default workers; -j 1 in brackets): "
                  "the ratio for 10× the rows, and what each further 1,000 indicator rows cost — a "
                  "constant cost per row is linear growth, whatever the fixed cost of starting up.", ""]
        for a, b in steps:
            small, large = by_size[a], by_size[b]
            extra = (large["rows"] - small["rows"]) / 1000

            def ratio(key: str, small=small, large=large) -> str:
                return f"{large[key] / small[key]:.1f}×"

            def per_thousand(key: str, small=small, large=large, extra=extra) -> str:
                return f"{(large[key] - small[key]) / extra * 1000:.0f} ms"

            lines.append(f"- {a} → {b}: {ratio('a_wall')} ({ratio('a1_wall')}); "
                         f"{per_thousand('a_wall')} ({per_thousand('a1_wall')}) per 1,000 more rows")
    lines += ["", f"`xlreports --help`: {startup[0]:.2f} s; `xlreports build` of the bundled samples: {startup[1]:.2f} s."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlreports-bench")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    parser.add_argument("--peer-timeout", type=float, default=600, help="stop the peer after this many seconds")
    parser.add_argument("--from-log", type=Path, help="make the table from the JSON lines a previous run printed")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.from_log:
        lines = args.from_log.read_text(encoding="utf-8").splitlines()
        results = [json.loads(line) for line in lines if line.startswith('{"size"')]
        startup = json.loads(next(line for line in lines if line.startswith('{"help"')))
    else:
        results = []
        for size in args.sizes.split(","):
            print(f"== {size}", flush=True)
            results.append(bench_size(size.strip(), args.work, args.repeat, args.peer_timeout))
            print(json.dumps(results[-1], ensure_ascii=False, default=str), flush=True)
        startup = {"help": help_time(args.repeat), "sample": sample_time(args.repeat)}
        print(json.dumps(startup), flush=True)
    text = table(results, (startup["help"], startup["sample"]), args.repeat)
    print(text)
    if not args.no_readme:
        readme = HERE / "README.md"
        content = readme.read_text(encoding="utf-8")
        start, end = content.index(MARK_START) + len(MARK_START), content.index(MARK_END)
        readme.write_text(content[:start] + "\n" + text + "\n" + content[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
