"""Every hostile or broken file of :mod:`corpus` through the real command, under a memory limit.

Each case runs ``python -m xlreports …`` in a subprocess limited to 2 GiB of address space and a
timeout, and must end with exit code 1 and a located Chinese message (or, for legitimate input, a
safe build): no traceback, no English exception name, no file written or changed outside the output
folder (the input files included), and a peak resident memory under 1 GiB.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import corpus

ADDRESS_SPACE = 2 << 30  # RLIMIT_AS of the command; a normal build of the samples needs less than 0.5 GiB
PEAK_MEMORY = 1 << 30  # resident memory a build may reach, whatever its input
TIMEOUT = 120

_ENGLISH = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b|BrokenProcessPool|panicked|SIGABRT|core dumped")
_LOCATED = re.compile(r"[^\s!：]+![A-Z]{1,3}\d+|第 ?\d+ ?行")

# cases whose fix lies elsewhere: the reason names what is expected


@dataclass
class Run:
    code: int
    output: str
    peak: int  # bytes


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(args: list[str], folder: Path, logs: Path) -> Run:
    """The command in ``folder`` under the memory limit; its exit code, output and peak memory."""
    root = Path(__file__).resolve().parents[2]
    paths = [str(folder / "fault")] if (folder / "fault").is_dir() else []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*paths, str(root), os.environ.get("PYTHONPATH", "")]),
               PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    env.pop("XLREPORTS_DEBUG", None)
    logs.mkdir(exist_ok=True)
    with (logs / "out.txt").open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "xlreports", *args], cwd=folder, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_limit_memory,
                                   start_new_session=True)
        timer = threading.Timer(TIMEOUT, lambda: os.killpg(process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    output = (logs / "out.txt").read_bytes().decode("utf-8", "replace")
    return Run(process.returncode, output, usage.ru_maxrss * 1024)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and link under ``folder``: its content hash, or where it points."""
    found = {}
    for top, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            path = Path(top) / name
            key = path.relative_to(folder).as_posix()
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _marks(name: str) -> list:
    marks = [pytest.mark.slow]
    return marks


@pytest.mark.parametrize("name", [pytest.param(name, marks=_marks(name)) for name in corpus.CASES])
def test_hostile_input(name, tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    case = corpus.CASES[name](folder)
    if case.prepare:
        prepared = run(case.prepare, folder, tmp_path / "logs")
        assert prepared.code == 0, prepared.output
        if case.after_prepare:
            case.after_prepare()
    inputs = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in case.inputs}
    before = snapshot(tmp_path)
    result = run(case.args, folder, tmp_path / "logs")
    output = result.output

    if case.exit_code == -1:  # a located refusal, or a safe build
        assert result.code in (0, 1), output
        if result.code == 1:
            assert _LOCATED.search(output), output
    else:
        assert result.code == case.exit_code, output
    for fragment in case.expect:
        assert fragment in output, output
    for fragment in case.forbidden:
        assert fragment not in output, output
    assert "Traceback" not in output and "意外错误" not in output, output
    if result.code == 0 and case.verify is not None:
        assert not case.verify(folder / case.output), output
    assert not _ENGLISH.search(output), output

    after = snapshot(tmp_path)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    outside = sorted(key for key in changed if not key.startswith(("case/out/", "logs/")))
    assert not outside, f"written outside the output folder: {outside}\n{output}"
    assert {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in case.inputs} == inputs
    assert result.peak < PEAK_MEMORY, f"peak memory {result.peak >> 20} MiB"


@pytest.mark.slow
def test_a_normal_build_under_the_same_limits(tmp_path):
    """The limits of the harness are not what makes the cases fail: the bundled sample builds under them."""
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / corpus.INPUT).write_bytes(corpus.SAMPLE_CITIES.read_bytes())
    result = run(["build", corpus.INPUT, "-o", "out", "-j", "2"], folder, tmp_path / "logs")
    assert result.code == 0, result.output
    assert len(list((folder / "out" / "in" / "地市").glob("*.xlsx"))) == 21
    assert result.peak < PEAK_MEMORY

