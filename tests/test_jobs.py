"""Output files written by several processes: the same files as one process, or none at all."""

from __future__ import annotations

import hashlib

import pytest

from xlreports.build import build
from xlreports.jobs import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="parallel jobs need fork (Linux)")
SAMPLE = "2020年度工业和信息化预留资金"


def digests(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.xlsx")}


@pytest.mark.slow
def test_parallel_files_are_the_files_of_one_process(root, tmp_path):
    one = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "one", root / "templates", workers=1)
    two = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "two", root / "templates", workers=2)
    assert not one.failed and not two.failed
    assert [p.name for p in two.outputs] == [p.name for p in one.outputs]
    assert [p.name for p in two.city_files] == [p.name for p in one.city_files]
    assert len(digests(tmp_path / "two")) == 27
    assert digests(tmp_path / "one") == digests(tmp_path / "two")
    assert not list((tmp_path / "two").rglob(".*.tmp"))


def test_a_job_failing_in_a_worker_leaves_no_file(root, tmp_path, edited_templates):
    templates = edited_templates("分地市绩效目标表.xlsx", "D5", "{{ i.name.missing }}")
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "out", templates, workers=2)
    assert report.failed and "分地市绩效目标表.xlsx!分地市绩效目标表!D5" in str(report.problems.errors[0])
    assert report.outputs == [] and report.city_files == []
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


@pytest.mark.slow
def test_the_longest_file_rendered_by_another_process(root, tmp_path, monkeypatch):
    """The longest file's sheets come through a pipe from a forked renderer: the same bytes again."""
    from xlreports import jobs

    monkeypatch.setattr(jobs, "REMOTE_WEIGHT", 1)
    one = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "one", root / "templates", workers=1)
    two = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "two", root / "templates", workers=2)
    assert not one.failed and not two.failed
    assert digests(tmp_path / "one") == digests(tmp_path / "two")


def test_an_error_in_the_remote_renderer_names_the_cell(root, tmp_path, monkeypatch, edited_templates):
    from xlreports import jobs

    monkeypatch.setattr(jobs, "REMOTE_WEIGHT", 1)
    # the longest file of seed 001, rendered remotely
    templates = edited_templates("绩效目标表.xlsx", "D11", "{{ i.name.missing }}")
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "out", templates, workers=2)
    assert report.failed and "绩效目标表.xlsx!绩效目标表!D11" in str(report.problems.errors[0])
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


def killed_in_a_child(real, parent, when):
    """``real``, except that in a process other than ``parent`` it kills itself when ``when(*args)``."""
    import os
    import signal

    def sheets(*args):
        if os.getpid() != parent and when(*args):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)

    return sheets


@pytest.mark.slow
def test_a_worker_killed_by_a_signal_fails_the_workbook_in_chinese(root, tmp_path, monkeypatch):
    import os

    from xlreports import build as build_module

    monkeypatch.setattr(build_module, "_city_sheets", killed_in_a_child(
        build_module._city_sheets, os.getpid(), lambda *args: True))
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "out", root / "templates", workers=2)
    assert report.failed
    assert "的工作进程被信号 SIGKILL 终止，可能是内存不足被系统终止，没有生成任何文件" in str(report.problems.errors[0])
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


@pytest.mark.slow
def test_a_renderer_killed_by_a_signal_fails_the_workbook_in_chinese(root, tmp_path, monkeypatch):
    import os

    from xlreports import build as build_module
    from xlreports import jobs

    monkeypatch.setattr(jobs, "REMOTE_WEIGHT", 1)
    monkeypatch.setattr(build_module, "_province_sheets", killed_in_a_child(
        build_module._province_sheets, os.getpid(), lambda form, context: form.name == "绩效目标表"))
    report = build(root / "input" / f"{SAMPLE}.xlsx", tmp_path / "out", root / "templates", workers=2)
    assert report.failed
    assert "渲染表格的进程被信号 SIGKILL 终止" in str(report.problems.errors[0])
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
