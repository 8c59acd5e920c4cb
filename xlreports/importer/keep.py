"""Write the changes into the input workbook: the previous version kept, the new one written whole.

The previous file is copied to ``旧版本/<name>.<date-time>.xlsx`` beside the workbook (a folder,
so that ``xlreports build input/`` does not take it for another workbook); the changed workbook is
written under a temporary name and renamed over the original (:func:`.workbook.replace_with`, the one
place import writes, to be pointed at the shared safe-write helper).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from .into import Change
from .workbook import replace_with

VERSIONS = "旧版本"


def keep_previous(path: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = path.parent / VERSIONS
    folder.mkdir(exist_ok=True)
    kept = folder / f"{path.stem}.{stamp}{path.suffix}"
    number = 1
    while kept.exists():
        number += 1
        kept = folder / f"{path.stem}.{stamp}-{number}{path.suffix}"
    shutil.copy2(path, kept)
    return kept


def apply_changes(path: Path, changes: list[Change]) -> Path:
    """Apply ``changes`` to ``path``; returns where the previous version was kept."""
    import openpyxl  # deferred: only --into needs it

    book = openpyxl.load_workbook(path)
    for change in changes:
        cell = book[change.sheet][change.cell]
        cell.value = change.new
        if isinstance(change.new, str):
            cell.data_type = "s"
    kept = keep_previous(path)
    replace_with(path, book.save)
    return kept
