"""The garbage collector during a build: rare collections, and nothing left for it to find."""

from __future__ import annotations

import gc

import pytest

from xlreports.build import build
from xlreports.collector import BUILD_THRESHOLDS, fewer_collections
from xlreports.render.sheet import Cell, Sheet
from xlreports.write import write_workbook


@pytest.mark.slow
def test_a_build_restores_the_collector_thresholds(root, tmp_path):
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == BUILD_THRESHOLDS
    assert gc.get_threshold() == before
    report = build(root / "input" / "2020年度工业和信息化预留资金.xlsx", tmp_path, root / "templates", workers=2)
    assert not report.failed
    assert gc.get_threshold() == before
    assert not gc.get_freeze_count()  # what was frozen for the workers is released


def test_writing_a_file_leaves_no_cycles_behind(tmp_path):
    """xlsxwriter's objects refer to each other; a written file's rows and merges are freed at once."""
    rows = [{0: Cell("项目"), 1: Cell(float(i))} for i in range(2000)]
    sheet = Sheet.from_rows("表", rows, [20.0] * 2000, merges=[(i, 2, i, 3) for i in range(2000)])
    gc.collect()
    gc.disable()
    try:
        write_workbook([sheet], tmp_path / "out.xlsx")
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert unreachable < 100  # without the release: over 12,000 objects, every row's height and merge
