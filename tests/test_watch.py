"""``xlreports watch``: a workbook is built once it is complete, within 2 s; never half a file.

The slow tests run the real command on a folder and write files the way a network copy does (in
pieces, with pauses); the fast ones check what counts as a workbook and as a complete file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xlreports.watch import _complete, is_workbook, result_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
# seed 004 (附件4 of the 2021 fund): the forms the sample fills
FORMS = ("绩效目标表.xlsx", "地市绩效目标表.xlsx", "分地市绩效目标表.xlsx")


class Watching:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "input").mkdir(parents=True, exist_ok=True)
        self.log = folder / "watch.log"
        self.err = folder / "watch.err"
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        with open(self.log, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "xlreports", "watch", str(folder)], cwd=folder,
                                            env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.wait(lambda: "正在监视" in self.output(), 60)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait(self, condition, timeout: float) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if condition():
                return time.monotonic() - start
            assert self.process.poll() is None, self.err.read_text(encoding="utf-8")
            time.sleep(0.02)
        raise AssertionError(f"timed out; output: {self.output()} {self.err.read_text(encoding='utf-8')}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=20)


@pytest.fixture
def watching(tmp_path):
    watcher = Watching(tmp_path / "office")
    yield watcher
    if watcher.process.poll() is None:
        watcher.process.kill()
        watcher.process.wait()


def write_in_pieces(path: Path, data: bytes, pieces: int, pause: float) -> None:
    with open(path, "wb") as stream:
        for index in range(pieces):
            stream.write(data[index * len(data) // pieces:(index + 1) * len(data) // pieces])
            stream.flush()
            os.fsync(stream.fileno())
            if index < pieces - 1:
                time.sleep(pause)


@pytest.mark.slow
def test_a_copy_in_pieces_is_built_once_after_the_last_piece_within_2_seconds(watching):
    target = watching.folder / "input" / "专项资金.xlsx"
    result = result_path(target)
    # pauses longer than the wait for a stable size: only the zip check keeps the half file out
    write_in_pieces(target, SAMPLE.read_bytes(), pieces=4, pause=1.2)
    complete = time.monotonic()
    assert not result.exists()  # nothing built from the first three pieces
    watching.wait(result.exists, 30)
    assert time.monotonic() - complete <= 2.0
    time.sleep(1.5)
    assert watching.output().count("✓ 专项资金.xlsx") == 1, watching.output()
    text = result.read_text(encoding="utf-8-sig")
    assert "✓ 已生成 3 个文件" in text
    for form in FORMS:
        assert f"output/专项资金/{form}" in text
        assert (watching.folder / "output" / "专项资金" / form).is_file()
    code = watching.stop()
    assert code == 0
    assert "已停止监视" in watching.output()
    assert "Traceback" not in watching.err.read_text(encoding="utf-8")


@pytest.mark.slow
def test_saving_again_builds_again_and_problems_go_to_the_result_file(watching, tmp_path):
    from openpyxl import load_workbook

    target = watching.folder / "input" / "年度资金.xlsx"
    target.write_bytes(SAMPLE.read_bytes())
    result = result_path(target)
    watching.wait(result.exists, 30)
    first = result.stat().st_mtime_ns
    # the officer saves a mistake: 资金需求 of the first project (项目!C3) is not a number
    book = load_workbook(SAMPLE)
    book["项目"]["C3"] = "很多"
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    os.replace(broken, target)  # as Excel saves: a new file renamed over the old one
    watching.wait(lambda: result.stat().st_mtime_ns != first, 30)
    text = result.read_text(encoding="utf-8-sig")
    assert "没有生成任何文件" in text
    assert "项目!C3" in text and "很多" in text
    # Excel's lock file and the result file itself are left alone
    (watching.folder / "input" / "~$年度资金.xlsx").write_bytes(b"locked")
    time.sleep(1.5)
    assert not result_path(watching.folder / "input" / "~$年度资金.xlsx").exists()
    assert not (watching.folder / "input" / "年度资金.结果.结果.txt").exists()
    assert watching.stop() == 0


def test_what_counts_as_a_workbook():
    assert is_workbook(Path("input/资金.xlsx"))
    assert is_workbook(Path("input/资金.XLSX"))
    assert not is_workbook(Path("input/~$资金.xlsx"))
    assert not is_workbook(Path("input/.资金.xlsx"))
    assert not is_workbook(Path("input/资金.结果.txt"))
    assert not is_workbook(Path("input/说明.docx"))
    assert result_path(Path("input/资金.xlsx")) == Path("input/资金.结果.txt")


def test_a_truncated_workbook_is_not_complete(tmp_path):
    data = SAMPLE.read_bytes()
    whole, half = tmp_path / "whole.xlsx", tmp_path / "half.xlsx"
    whole.write_bytes(data)
    half.write_bytes(data[: len(data) // 2])
    assert _complete(whole)
    assert not _complete(half)
